import type { FormRow } from '../../contract/rows.ts';
import type { DeviceClass } from '../../contract/vocabulary.ts';
import type { Database } from './db.ts';
import type { DerivedFormEvent } from './derived-model.ts';
import { NO_LOWER_BOUND, NO_UPPER_BOUND, perDevice } from './sql.ts';

export interface FormEventRecord extends Omit<DerivedFormEvent, 'view'> {
  projectId: number;
  sessionId: string;
  windowId: string;
  pageViewId: number;
  pageKey: string;
}

/**
 * SQL true when the session in `sessions.id` started a form and never submitted it: the rule of analyzeForms (started =
 * a focus or change in the form; submitted = a submit of that form on a page with the same key).
 */
export const ABANDONED_FORM_SQL = `EXISTS (
  SELECT 1 FROM form_events f WHERE f.session_id = sessions.id AND f.form <> '' AND f.action IN ('focus', 'change')
    AND NOT EXISTS (SELECT 1 FROM form_events s WHERE s.session_id = f.session_id AND s.page_key = f.page_key
      AND s.form = f.form AND s.action = 'submit')
)`;

/** A stored form event with the page view it happened in, for rebuilding a window's form use. */
export type FormEventRow = FormRow;

/** Sessions a session-level report covers: the project's, started within the range, optionally of one device class. */
export interface SessionRange {
  projectId: number;
  from?: number;
  to?: number;
  device?: DeviceClass;
}

export function sessionRangeParams(range: SessionRange): Record<string, unknown> {
  const params: Record<string, unknown> = {
    projectId: range.projectId,
    from: range.from ?? NO_LOWER_BOUND,
    to: range.to ?? NO_UPPER_BOUND,
  };
  if (range.device) params.device = range.device;
  return params;
}

export function createFormEventQueries(db: Database) {
  const insert = db.prepare(`
    INSERT INTO form_events (project_id, session_id, window_id, page_view_id, ts, page_key, action, form, field, name,
      kind, label)
    VALUES (@projectId, @sessionId, @windowId, @pageViewId, @ts, @pageKey, @action, @form, @field, @name, @kind, @label)
  `);
  const rows = perDevice<FormEventRow>(
    db,
    (devices) => `
      SELECT f.session_id AS sessionId, f.window_id AS windowId, v.id AS viewId, v.url, v.ts AS viewTs,
        v.last_ts AS viewLastTs, f.ts, f.action, f.form, f.field, f.name, f.kind, f.label
      FROM sessions s
      JOIN form_events f ON f.session_id = s.id
      JOIN page_views v ON v.id = f.page_view_id
      WHERE s.project_id = @projectId AND s.started_at BETWEEN @from AND @to AND s.device ${devices}
      ORDER BY f.session_id, f.window_id, f.ts, f.id`,
  );

  return {
    insert(record: FormEventRecord): void {
      insert.run(record);
    },

    /** Form events of the sessions in range, grouped by session and window, in time order within each window. */
    rows(range: SessionRange): IterableIterator<FormEventRow> {
      return rows(range.device).iterate(sessionRangeParams(range));
    },
  };
}
