import { describe, expect, test } from 'vitest';
import { analyzeForms } from '../../../server/analytics/form-dropoff.ts';
import { mergeSessionFormUses } from '../../../server/analytics/form-merge.ts';
import { formUsesFromRows } from '../../../server/analytics/form-rows.ts';
import type { FormRow } from '../../../contract/rows.ts';
import { aggregateForms } from '../../../server/analytics/form-report.ts';
import { meta, mouseMove, slField, slSubmit, T0 } from './factories.ts';

const CHECKOUT = 'https://shop.test/checkout/42';

function row(
  at: number,
  action: FormRow['action'],
  field: string,
  view: { id: number; at: number; lastAt: number; url?: string },
  ids: { sessionId?: string; windowId?: string } = {},
): FormRow {
  return {
    sessionId: ids.sessionId ?? 's1',
    windowId: ids.windowId ?? 'w1',
    viewId: view.id,
    url: view.url ?? CHECKOUT,
    viewTs: T0 + view.at,
    viewLastTs: T0 + view.lastAt,
    ts: T0 + at,
    action,
    form: '#checkout',
    field: action === 'submit' ? '' : field,
    name: action === 'submit' ? '' : field.replace('#', ''),
    kind: action === 'submit' ? '' : 'text',
    label: '',
  };
}

describe('analytics | form use from stored rows', () => {
  test('gives what analyzeForms gives on the recording the rows came from', () => {
    const events = [
      meta(0, CHECKOUT),
      slField(100, 'focus', '#email'),
      slField(900, 'change', '#email'),
      slField(1000, 'blur', '#email'),
      slField(1000, 'focus', '#card'),
      slField(3000, 'change', '#card'),
      slField(5000, 'change', '#card'),
      mouseMove(8000),
    ];
    const view = { id: 7, at: 0, lastAt: 8000 };
    const rows = [
      row(100, 'focus', '#email', view),
      row(900, 'change', '#email', view),
      row(1000, 'blur', '#email', view),
      row(1000, 'focus', '#card', view),
      row(3000, 'change', '#card', view),
      row(5000, 'change', '#card', view),
    ];
    // The rows know their session and window, so the abandoned use gets its drop-off moment: the last touch of #card.
    const dropOff = { sessionId: 's1', windowId: 'w1', ts: T0 + 5000 };
    expect(formUsesFromRows(rows)).toEqual(analyzeForms(events).map((use) => ({ ...use, dropOff })));
    expect(formUsesFromRows(rows)[0]).toMatchObject({ abandoned: true, lastField: '#card', page: '/checkout/:id' });
  });

  test('ends an unblurred focus at the end of its own view, not at a later view of the same URL', () => {
    const first = { id: 1, at: 0, lastAt: 2000 };
    const later = { id: 3, at: 60_000, lastAt: 90_000 };
    const rows = [row(1000, 'focus', '#email', first), row(61_000, 'change', '#card', later)];
    const [use] = formUsesFromRows(rows);
    expect(use.fields.find((field) => field.field === '#email')?.timeSpentMs).toBe(1000);
  });

  test('merges the windows of one session: started in one tab and submitted in another is not abandoned', () => {
    const tabA = { id: 1, at: 0, lastAt: 5000 };
    const tabB = { id: 2, at: 6000, lastAt: 9000 };
    const rows = [
      row(100, 'focus', '#email', tabA, { windowId: 'a' }),
      row(400, 'change', '#email', tabA, { windowId: 'a' }),
      row(7000, 'focus', '#card', tabB, { windowId: 'b' }),
      row(7500, 'change', '#card', tabB, { windowId: 'b' }),
      row(8000, 'submit', '', tabB, { windowId: 'b' }),
    ];
    const uses = formUsesFromRows(rows);
    expect(uses).toHaveLength(1);
    expect(uses[0]).toMatchObject({ started: true, submitted: true, abandoned: false, lastField: null });
    expect(uses[0].fields.map((field) => field.field)).toEqual(['#email', '#card']);
  });

  test('keeps sessions apart, so the report counts each once', () => {
    const view = { id: 1, at: 0, lastAt: 5000 };
    const otherView = { id: 2, at: 0, lastAt: 5000 };
    const rows = [
      row(100, 'focus', '#email', view),
      row(200, 'change', '#email', view),
      row(100, 'focus', '#email', otherView, { sessionId: 's2' }),
      row(300, 'submit', '', otherView, { sessionId: 's2' }),
    ];
    const [form] = aggregateForms(formUsesFromRows(rows));
    expect(form).toMatchObject({ sessionsStarted: 2, sessionsSubmitted: 1, sessionsAbandoned: 1 });
    expect(form.fields[0]).toMatchObject({ field: '#email', sessions: 2, leftBlank: 1, dropOffs: 1 });
  });
});

describe('analytics | mergeSessionFormUses', () => {
  test('sums a field used in two windows and recomputes corrections, blank and last field', () => {
    const tabA = analyzeForms([meta(0, CHECKOUT), slField(10, 'focus', '#card'), slField(20, 'change', '#card'), mouseMove(100)]);
    const tabB = analyzeForms([
      meta(1000, CHECKOUT),
      slField(1010, 'focus', '#card'),
      slField(1040, 'change', '#card'),
      slField(1050, 'focus', '#zip'),
      mouseMove(1100),
    ]);
    const [merged] = mergeSessionFormUses([...tabA, ...tabB]);
    expect(merged).toMatchObject({ started: true, submitted: false, abandoned: true, lastField: '#zip' });
    expect(merged.fields[0]).toMatchObject({
      field: '#card',
      interactions: 4,
      focuses: 2,
      changes: 2,
      corrections: 1,
      leftBlank: false,
      hesitationMs: 10,
      timeSpentMs: 90 + 40,
      firstTs: T0 + 10,
      lastTs: T0 + 1040,
    });
    expect(merged.fields[1]).toMatchObject({ field: '#zip', leftBlank: true });
  });

  test('an earlier abandon and a later submit of the same form in another window is a submit', () => {
    const abandoned = analyzeForms([meta(0, CHECKOUT), slField(10, 'focus', '#card'), mouseMove(50)]);
    const submitted = analyzeForms([meta(100, CHECKOUT), slSubmit(200)]);
    expect(mergeSessionFormUses([...abandoned, ...submitted])[0]).toMatchObject({ abandoned: false, submitted: true });
  });
});
