/**
 * The form report over many sessions: analyzeForms' per-session results summed per form and per field.
 * Each FormUse stands for one session's use of one form (analyzeForms returns at most one per form key).
 */
import type { FormUse } from './form-dropoff.ts';
import type { FieldSummary, FormSummary } from '../../contract/insights.ts';

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

interface FieldTally {
  summary: FieldSummary;
  times: number[];
  hesitations: number[];
  positionSum: number;
  /** When the latest label was seen (the field's lastTs in that use). */
  labelTs: number;
}

export function aggregateForms(uses: readonly FormUse[]): FormSummary[] {
  const forms = new Map<string, { summary: FormSummary; fields: Map<string, FieldTally> }>();
  for (const use of uses) {
    let form = forms.get(use.key);
    if (!form) {
      const summary: FormSummary = {
        key: use.key,
        page: use.page,
        form: use.form,
        sessionsStarted: 0,
        sessionsSubmitted: 0,
        sessionsAbandoned: 0,
        fields: [],
      };
      forms.set(use.key, (form = { summary, fields: new Map() }));
    }
    form.summary.sessionsStarted += use.started ? 1 : 0;
    form.summary.sessionsSubmitted += use.submitted ? 1 : 0;
    form.summary.sessionsAbandoned += use.abandoned ? 1 : 0;
    use.fields.forEach((field, position) => {
      let tally = form.fields.get(field.field);
      if (!tally) {
        const summary = emptyFieldSummary(field.field, field.name, field.kind);
        tally = { summary, times: [], hesitations: [], positionSum: 0, labelTs: -Infinity };
        form.fields.set(field.field, tally);
      }
      if (field.label && field.lastTs >= tally.labelTs) [tally.summary.label, tally.labelTs] = [field.label, field.lastTs];
      tally.summary.sessions += 1;
      tally.positionSum += position;
      if (field.focuses > 0) tally.times.push(field.timeSpentMs);
      if (field.hesitationMs !== null) tally.hesitations.push(field.hesitationMs);
      tally.summary.corrected += field.corrections > 0 ? 1 : 0;
      tally.summary.leftBlank += field.leftBlank ? 1 : 0;
      if (use.abandoned && use.lastField === field.field) {
        tally.summary.dropOffs += 1;
        const latest = tally.summary.latestDropOff;
        if (use.dropOff && (!latest || use.dropOff.ts > latest.ts)) tally.summary.latestDropOff = use.dropOff;
      }
    });
  }
  return [...forms.values()]
    .map(({ summary, fields }) => ({ ...summary, fields: summarizeFields([...fields.values()]) }))
    .sort((a, b) => b.sessionsStarted - a.sessionsStarted || a.key.localeCompare(b.key));
}

function emptyFieldSummary(field: string, name: string, kind: string): FieldSummary {
  return {
    field,
    name,
    kind,
    label: '',
    sessions: 0,
    medianTimeMs: null,
    medianHesitationMs: null,
    corrected: 0,
    leftBlank: 0,
    dropOffs: 0,
    latestDropOff: null,
  };
}

function summarizeFields(tallies: FieldTally[]): FieldSummary[] {
  const meanPosition = (tally: FieldTally) => tally.positionSum / tally.summary.sessions;
  // Array.prototype.sort is stable: fields at the same mean position keep the order first seen.
  return tallies
    .sort((a, b) => meanPosition(a) - meanPosition(b))
    .map(({ summary, times, hesitations }) => ({
      ...summary,
      medianTimeMs: median(times),
      medianHesitationMs: median(hesitations),
    }));
}
