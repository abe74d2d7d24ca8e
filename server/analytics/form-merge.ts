/**
 * One session's form use across its windows (tabs). analyzeForms reads one window's events; a shopper who starts
 * the checkout in one tab and submits it in another did not abandon it, so the uses of one form key are merged:
 * started and submitted if any window did, field figures summed, and the last field recomputed over all windows.
 */
import type { FieldUse, FormUse } from './form-dropoff.ts';

function mergeField(a: FieldUse, b: FieldUse): FieldUse {
  const focuses = a.focuses + b.focuses;
  const changes = a.changes + b.changes;
  // Hesitation is about the first change: keep the one of the window that changed the field first.
  const firstChanger = [a, b].filter((use) => use.hesitationMs !== null).sort((x, y) => x.firstTs - y.firstTs)[0];
  return {
    field: a.field,
    name: a.name || b.name,
    kind: a.kind || b.kind,
    // The later window's label, if it reported one: labels follow the page as it changes.
    label: (a.lastTs <= b.lastTs ? b.label || a.label : a.label || b.label),
    interactions: a.interactions + b.interactions,
    focuses,
    changes,
    timeSpentMs: a.timeSpentMs + b.timeSpentMs,
    hesitationMs: firstChanger?.hesitationMs ?? null,
    corrections: Math.max(0, changes - 1),
    leftBlank: focuses > 0 && changes === 0,
    firstTs: Math.min(a.firstTs, b.firstTs),
    lastTs: Math.max(a.lastTs, b.lastTs),
  };
}

function mergeUse(a: FormUse, b: FormUse): FormUse {
  const fields = new Map<string, FieldUse>();
  for (const field of [...a.fields, ...b.fields].sort((x, y) => x.firstTs - y.firstTs)) {
    const seen = fields.get(field.field);
    fields.set(field.field, seen ? mergeField(seen, field) : field);
  }
  const started = a.started || b.started;
  const submitted = a.submitted || b.submitted;
  const abandoned = started && !submitted;
  let lastField: string | null = null;
  if (abandoned) {
    let latest = -Infinity;
    for (const field of fields.values()) if (field.lastTs >= latest) [latest, lastField] = [field.lastTs, field.field];
  }
  return { ...a, started, submitted, abandoned, lastField, fields: [...fields.values()] };
}

/** Uses from several windows of ONE session, at most one per form key out, in the order keys were first seen. */
export function mergeSessionFormUses(uses: Iterable<FormUse>): FormUse[] {
  const byKey = new Map<string, FormUse>();
  for (const use of uses) {
    const seen = byKey.get(use.key);
    byKey.set(use.key, seen ? mergeUse(seen, use) : use);
  }
  return [...byKey.values()];
}
