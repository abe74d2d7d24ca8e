import { describe, expect, test } from 'vitest';
import type { FormRow } from '../../../../contract/rows.ts';
import { closingDrafts, signalDraft, type SignalFacts } from '../../../../server/webhooks/drafts.ts';

const T0 = Date.UTC(2025, 2, 1, 12);

function signal(fields: Partial<SignalFacts>): SignalFacts {
  return {
    kind: 'rage',
    sessionId: 's1',
    windowId: 'w1',
    ts: T0 + 1000,
    selector: '#pay',
    label: '"Pay" button',
    count: 4,
    pageKey: '/checkout',
    url: 'https://shop.test/checkout',
    details: {},
    ...fields,
  };
}

function formRow(at: number, action: FormRow['action'], field: string, form = '#checkout', windowId = 'w1'): FormRow {
  return {
    sessionId: 's1',
    windowId,
    viewId: windowId === 'w1' ? 1 : 2,
    url: 'https://shop.test/checkout',
    viewTs: T0,
    viewLastTs: T0 + 60_000,
    ts: T0 + at,
    action,
    form,
    field: action === 'submit' ? '' : field,
    name: action === 'submit' ? '' : field.slice(1),
    kind: action === 'submit' ? '' : 'text',
    label: action === 'submit' ? '' : `"${field.slice(1)}" text field`,
  };
}

describe('webhooks | event drafts', () => {
  test('a rage click becomes rage_click at its moment, named by its label', () => {
    expect(signalDraft(signal({ details: { deadClicks: 4 } }))).toEqual({
      type: 'rage_click',
      sessionId: 's1',
      moment: { windowId: 'w1', ts: T0 + 1000 },
      data: {
        summary: 'Rage click: 4 clicks on "Pay" button, nothing happened',
        label: '"Pay" button',
        selector: '#pay',
        page: '/checkout',
        url: 'https://shop.test/checkout',
        at: T0 + 1000,
        clicks: 4,
        deadClicks: 4,
      },
    });
  });

  test('an error click becomes error_click with its message; a dead click becomes nothing', () => {
    const draft = signalDraft(signal({ kind: 'error', count: 2, details: { message: 'TypeError: x is undefined' } }));
    expect(draft?.type).toBe('error_click');
    expect(draft?.data).toMatchObject({ errors: 2, message: 'TypeError: x is undefined', selector: '#pay' });
    expect(signalDraft(signal({ kind: 'dead' }))).toBeNull();
  });

  test('a closed session with an abandoned cart and form gives one cart_abandoned and one form_abandoned', () => {
    const session = {
      sessionId: 's1',
      trackedEvents: [{ windowId: 'w1', ts: T0 + 500, name: 'add_to_cart', props: { value: 30, name: 'Lamp' } }],
      formRows: [
        formRow(1000, 'focus', '#email'),
        formRow(2000, 'change', '#email'),
        formRow(3000, 'focus', '#card', '#checkout', 'w2'),
      ],
    };
    expect(closingDrafts(session, { cart: true, forms: true })).toEqual([
      {
        type: 'cart_abandoned',
        sessionId: 's1',
        moment: { windowId: 'w1', ts: T0 + 500 },
        data: { value: 30, items: [{ value: 30, name: 'Lamp' }], lastAddedAt: T0 + 500 },
      },
      {
        type: 'form_abandoned',
        sessionId: 's1',
        moment: { windowId: 'w2', ts: T0 + 3000 },
        data: {
          form: '#checkout',
          page: '/checkout',
          lastField: { label: '"card" text field', selector: '#card', name: 'card', kind: 'text', at: T0 + 3000 },
          fieldsTouched: 2,
        },
      },
    ]);
  });

  test('judges only what is wanted, and nothing for a submitted form or a bought cart', () => {
    const session = {
      sessionId: 's1',
      trackedEvents: [
        { windowId: 'w1', ts: T0 + 500, name: 'add_to_cart', props: { value: 30 } },
        { windowId: 'w1', ts: T0 + 9000, name: 'purchase', props: { value: 30 } },
      ],
      formRows: [formRow(1000, 'focus', '#email'), formRow(2000, 'change', '#email'), formRow(4000, 'submit', '')],
    };
    expect(closingDrafts(session, { cart: true, forms: true })).toEqual([]);
    const abandoning = { ...session, trackedEvents: session.trackedEvents.slice(0, 1), formRows: session.formRows.slice(0, 2) };
    expect(closingDrafts(abandoning, { cart: false, forms: true }).map((draft) => draft.type)).toEqual(['form_abandoned']);
    expect(closingDrafts(abandoning, { cart: true, forms: false }).map((draft) => draft.type)).toEqual(['cart_abandoned']);
  });
});
