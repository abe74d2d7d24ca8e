/**
 * How one session used each form: started, submitted or abandoned, and what happened in every field it touched.
 * aggregateForms (form-report.ts) sums these over many sessions.
 *
 * Definitions:
 * - A form is keyed by the pageKey of the URL it was on plus its selector, so one checkout form on
 *   `/checkout/123` and `/checkout/456` is one form, also across reloads within the session.
 * - started: a field of the form got focus or changed. submitted: an sl:submit for it (whether or not fields were
 *   touched first). abandoned: started and never submitted in the session.
 * - Fields outside any form (sl:field form '') are left out: there is no submit to measure them against.
 * - time spent: sum of focus → blur. A focus without its blur ends at the next focus on another field, else at the
 *   page view's last event (the visitor was on the page until then).
 * - hesitation: the first change minus the field's latest focus before it; null when it changed without focus
 *   (autofill) or never changed.
 * - corrections: changes after the first (the change event fires when a value is committed, so a second one means
 *   the visitor went back and changed it).
 * - left blank: focused but never changed. A field the visitor skipped without focusing leaves no event at all, so
 *   it cannot be counted per session; in aggregate it shows as fewer sessions on that field than on the form.
 * - last field: for an abandoned form, the field whose last focus or change came latest.
 * - label: the field as a person reads it (`"Email" email field`), the latest the recorder reported; '' for
 *   recordings without labels.
 */
import { SlTag } from '../../contract/protocol.ts';
import type { ReplayLink } from '../../contract/insights.ts';
import { slPayload } from './events.ts';
import { pageKey } from './page-key.ts';
import { splitPageViews } from './page-views.ts';

export interface FormOptions {
  /** Page patterns for pageKey, e.g. `/checkout/*`. Defaults to [] (id-like segments still collapse). */
  pagePatterns: readonly string[];
}

export const defaultFormOptions: Readonly<FormOptions> = Object.freeze({ pagePatterns: [] });

export interface FieldUse {
  /** The field's selector. */
  field: string;
  /** Its name attribute, label or id, and its input type or tag (as the recorder reported them). */
  name: string;
  kind: string;
  /** The field as a person reads it; '' when not reported. */
  label: string;
  /** Focus and change events on the field. */
  interactions: number;
  focuses: number;
  changes: number;
  /** Total time focused, in ms. */
  timeSpentMs: number;
  /** First change minus the latest focus before it, in ms; null when unknown. */
  hesitationMs: number | null;
  /** Changes after the first. */
  corrections: number;
  /** Focused but never changed. */
  leftBlank: boolean;
  /** First and last focus or change (ms since epoch). */
  firstTs: number;
  lastTs: number;
}

export interface FormUse {
  /** formKey(page, form). */
  key: string;
  /** pageKey of the URL the form was used on. */
  page: string;
  /** The form's selector. */
  form: string;
  started: boolean;
  submitted: boolean;
  abandoned: boolean;
  /** The field touched last before abandoning; null unless abandoned. */
  lastField: string | null;
  /** Where the replay of the drop-off starts: the last touch of the last field. Set by formUsesFromRows, else null. */
  dropOff: ReplayLink | null;
  /** Fields in the order first touched. */
  fields: FieldUse[];
}

interface FieldState extends FieldUse {
  latestFocusTs: number | null;
}

interface FormState {
  page: string;
  form: string;
  started: boolean;
  submitted: boolean;
  fields: Map<string, FieldState>;
}

export function analyzeForms(events: readonly unknown[], options: Partial<FormOptions> = {}): FormUse[] {
  const patterns = options.pagePatterns ?? defaultFormOptions.pagePatterns;
  const forms = new Map<string, FormState>();
  const formFor = (page: string, form: string): FormState => {
    const key = formKey(page, form);
    let state = forms.get(key);
    if (!state) forms.set(key, (state = { page, form, started: false, submitted: false, fields: new Map() }));
    return state;
  };

  for (const view of splitPageViews(events)) {
    const page = pageKey(view.url, patterns);
    let focused: { field: FieldState; since: number } | null = null;
    const endFocus = (at: number) => {
      if (focused) focused.field.timeSpentMs += Math.max(0, at - focused.since);
      focused = null;
    };
    for (const event of view.events) {
      const ts = event.timestamp;
      const submit = slPayload(event, SlTag.Submit);
      if (submit && submit.form !== '') formFor(page, submit.form).submitted = true;
      const action = slPayload(event, SlTag.Field);
      if (!action) continue;
      if (action.form === '') {
        // Not reported, but focus moving there still ends the time spent in a form field.
        if (action.action === 'focus') endFocus(ts);
        continue;
      }
      if (action.action === 'blur') {
        // Looked up, not created: a blur alone (focus recorded before the window began) does not start a form.
        const field = forms.get(formKey(page, action.form))?.fields.get(action.field);
        if (focused && focused.field === field) endFocus(ts);
        continue;
      }
      const form = formFor(page, action.form);
      let field = form.fields.get(action.field);
      if (!field) {
        field = newFieldState(action.field, action.name, action.kind, ts);
        form.fields.set(action.field, field);
      }
      if (action.label) field.label = action.label;
      form.started = true;
      field.interactions += 1;
      field.lastTs = ts;
      if (action.action === 'focus') {
        endFocus(ts);
        focused = { field, since: ts };
        field.focuses += 1;
        field.latestFocusTs = ts;
      } else {
        field.changes += 1;
        if (field.changes === 1 && field.latestFocusTs !== null) field.hesitationMs = ts - field.latestFocusTs;
      }
    }
    const viewEnd = view.events[view.events.length - 1]?.timestamp;
    if (viewEnd !== undefined) endFocus(viewEnd);
  }

  return [...forms.entries()].map(([key, state]) => toFormUse(key, state));
}

/** `${page} ${form}`: page keys hold no spaces, so the first space splits the two. */
export function formKey(page: string, form: string): string {
  return `${page} ${form}`;
}

function newFieldState(field: string, name: string, kind: string, ts: number): FieldState {
  return {
    field,
    name,
    kind,
    label: '',
    interactions: 0,
    focuses: 0,
    changes: 0,
    timeSpentMs: 0,
    hesitationMs: null,
    corrections: 0,
    leftBlank: false,
    firstTs: ts,
    lastTs: ts,
    latestFocusTs: null,
  };
}

function toFormUse(key: string, state: FormState): FormUse {
  const fields = [...state.fields.values()].map(({ latestFocusTs: _internal, ...use }) => ({
    ...use,
    corrections: Math.max(0, use.changes - 1),
    leftBlank: use.focuses > 0 && use.changes === 0,
  }));
  const abandoned = state.started && !state.submitted;
  let lastField: string | null = null;
  if (abandoned) {
    let latest = -Infinity;
    // `>=` so that of two fields touched in the same millisecond the one touched later in order wins.
    for (const use of fields) if (use.lastTs >= latest) [latest, lastField] = [use.lastTs, use.field];
  }
  const { page, form, started, submitted } = state;
  return { key, page, form, started, submitted, abandoned, lastField, dropOff: null, fields };
}
