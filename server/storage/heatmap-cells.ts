import type { DeviceClass, HeatmapKind } from '../../contract/vocabulary.ts';
import {
  elementCell,
  monthStart,
  pageCell,
  splitDayRange,
  type CellAnchor,
  type CellRow,
} from '../../contract/buckets.ts';
import type { Database } from './db.ts';
import { perDevice } from './sql.ts';

/** One heatmap bucket key. */
export interface CellKey {
  projectId: number;
  pageKey: string;
  kind: HeatmapKind;
  device: DeviceClass;
  day: number;
  selector: string;
  anchor: CellAnchor;
  /** Document width of a page bucket, CSS px; 0 for element buckets. */
  documentWidth: number;
  cx: number;
  cy: number;
}

/** Per-page daily counts for the page picker. */
export interface PageDayKey {
  projectId: number;
  pageKey: string;
  device: DeviceClass;
  day: number;
}

/** Sums bucket changes in memory so a chunk writes each bucket once, however many points fall in it. */
export class CellTally {
  readonly #cells = new Map<string, { key: CellKey; count: number }>();
  readonly #pages = new Map<string, { key: PageDayKey; views: number; clicks: number; moves: number }>();

  add(key: CellKey, count: number): void {
    const id = JSON.stringify([key.projectId, key.pageKey, key.kind, key.device, key.day, key.selector, key.anchor,
      key.documentWidth, key.cx, key.cy]);
    const entry = this.#cells.get(id);
    if (entry) entry.count += count;
    else this.#cells.set(id, { key, count });
  }

  addPage(key: PageDayKey, counts: { views?: number; clicks?: number; moves?: number }): void {
    const id = JSON.stringify([key.projectId, key.pageKey, key.device, key.day]);
    let entry = this.#pages.get(id);
    if (!entry) this.#pages.set(id, (entry = { key, views: 0, clicks: 0, moves: 0 }));
    entry.views += counts.views ?? 0;
    entry.clicks += counts.clicks ?? 0;
    entry.moves += counts.moves ?? 0;
  }

  cells() {
    return [...this.#cells.values()].filter((entry) => entry.count !== 0);
  }

  pages() {
    return [...this.#pages.values()];
  }
}

/** One clicked point in both bucket kinds: its element's offset grid, and the page grid at its document width. */
export function addClickPoint(
  tally: CellTally,
  kind: HeatmapKind,
  base: Pick<CellKey, 'projectId' | 'pageKey' | 'device' | 'day'>,
  point: { selector: string; ox: number; oy: number; x: number; y: number; dw: number },
  count: number,
): void {
  // Without a page there is nothing to draw the point on.
  if (base.pageKey === '') return;
  const shared = { ...base, kind, selector: point.selector };
  tally.add({ ...shared, anchor: 'element', documentWidth: 0, ...elementCell(point.ox, point.oy) }, count);
  tally.add({ ...shared, anchor: 'page', documentWidth: Math.round(point.dw), ...pageCell(point.x, point.y) }, count);
}

export interface HeatmapRange {
  projectId: number;
  page: string;
  kind: HeatmapKind;
  device?: DeviceClass;
  /** First and last UTC day number, inclusive. */
  fromDay: number;
  toDay: number;
}

/** Which pages the page picker lists: the project's, optionally of one device class, in a UTC day range. */
export interface PagesQuery {
  projectId: number;
  device?: DeviceClass;
  fromDay: number;
  toDay: number;
  limit: number;
}

export interface PageTotals {
  page: string;
  views: number;
  clicks: number;
  moves: number;
}

const ANCHORS: Record<CellAnchor, number> = { element: 0, page: 1 };
const DAY_SPAN = 0;
const MONTH_SPAN = 1;
/** BETWEEN bounds that select nothing, for a part of the range that is empty. */
const NONE: [number, number] = [1, 0];

export function createHeatmapQueries(db: Database) {
  const upsertCell = db.prepare(`
    INSERT INTO heatmap_cells (page_key, kind, span, device, day, selector, anchor, doc_width, cell_x, cell_y,
      project_id, count)
    VALUES (@pageKey, @kind, @span, @device, @day, @selector, @anchor, @documentWidth, @cx, @cy, @projectId, @count)
    ON CONFLICT DO UPDATE SET count = count + excluded.count
  `);
  const dropEmpty = db.prepare(`
    DELETE FROM heatmap_cells WHERE page_key = @pageKey AND kind = @kind AND span = @span AND device = @device
      AND day = @day
      AND selector = @selector AND anchor = @anchor AND doc_width = @documentWidth AND cell_x = @cx AND cell_y = @cy
      AND project_id = @projectId AND count <= 0
  `);
  const upsertPage = db.prepare(`
    INSERT INTO page_days (page_key, device, day, project_id, views, clicks, moves)
    VALUES (@pageKey, @device, @day, @projectId, @views, @clicks, @moves)
    ON CONFLICT DO UPDATE SET views = views + excluded.views, clicks = clicks + excluded.clicks,
      moves = moves + excluded.moves
  `);
  const dropEmptyPage = db.prepare(`
    DELETE FROM page_days WHERE page_key = @pageKey AND device = @device AND day = @day AND project_id = @projectId
      AND views <= 0 AND clicks <= 0 AND moves <= 0
  `);
  // Whole months from the monthly roll-ups, the days before and after them from the daily buckets.
  const cells = perDevice<{ selector: string; anchor: number; doc_width: number; cx: number; cy: number; count: number }>(
    db,
    (devices) => {
      const part = (span: number, from: string, to: string) => `
        SELECT selector, anchor, doc_width, cell_x, cell_y, count FROM heatmap_cells
        WHERE project_id = @projectId AND page_key = @page AND kind = @kind AND span = ${span} AND device ${devices}
          AND day BETWEEN ${from} AND ${to}`;
      return `
        SELECT selector, anchor, doc_width, cell_x AS cx, cell_y AS cy, sum(count) AS count FROM (
          ${part(MONTH_SPAN, '@monthFrom', '@monthTo')}
          UNION ALL ${part(DAY_SPAN, '@headFrom', '@headTo')}
          UNION ALL ${part(DAY_SPAN, '@tailFrom', '@tailTo')}
        )
        GROUP BY selector, anchor, doc_width, cell_x, cell_y`;
    },
  );
  const pages = perDevice<PageTotals>(
    db,
    (devices) => `
      SELECT page_key AS page, sum(views) AS views, sum(clicks) AS clicks, sum(moves) AS moves FROM page_days
      WHERE project_id = @projectId AND device ${devices} AND day BETWEEN @fromDay AND @toDay AND page_key <> ''
      GROUP BY page_key ORDER BY sum(clicks) DESC, sum(views) DESC, page_key LIMIT @limit`,
  );

  return {
    /** Writes a chunk's bucket and page-day changes, in the caller's transaction. */
    apply(tally: CellTally): void {
      for (const { key, count } of tally.cells()) {
        const daily = { ...key, anchor: ANCHORS[key.anchor], count, span: DAY_SPAN };
        for (const row of [daily, { ...daily, span: MONTH_SPAN, day: monthStart(key.day) }]) {
          upsertCell.run(row);
          // A recomputed signal can take a point away again; a bucket left at zero is dropped.
          if (count < 0) dropEmpty.run(row);
        }
      }
      for (const { key, views, clicks, moves } of tally.pages()) {
        upsertPage.run({ ...key, views, clicks, moves });
        // A deleted session takes its views away; a page nobody saw any more leaves the page picker.
        if (views < 0 || clicks < 0 || moves < 0) dropEmptyPage.run(key);
      }
    },

    cells(range: HeatmapRange): CellRow[] {
      const { projectId, page, kind, device, fromDay, toDay } = range;
      const { months, days } = splitDayRange(fromDay, toDay);
      const [monthFrom, monthTo] = months ?? NONE;
      const [headFrom, headTo] = days.find(([from]) => from === fromDay) ?? NONE;
      const [tailFrom, tailTo] = days.find(([from]) => from !== fromDay) ?? NONE;
      const bounds = { monthFrom, monthTo, headFrom, headTo, tailFrom, tailTo };
      return cells(device)
        .all(device ? { projectId, page, kind, device, ...bounds } : { projectId, page, kind, ...bounds })
        .map((row) => ({
          selector: row.selector,
          anchor: row.anchor === ANCHORS.element ? 'element' : 'page',
          documentWidth: row.doc_width,
          cx: row.cx,
          cy: row.cy,
          count: row.count,
        }));
    },

    pages(query: PagesQuery): PageTotals[] {
      const { device, ...rest } = query;
      return pages(device).all(device ? { ...query } : rest);
    },
  };
}
