import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FormsResponse, MetricsResponse } from '../../contract/insights.ts';
import type { SessionList } from '../../contract/api.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { expectApiError, ingest, makeBatch, newId } from './support.ts';
import { visit } from './shop-events.ts';

const DAY_1 = Date.UTC(2024, 7, 1, 10);
const DAY_2 = Date.UTC(2024, 7, 2, 10);

describe('GET /api/forms, GET /api/metrics and the session list insight filters', () => {
  let server: TestServer;
  // quitter: abandons the checkout at the card number. buyer: fills it in and pays. blank: focuses the email and
  // leaves. rager: hammers the promo button, clicks a dead banner, hits an error. mobile: adds to cart on day 2.
  const ids = { quitter: newId(), buyer: newId(), blank: newId(), rager: newId(), mobile: newId() };

  async function record(id: string, start: number, script: (v: ReturnType<typeof visit>) => RecordedEvent[], width = 1280) {
    const batch = script(visit(start, width));
    // Two batches, so every report also works on rows derived across batches.
    const half = Math.ceil(batch.length / 2);
    const windowId = newId();
    await ingest(server.url, makeBatch(batch.slice(0, half), { sessionId: id, windowId, seq: 0 }));
    await ingest(server.url, makeBatch(batch.slice(half), { sessionId: id, windowId, seq: 1 }));
  }

  beforeAll(async () => {
    server = await startTestServer();
    await record(ids.quitter, DAY_1, (v) => [
      v.track(100, 'add_to_cart', { value: 24.5 }),
      ...v.load(1000, '/demo/checkout.html'),
      v.field(2000, 'focus', '#email'),
      v.field(6000, 'change', '#email'),
      v.field(6100, 'blur', '#email'),
      v.field(6100, 'focus', '#card-number'),
      v.field(9000, 'change', '#card-number'),
      v.field(15_000, 'change', '#card-number'),
      v.mutation(20_000),
    ]);
    await record(ids.buyer, DAY_1 + 60_000, (v) => [
      v.track(100, 'add_to_cart', { value: 30 }),
      v.track(200, 'add_to_cart', { value: 12.25 }),
      ...v.load(1000, '/demo/checkout.html'),
      // The buyer's recorder labels its fields; the others' recordings predate labels.
      v.field(1500, 'focus', '#email', undefined, { label: '"Email address" email field' }),
      v.field(3500, 'change', '#email', undefined, { label: '"Email address" email field' }),
      v.field(3600, 'blur', '#email'),
      v.field(3600, 'focus', '#card-number'),
      v.field(5600, 'change', '#card-number'),
      v.field(5700, 'blur', '#card-number'),
      v.submit(6000),
      ...v.load(7000, '/demo/confirmation.html'),
      v.track(7100, 'purchase', { value: 42.25, orderId: 'A1' }),
    ]);
    await record(ids.blank, DAY_1 + 120_000, (v) => [
      ...v.load(0, '/demo/checkout.html'),
      v.field(1000, 'focus', '#email'),
      v.mutation(4000),
    ]);
    await record(ids.rager, DAY_1 + 180_000, (v) => [
      ...v.load(0, '/demo/'),
      v.click(1000, '#promo'),
      v.click(1200, '#promo'),
      v.click(1400, '#promo'),
      v.mutation(1500),
      v.click(5000, '#banner'),
      v.click(9000, '#pay'),
      v.mutation(9100),
      v.error(9200, 'TypeError: boom'),
      v.track(9500, 'newsletter_signup'),
      v.mutation(15_000),
    ]);
    await record(
      ids.mobile,
      DAY_2,
      (v) => [...v.load(0, '/demo/product.html'), v.track(500, 'add_to_cart', { value: '9.99' }), v.mutation(3000)],
      390,
    );
  });
  afterAll(() => server.close());

  async function get<T>(path: string): Promise<T> {
    const response = await adminFetch(`${server.url}${path}`);
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body as T;
  }

  test('reports every form with starts, submits, abandons and the field where shoppers gave up', async () => {
    const { forms } = await get<FormsResponse>('/api/forms');
    expect(forms).toHaveLength(1);
    const [checkout] = forms;
    expect(checkout).toMatchObject({
      page: '/demo/checkout.html',
      form: '#checkout-form',
      sessionsStarted: 3,
      sessionsSubmitted: 1,
      sessionsAbandoned: 2,
    });
    // Each field's latest drop-off on its replay clock: the window's first event is the clock's zero.
    const blankDropOff = { sessionId: ids.blank, windowId: expect.any(String), ts: DAY_1 + 120_000 + 1000, offsetMs: 1000 };
    const quitterDropOff = { sessionId: ids.quitter, windowId: expect.any(String), ts: DAY_1 + 15_000, offsetMs: 14_900 };
    expect(checkout.fields).toEqual([
      {
        field: '#email',
        name: 'email',
        kind: 'text',
        label: '"Email address" email field',
        sessions: 3,
        // Focus to blur: 4100 (quitter), 2100 (buyer), 3000 (blank: until the page's last event).
        medianTimeMs: 3000,
        medianHesitationMs: 3000,
        corrected: 0,
        leftBlank: 1,
        dropOffs: 1,
        latestDropOff: blankDropOff,
      },
      {
        field: '#card-number',
        name: 'card-number',
        kind: 'text',
        label: '',
        sessions: 2,
        medianTimeMs: (13_900 + 2100) / 2,
        medianHesitationMs: (2900 + 2000) / 2,
        corrected: 1,
        leftBlank: 0,
        dropOffs: 1,
        latestDropOff: quitterDropOff,
      },
    ]);
  });

  test('filters the form report by time and device', async () => {
    expect((await get<FormsResponse>(`/api/forms?from=${DAY_1 + 60_000}&to=${DAY_1 + 61_000}`)).forms[0]).toMatchObject({
      sessionsStarted: 1,
      sessionsSubmitted: 1,
      sessionsAbandoned: 0,
    });
    expect((await get<FormsResponse>('/api/forms?device=mobile')).forms).toEqual([]);
  });

  test('computes checkout metrics per day and in total', async () => {
    const metrics = await get<MetricsResponse>('/api/metrics');
    expect(metrics.days).toEqual([
      {
        day: '2024-08-01',
        sessions: 4,
        cartSessions: 2,
        purchaseSessions: 1,
        orders: 1,
        conversionRate: 0.25,
        cartAbandonmentRate: 0.5,
        revenue: 42.25,
        averageOrderValue: 42.25,
        abandonedCartValue: 24.5,
        refunds: 0,
        refundedValue: 0,
        refundRate: 0,
      },
      {
        day: '2024-08-02',
        sessions: 1,
        cartSessions: 1,
        purchaseSessions: 0,
        orders: 0,
        conversionRate: 0,
        cartAbandonmentRate: 1,
        revenue: 0,
        averageOrderValue: null,
        abandonedCartValue: 9.99,
        refunds: 0,
        refundedValue: 0,
        refundRate: null,
      },
    ]);
    expect(metrics.totals).toMatchObject({ sessions: 5, cartSessions: 3, conversionRate: 0.2, abandonedCartValue: 34.49 });
    const day2 = await get<MetricsResponse>(`/api/metrics?from=${DAY_2}`);
    expect({ from: day2.from, days: day2.days.map((day) => day.day) }).toEqual({ from: DAY_2, days: ['2024-08-02'] });
    expect((await get<MetricsResponse>('/api/metrics?device=desktop')).totals.sessions).toBe(4);
  });

  async function listIds(query: string): Promise<string[]> {
    return (await get<SessionList>(`/api/sessions?${query}`)).sessions.map((session) => session.id).sort();
  }
  const idsOf = (...keys: Array<keyof typeof ids>) => keys.map((key) => ids[key]).sort();

  test.each([
    { query: 'hasRage=true', expected: ['rager'] as const },
    { query: 'hasDead=true', expected: ['rager'] as const },
    { query: 'hasErrorClicks=true', expected: ['rager'] as const },
    { query: 'hasErrors=true', expected: ['rager'] as const },
    { query: 'hasRage=false', expected: ['quitter', 'buyer', 'blank', 'mobile'] as const },
    { query: 'abandonedForm=true', expected: ['quitter', 'blank'] as const },
    { query: 'abandonedForm=false', expected: ['buyer', 'rager', 'mobile'] as const },
    { query: 'event=add_to_cart', expected: ['quitter', 'buyer', 'mobile'] as const },
    { query: 'event=newsletter_signup&hasRage=true', expected: ['rager'] as const },
    { query: 'event=add_to_cart&abandonedForm=true&device=desktop', expected: ['quitter'] as const },
    { query: 'event=purchase&hasRage=true', expected: [] as const },
  ])('GET /api/sessions?$query', async ({ query, expected }) => {
    expect(await listIds(query)).toEqual(idsOf(...expected));
  });

  test('the session detail lists the rage, dead and error clicks in time order', async () => {
    const detail = await get<{ signals: Array<{ kind: string; selector: string; count: number }> }>(`/api/sessions/${ids.rager}`);
    expect(detail.signals.map(({ kind, selector, count }) => [kind, selector, count])).toEqual([
      ['rage', '#promo', 3],
      ['dead', '#banner', 1],
      ['error', '#pay', 1],
    ]);
  });

  test.each([
    '/api/sessions?hasRage=yes',
    '/api/sessions?abandonedForm=1',
    '/api/sessions?event=',
    '/api/forms?device=watch',
    '/api/forms?from=10&to=5',
    '/api/metrics?from=-1',
    '/api/metrics?currency=EUR',
  ])('rejects %s with 400 invalid_query', async (path) => {
    await expectApiError(await adminFetch(`${server.url}${path}`), 400, 'invalid_query');
  });
});
