import type { DeviceClass } from '../../contract/vocabulary.ts';
import type { Database } from './db.ts';
import type { DerivedPageView } from './derived-model.ts';
import { NO_LOWER_BOUND, NO_UPPER_BOUND, perDevice } from './sql.ts';

/** Which rows a page-level report reads: one project's page key, optionally one device class and a time range. */
export interface PageRange {
  projectId: number;
  page: string;
  device?: DeviceClass;
  /** Page views begun at or after / at or before these times (ms since epoch). */
  from?: number;
  to?: number;
}

export interface ScrollRows {
  /** Views with a known depth, grouped by depth rounded to 0.001. */
  depths: Array<{ depth: number; views: number }>;
  /** Mean of viewport height / document height (capped at 1) over those views; null without any. */
  averageFold: number | null;
  /** Views of the page in range, with or without a known depth. */
  views: number;
}

export interface SnapshotView {
  sessionId: string;
  windowId: string;
  url: string;
  ts: number;
  lastTs: number;
  snapshotTs: number;
  device: DeviceClass;
  viewportWidth: number;
  viewportHeight: number;
}

export interface ViewOwner {
  projectId: number;
  sessionId: string;
  windowId: string;
  day: number;
}

function rangeParams(range: PageRange) {
  const { projectId, page, device, from = NO_LOWER_BOUND, to = NO_UPPER_BOUND } = range;
  return device ? { projectId, page, device, from, to } : { projectId, page, from, to };
}

export function createPageViewQueries(db: Database) {
  const insert = db.prepare(`
    INSERT INTO page_views (project_id, session_id, window_id, ts, last_ts, url, page_key, device, day, viewport_width,
      viewport_height, max_seen_bottom, doc_height, snapshot_ts)
    VALUES (@projectId, @sessionId, @windowId, @ts, @lastTs, @url, @pageKey, @device, @day, @viewportWidth,
      @viewportHeight, @maxSeenBottom, @documentHeight, @snapshotTs)
  `);
  // A view's depth is recomputed from its running maxima, because a later click may report a taller document.
  const extend = db.prepare(`
    UPDATE page_views SET
      last_ts = max(last_ts, @lastTs),
      url = CASE WHEN url = '' THEN @url ELSE url END,
      page_key = CASE WHEN url = '' THEN @pageKey ELSE page_key END,
      max_seen_bottom = CASE WHEN @maxSeenBottom IS NULL THEN max_seen_bottom
        ELSE max(coalesce(max_seen_bottom, 0), @maxSeenBottom) END,
      doc_height = CASE WHEN @documentHeight IS NULL THEN doc_height
        ELSE max(coalesce(doc_height, 0), @documentHeight) END,
      snapshot_ts = coalesce(snapshot_ts, @snapshotTs)
    WHERE id = @id
  `);
  const refreshDepth = db.prepare(`
    UPDATE page_views SET max_scroll_depth = CASE WHEN max_seen_bottom IS NULL OR doc_height IS NULL OR doc_height <= 0
      THEN NULL ELSE min(1.0, 1.0 * max_seen_bottom / doc_height) END
    WHERE id = ?
  `);
  const viewAt = db.prepare<[string, string, number], { page_key: string; device: DeviceClass; day: number }>(`
    SELECT page_key, device, day FROM page_views WHERE session_id = ? AND window_id = ? AND ts <= ?
    ORDER BY ts DESC LIMIT 1
  `);
  const scrollDepths = perDevice<{ depth: number; views: number }>(
    db,
    (devices) => `
      SELECT round(max_scroll_depth, 3) AS depth, count(*) AS views FROM page_views
      WHERE project_id = @projectId AND page_key = @page AND device ${devices} AND ts BETWEEN @from AND @to
        AND max_scroll_depth IS NOT NULL
      GROUP BY depth`,
  );
  const scrollTotals = perDevice<{ views: number; fold: number | null }>(
    db,
    (devices) => `
      SELECT count(*) AS views,
        avg(CASE WHEN max_scroll_depth IS NOT NULL THEN min(1.0, 1.0 * viewport_height / doc_height) END) AS fold
      FROM page_views WHERE project_id = @projectId AND page_key = @page AND device ${devices}
        AND ts BETWEEN @from AND @to`,
  );
  const latestSnapshot = perDevice<Record<string, unknown>>(
    db,
    (devices) => `
      SELECT v.session_id, v.window_id, v.url, v.ts, v.last_ts, v.snapshot_ts, v.device, v.viewport_width,
        v.viewport_height
      FROM page_views v
      WHERE v.project_id = @projectId AND v.page_key = @page AND v.device ${devices} AND v.ts BETWEEN @from AND @to
        AND v.snapshot_ts IS NOT NULL
      ORDER BY v.ts DESC LIMIT 1`,
  );

  return {
    /** Inserts a view the chunk entered; returns its id. */
    insert(view: DerivedPageView, owner: ViewOwner): number {
      const { projectId, sessionId, windowId, day } = owner;
      const id = Number(insert.run({ ...view, projectId, sessionId, windowId, day }).lastInsertRowid);
      refreshDepth.run(id);
      return id;
    },

    /** Extends the view a window was already on with what a later chunk saw of it. */
    extend(id: number, view: DerivedPageView): void {
      extend.run({ ...view, id });
      refreshDepth.run(id);
    },

    /** The view a window was on at `ts`: where a signal without an sl:click happened. */
    viewAt(sessionId: string, windowId: string, ts: number) {
      const row = viewAt.get(sessionId, windowId, ts);
      return row && { pageKey: row.page_key, device: row.device, day: row.day };
    },

    scroll(range: PageRange): ScrollRows {
      const params = rangeParams(range);
      const totals = scrollTotals(range.device).get(params) ?? { views: 0, fold: null };
      return { depths: scrollDepths(range.device).all(params), averageFold: totals.fold, views: totals.views };
    },

    /** The latest view of a page (in range) whose full snapshot was recorded. */
    latestSnapshot(range: PageRange): SnapshotView | undefined {
      const row = latestSnapshot(range.device).get(rangeParams(range));
      if (!row) return undefined;
      return {
        sessionId: row.session_id as string,
        windowId: row.window_id as string,
        url: row.url as string,
        ts: row.ts as number,
        lastTs: row.last_ts as number,
        snapshotTs: row.snapshot_ts as number,
        device: row.device as DeviceClass,
        viewportWidth: row.viewport_width as number,
        viewportHeight: row.viewport_height as number,
      };
    },
  };
}
