/**
 * Form use from stored form events rather than whole recordings: the rows of each window are turned back into the
 * Sightline events analyzeForms reads, so the report follows exactly its rules (form-dropoff.ts), and the uses of
 * one session's windows are merged (form-merge.ts).
 *
 * Each page view of a row becomes an sl:page at the view's start and a closing event at the view's last event
 * (where a focus without a blur ends). Views without form events are not stored with them, so two views of one URL
 * could look adjacent and merge; a fragment naming the view keeps them apart, and pageKey drops fragments.
 *
 * An abandoned use gets its drop-off moment here, where rows still know their window: the last touch of its last
 * field (the row of that field at its lastTs).
 */
import type { RecordedEvent } from '../../contract/protocol.ts';
import { analyzeForms, type FormOptions, type FormUse } from './form-dropoff.ts';
import { mergeSessionFormUses } from './form-merge.ts';
import type { FormRow } from '../../contract/rows.ts';

/** rrweb MouseMove with no positions: an event analyzeForms ignores but whose time ends the view. */
const closing = (timestamp: number): RecordedEvent => ({ type: 3, data: { source: 1, positions: [] }, timestamp });

const custom = (timestamp: number, tag: string, payload: unknown): RecordedEvent => ({
  type: 5,
  data: { tag, payload },
  timestamp,
});

function rowEvent(row: FormRow): RecordedEvent {
  if (row.action === 'submit') return custom(row.ts, 'sl:submit', { form: row.form });
  const { action, form, field, name, kind, label } = row;
  return custom(row.ts, 'sl:field', { action, form, field, name, kind, label });
}

/** The use with its drop-off moment, found among the session's rows; unchanged unless abandoned. */
function withDropOff(use: FormUse, rows: readonly FormRow[]): FormUse {
  const field = use.fields.find((candidate) => candidate.field === use.lastField);
  const row = field && rows.find((candidate) => candidate.form === use.form && candidate.field === field.field && candidate.ts === field.lastTs);
  return row ? { ...use, dropOff: { sessionId: row.sessionId, windowId: row.windowId, ts: row.ts } } : use;
}

/** Every session's form use (one FormUse per session and form key), for aggregateForms. */
export function formUsesFromRows(rows: Iterable<FormRow>, options: Partial<FormOptions> = {}): FormUse[] {
  const uses: FormUse[] = [];
  let sessionUses: FormUse[] = [];
  let sessionRows: FormRow[] = [];
  let events: RecordedEvent[] = [];
  let views = new Set<number>();
  let session: string | null = null;
  let window: string | null = null;

  const endWindow = () => {
    if (events.length > 0) sessionUses.push(...analyzeForms(events, options));
    events = [];
    views = new Set();
  };
  const endSession = () => {
    endWindow();
    for (const use of mergeSessionFormUses(sessionUses)) uses.push(use.abandoned ? withDropOff(use, sessionRows) : use);
    sessionUses = [];
    sessionRows = [];
  };

  for (const row of rows) {
    if (row.sessionId !== session) {
      endSession();
      session = row.sessionId;
      window = row.windowId;
    } else if (row.windowId !== window) {
      endWindow();
      window = row.windowId;
    }
    if (!views.has(row.viewId)) {
      views.add(row.viewId);
      const url = row.url === '' ? '' : `${row.url}#sl-view-${row.viewId}`;
      events.push(custom(row.viewTs, 'sl:page', { url, title: '', referrer: '' }), closing(row.viewLastTs));
    }
    events.push(rowEvent(row));
    sessionRows.push(row);
  }
  endSession();
  return uses;
}
