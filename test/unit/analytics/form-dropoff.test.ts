import { describe, expect, test } from 'vitest';
import { analyzeForms, type FormUse } from '../../../server/analytics/form-dropoff.ts';
import { aggregateForms, median } from '../../../server/analytics/form-report.ts';
import type { RecordedEvent } from '../../../contract/protocol.ts';
import { T0, meta, mouseMove, slField, slPage, slSubmit } from './factories.ts';

/** A checkout where the visitor fills email, corrects the name, skips company and gives up at the card number. */
function abandonedCheckout(): RecordedEvent[] {
  return [
    meta(0, 'https://shop.test/checkout/42?step=payment'),
    slPage(5, 'https://shop.test/checkout/42?step=payment'),
    // A newsletter box outside the form: no submit to measure it against, so it is left out.
    slField(500, 'focus', '#newsletter', { form: '' }),
    slField(600, 'blur', '#newsletter', { form: '' }),
    slField(1000, 'focus', '#email', { kind: 'email' }),
    slField(3000, 'change', '#email', { kind: 'email' }),
    slField(3010, 'blur', '#email', { kind: 'email' }),
    slField(3100, 'focus', '#name'),
    slField(4100, 'change', '#name'),
    slField(4150, 'blur', '#name'),
    slField(6000, 'focus', '#name'),
    slField(7000, 'change', '#name'),
    slField(7050, 'blur', '#name'),
    slField(8000, 'focus', '#company'),
    slField(9000, 'blur', '#company'),
    slField(9100, 'focus', '#card-number', { name: 'cardnumber', kind: 'tel' }),
    mouseMove(12_000),
  ];
}

/** Another visitor on another order id fills everything and submits. */
function submittedCheckout(): RecordedEvent[] {
  return [
    slPage(0, 'https://shop.test/checkout/77'),
    slField(500, 'focus', '#email', { kind: 'email' }),
    slField(1500, 'change', '#email', { kind: 'email' }),
    slField(1600, 'blur', '#email', { kind: 'email' }),
    slField(1700, 'focus', '#name'),
    slField(2700, 'change', '#name'),
    slField(2800, 'blur', '#name'),
    slField(2900, 'focus', '#card-number', { name: 'cardnumber', kind: 'tel' }),
    slField(7900, 'change', '#card-number', { name: 'cardnumber', kind: 'tel' }),
    slField(8000, 'blur', '#card-number', { name: 'cardnumber', kind: 'tel' }),
    slSubmit(8100),
  ];
}

describe('analytics | form drop-off (one session)', () => {
  test('an abandoned checkout: timings, a correction, a blank field and the last field touched', () => {
    const [checkout, ...others] = analyzeForms(abandonedCheckout());
    expect(others).toEqual([]);
    expect(checkout).toMatchObject({
      key: '/checkout/:id #checkout',
      page: '/checkout/:id',
      form: '#checkout',
      started: true,
      submitted: false,
      abandoned: true,
      lastField: '#card-number',
    });
    const fields = Object.fromEntries(checkout.fields.map((field) => [field.field, field]));
    expect(checkout.fields.map((field) => field.field)).toEqual(['#email', '#name', '#company', '#card-number']);
    expect(fields['#email']).toEqual({
      field: '#email',
      name: 'email',
      kind: 'email',
      label: '',
      interactions: 2,
      focuses: 1,
      changes: 1,
      timeSpentMs: 2010,
      hesitationMs: 2000,
      corrections: 0,
      leftBlank: false,
      firstTs: T0 + 1000,
      lastTs: T0 + 3000,
    });
    expect(fields['#name']).toMatchObject({
      focuses: 2,
      changes: 2,
      corrections: 1,
      timeSpentMs: 1050 + 1050,
      hesitationMs: 1000,
    });
    expect(fields['#company']).toMatchObject({ leftBlank: true, changes: 0, timeSpentMs: 1000, hesitationMs: null });
    // No blur before the visitor left: the focus ends at the page view's last event (12 000 ms).
    expect(fields['#card-number']).toMatchObject({ name: 'cardnumber', leftBlank: true, timeSpentMs: 12_000 - 9100 });
  });

  test('a submitted checkout is not abandoned and names no last field', () => {
    const [checkout] = analyzeForms(submittedCheckout());
    expect(checkout).toMatchObject({ started: true, submitted: true, abandoned: false, lastField: null });
    expect(checkout.fields.map(({ field, leftBlank, corrections }) => ({ field, leftBlank, corrections }))).toEqual([
      { field: '#email', leftBlank: false, corrections: 0 },
      { field: '#name', leftBlank: false, corrections: 0 },
      { field: '#card-number', leftBlank: false, corrections: 0 },
    ]);
  });

  test('a submit after a reload of the same page still counts for the form', () => {
    const events = [
      slPage(0, '/checkout/1'),
      slField(100, 'focus', '#email'),
      slField(200, 'change', '#email'),
      meta(5000, 'https://shop.test/checkout/1?error=1'),
      slSubmit(6000),
    ];
    expect(analyzeForms(events)).toEqual([expect.objectContaining({ started: true, submitted: true, abandoned: false })]);
  });

  test('forms on different pages are separate, and user patterns merge pages', () => {
    const events = [
      slPage(0, '/signup'),
      slField(100, 'focus', '#email', { form: 'form.account' }),
      slPage(1000, '/account/settings'),
      slField(1100, 'focus', '#email', { form: 'form.account' }),
    ];
    expect(analyzeForms(events).map((use) => use.key)).toEqual(['/signup form.account', '/account/settings form.account']);
    const merged = analyzeForms(events, { pagePatterns: ['/signup', '/account/**'] });
    expect(merged.map((use) => use.key)).toEqual(['/signup form.account', '/account/** form.account']);
  });

  test('a focus without its blur ends at the next focus, also on a field outside any form', () => {
    const events = [
      slPage(0, '/checkout'),
      slField(100, 'focus', '#a'),
      slField(600, 'focus', '#b'),
      slField(800, 'focus', '#search', { form: '' }),
      mouseMove(5000),
    ];
    const [form] = analyzeForms(events);
    expect(form.fields.map(({ field, timeSpentMs }) => ({ field, timeSpentMs }))).toEqual([
      { field: '#a', timeSpentMs: 500 },
      { field: '#b', timeSpentMs: 200 },
    ]);
  });

  test('a change without a focus (autofill) has no hesitation; a blur alone starts nothing', () => {
    const events = [
      slPage(0, '/checkout'),
      slField(100, 'blur', '#zip', { form: 'form.other' }),
      slField(200, 'change', '#city'),
    ];
    const uses = analyzeForms(events);
    expect(uses.map((use) => use.form)).toEqual(['#checkout']);
    expect(uses[0].fields[0]).toMatchObject({
      field: '#city',
      changes: 1,
      hesitationMs: null,
      leftBlank: false,
      timeSpentMs: 0,
    });
  });

  test('a submit without any field interaction is submitted but not started', () => {
    expect(analyzeForms([slPage(0, '/cart'), slSubmit(100, 'form.apply-coupon')])).toEqual([
      {
        key: '/cart form.apply-coupon',
        page: '/cart',
        form: 'form.apply-coupon',
        started: false,
        submitted: true,
        abandoned: false,
        lastField: null,
        dropOff: null,
        fields: [],
      },
    ]);
  });
});

describe('analytics | form drop-off (aggregate)', () => {
  test('sums sessions per form and per field', () => {
    const uses: FormUse[] = [...analyzeForms(abandonedCheckout()), ...analyzeForms(submittedCheckout())];
    const [checkout, ...others] = aggregateForms(uses);
    expect(others).toEqual([]);
    expect(checkout).toMatchObject({
      key: '/checkout/:id #checkout',
      sessionsStarted: 2,
      sessionsSubmitted: 1,
      sessionsAbandoned: 1,
    });
    const row = (field: string, name: string, kind: string, counts: number[], medians: Array<number | null>) => {
      const [sessions, corrected, leftBlank, dropOffs] = counts;
      const [medianTimeMs, medianHesitationMs] = medians;
      const label = '';
      const latestDropOff = null; // analyzeForms alone knows no session: formUsesFromRows sets drop-off moments
      return { field, name, kind, label, sessions, medianTimeMs, medianHesitationMs, corrected, leftBlank, dropOffs, latestDropOff };
    };
    // counts: sessions, corrected, left blank, drop-offs; medians: time, hesitation.
    expect(checkout.fields).toEqual([
      row('#email', 'email', 'email', [2, 0, 0, 0], [(2010 + 1100) / 2, (2000 + 1000) / 2]),
      row('#name', 'name', 'text', [2, 1, 0, 0], [(2100 + 1100) / 2, 1000]),
      // Touched 4th in one session and 3rd in the other: mean position 2.5 puts it after #company (2).
      row('#company', 'company', 'text', [1, 0, 1, 0], [1000, null]),
      row('#card-number', 'cardnumber', 'tel', [2, 0, 1, 1], [(2900 + 5100) / 2, 5000]),
    ]);
  });

  test('forms are ordered by sessions started', () => {
    const newsletter = analyzeForms([slPage(0, '/'), slField(10, 'focus', '#mail', { form: 'form.news' })]);
    const checkouts = [...analyzeForms(abandonedCheckout()), ...analyzeForms(submittedCheckout())];
    const summaries = aggregateForms([...newsletter, ...checkouts]);
    expect(summaries.map(({ key, sessionsStarted }) => ({ key, sessionsStarted }))).toEqual([
      { key: '/checkout/:id #checkout', sessionsStarted: 2 },
      { key: '/ form.news', sessionsStarted: 1 },
    ]);
  });

  test.each([
    { values: [], result: null },
    { values: [5], result: 5 },
    { values: [9, 1, 5], result: 5 },
    { values: [4, 1, 3, 2], result: 2.5 },
  ])('median($values) = $result', ({ values, result }) => {
    expect(median(values)).toBe(result);
  });
});
