import type { ReplayLink } from '../../contract/insights.ts';
import type { DeviceClass } from '../../contract/vocabulary.ts';
import type { Database } from './db.ts';
import type { DerivedClick } from './derived-model.ts';

/** A click as stored: the derived click with its owner, page and day. */
export interface ClickRecord extends Omit<DerivedClick, 'view'> {
  projectId: number;
  sessionId: string;
  windowId: string;
  pageKey: string;
  url: string;
  day: number;
}

/** Where a click happened and how it anchors to its element: what a signal on it needs for its heatmap bucket. */
export interface ClickPlacement {
  pageKey: string;
  device: DeviceClass;
  day: number;
  ox: number;
  oy: number;
  dw: number;
}

/** A moment to open a replay at, with the label the element had then ('' when the recording had none). */
export interface LabelledReplayLink extends ReplayLink {
  label: string;
}

/** The latest point on one element of one project's page, in a time range, optionally of one device class. */
export interface ElementQuery {
  projectId: number;
  page: string;
  selector: string;
  from: number;
  to: number;
  device: DeviceClass | null;
}

export function createClickQueries(db: Database) {
  const insert = db.prepare(`
    INSERT INTO clicks (project_id, session_id, window_id, ts, page_key, url, selector, tag, label, ox, oy, x, y, vw, vh,
      dw, dh, device, day)
    VALUES (@projectId, @sessionId, @windowId, @ts, @pageKey, @url, @selector, @tag, @label, @ox, @oy, @x, @y, @vw, @vh,
      @dw, @dh, @device, @day)
  `);
  const placement = db.prepare<[string, string, number, string], ClickPlacement>(`
    SELECT page_key AS pageKey, device, day, ox, oy, dw FROM clicks
    WHERE session_id = ? AND window_id = ? AND ts = ? AND selector = ? LIMIT 1
  `);
  const latestOn = db.prepare<unknown[], LabelledReplayLink>(`
    SELECT session_id AS sessionId, window_id AS windowId, ts, label FROM clicks
    WHERE project_id = @projectId AND page_key = @page AND selector = @selector AND ts BETWEEN @from AND @to
      AND (@device IS NULL OR device = @device)
    ORDER BY ts DESC LIMIT 1
  `);

  return {
    insert(click: ClickRecord): void {
      insert.run(click);
    },

    /** The stored sl:click a signal was found on, or undefined when only rrweb recorded it. */
    placement(sessionId: string, windowId: string, ts: number, selector: string): ClickPlacement | undefined {
      return placement.get(sessionId, windowId, ts, selector);
    },

    /** The latest click on an element of a page, to open the replay there, and the element's label at that click. */
    latestOn(query: ElementQuery): LabelledReplayLink | undefined {
      return latestOn.get(query);
    },
  };
}
