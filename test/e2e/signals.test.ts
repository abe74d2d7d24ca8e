/**
 * Signals end to end, in real Chromium on the demo store with the real recorder and server: four scripted shoppers
 * (one rage-clicks the broken promo button, one clicks the dead product image, one abandons the checkout at the card
 * number, one buys) produce exactly those signals, the session filters, the form drop-off and the funnel counts;
 * then the viewer shows the rage click on the replay's timeline and finds its session by filter.
 */
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { flushRecorder } from '../../demo/human.ts';
import { abandonAtCard, clickDeadImage, completePurchase, rageClickPromo, type RageOutcome } from '../../demo/journeys.ts';
import { createShopper } from '../../demo/shopper.ts';
import type { FormsResponse, FunnelQueryResponse, FunnelStep, SavedFunnel } from '../../contract/insights.ts';
import type { SessionDetail, SessionList, SessionSignal } from '../../contract/api.ts';
import { launchChromium } from '../../support/browser.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { distinctColours } from '../helpers/screenshots.ts';

/** A signal's jump lands this long before its first click (SIGNAL_LEAD_IN_MS in viewer/src/lib/marks.ts). */
const SIGNAL_LEAD_IN_MS = 1000;
/** Slack for a playing replay to move on between a seek and the test reading the clock, ms. */
const PLAYBACK_SLACK_MS = 4000;

const checkoutFunnel: FunnelStep[] = [
  { type: 'page', pattern: '/demo' },
  { type: 'page', pattern: '/demo/product.html' },
  { type: 'page', pattern: '/demo/cart.html' },
  { type: 'page', pattern: '/demo/checkout.html' },
  { type: 'event', name: 'purchase' },
];

type Shopper = 'rage' | 'dead' | 'abandon' | 'purchase';

let server: TestServer;
let browser: Browser;
const ids = {} as Record<Shopper, string>;
let rageOutcome: RageOutcome;

async function get<T>(path: string): Promise<T> {
  const response = await adminFetch(`${server.url}${path}`);
  const body = await response.json();
  expect(response.status, `${path}: ${JSON.stringify(body)}`).toBe(200);
  return body as T;
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await adminFetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  expect(response.ok, `${path}: ${JSON.stringify(answer)}`).toBe(true);
  return answer as T;
}

async function signalsOf(shopper: Shopper): Promise<SessionSignal[]> {
  return (await get<SessionDetail>(`/api/sessions/${ids[shopper]}`)).signals;
}

/** Which shoppers' sessions a session-list query returns, sorted by name. */
async function shoppersMatching(query: string): Promise<string[]> {
  const list = await get<SessionList>(`/api/sessions?limit=200&${query}`);
  const byId = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
  return list.sessions.map((session) => byId.get(session.id) ?? `unknown ${session.id}`).sort();
}

/** Runs one journey in a fresh browser context (so a fresh session) and returns its outcome and session id. */
async function runShopper<T>(journey: (page: Page, baseUrl: string, shopper: ReturnType<typeof createShopper>) => Promise<T>,
  index: number, seed: number): Promise<{ outcome: T; sessionId: string }> {
  const before = new Set((await get<SessionList>('/api/sessions?limit=200')).sessions.map((session) => session.id));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const outcome = await journey(page, `${server.url}/demo/`, createShopper({ index, seed, pace: 0 }));
  expect(await flushRecorder(page)).toBe(true);
  await context.close();
  const added = (await get<SessionList>('/api/sessions?limit=200')).sessions.filter((session) => !before.has(session.id));
  expect(added).toHaveLength(1);
  return { outcome, sessionId: added[0].id };
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();

  // One after another: parallel shoppers on two shared cores could stretch a rage burst past its one second.
  const rage = await runShopper(rageClickPromo, 1, 21);
  rageOutcome = rage.outcome;
  ids.rage = rage.sessionId;
  ids.dead = (await runShopper(clickDeadImage, 2, 22)).sessionId;
  ids.abandon = (await runShopper(abandonAtCard, 3, 23)).sessionId;
  ids.purchase = (await runShopper(completePurchase, 4, 24)).sessionId;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close().catch(() => undefined);
});

describe('e2e | signals from scripted shoppers on the demo store', () => {
  test('the rage shopper has one rage signal on #apply-promo counting every press', async () => {
    const signals = await signalsOf('rage');
    const rage = signals.filter((signal) => signal.kind === 'rage');
    expect(rage).toHaveLength(1);
    expect(rage[0]).toMatchObject({
      selector: '#apply-promo', label: '"Apply" button', count: rageOutcome.clicks, page: '/demo/checkout.html',
    });
    expect(signals.filter((signal) => signal.kind === 'error')).toEqual([]);
    // The Apply button is wired to nothing, so its presses can be dead clicks too (at pace 0 the shopper heads for the
    // cart within the detector's second, which makes most look alive): those inside the burst are part of it, one
    // moment, never listed beside it.
    const dead = signals.filter((signal) => signal.kind === 'dead');
    const burstEnd = rage[0].ts + 2_000;
    expect(dead.filter((signal) => signal.selector === '#apply-promo' && signal.ts <= burstEnd)).toEqual([]);
    expect(rage[0].outcome).toMatch(new RegExp(`^${rageOutcome.clicks} clicks`));
  });

  test('the dead-click shopper has one dead signal on #product-image and nothing else', async () => {
    const signals = await signalsOf('dead');
    expect(signals.map((signal) => [signal.kind, signal.selector, signal.count])).toEqual([['dead', '#product-image', 1]]);
    expect(signals[0].page).toBe('/demo/product.html');
  });

  test('the abandoning and the buying shoppers have no signal at all', async () => {
    expect(await signalsOf('abandon')).toEqual([]);
    expect(await signalsOf('purchase')).toEqual([]);
  });

  test('the session list filters return exactly the expected sessions', async () => {
    expect(await shoppersMatching('hasRage=true')).toEqual(['rage']);
    expect(await shoppersMatching('hasRage=false')).toEqual(['abandon', 'dead', 'purchase']);
    const deadShoppers = (await signalsOf('rage')).some((signal) => signal.kind === 'dead') ? ['dead', 'rage'] : ['dead'];
    expect(await shoppersMatching('hasDead=true')).toEqual(deadShoppers);
    expect(await shoppersMatching('hasErrorClicks=true')).toEqual([]);
    expect(await shoppersMatching('hasErrors=true')).toEqual([]);
    // The promo code field is inside the checkout form: the rage shopper started that form too, and left it.
    expect(await shoppersMatching('abandonedForm=true')).toEqual(['abandon', 'rage']);
    expect(await shoppersMatching('event=purchase')).toEqual(['purchase']);
    expect(await shoppersMatching('event=add_to_cart')).toEqual(['abandon', 'purchase', 'rage']);
  });

  test('the friction order puts the rage and the abandoning shoppers above the clean purchase', async () => {
    const list = await get<SessionList>('/api/sessions?limit=200&sort=friction');
    const byId = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
    const order = list.sessions.map((session) => byId.get(session.id));
    const at = (shopper: Shopper) => order.indexOf(shopper);
    expect(at('rage')).toBeLessThan(at('purchase'));
    expect(at('abandon')).toBeLessThan(at('purchase'));
    const friction = Object.fromEntries(list.sessions.map((session) => [byId.get(session.id), session]));
    expect(friction.purchase).toMatchObject({ friction: 0, cart: { outcome: 'purchased' } });
    expect(friction.rage).toMatchObject({ rageClicks: 1, abandonedForm: true, cart: { outcome: 'abandoned' } });
    expect(friction.abandon).toMatchObject({ abandonedForm: true, cart: { outcome: 'abandoned' } });
    expect(friction.abandon.cart.value).toBeGreaterThan(0);
    // Shoppers who gave their email are known by the demo's customer id, never the address.
    expect(friction.abandon.userId).toMatch(/^customer-[0-9a-f]{8}$/);
    expect(friction.purchase.userId).toMatch(/^customer-[0-9a-f]{8}$/);
    expect(friction.dead.userId).toBeNull();
  });

  test('the forms report shows the checkout submitted once and abandoned at the card number once', async () => {
    const { forms } = await get<FormsResponse>('/api/forms');
    const checkout = forms.find((form) => form.form === '#checkout-form');
    expect(checkout, JSON.stringify(forms)).toBeDefined();
    // Started by the abandoning, the buying and the rage shopper (who typed a promo code into the same form).
    expect(checkout).toMatchObject({ page: '/demo/checkout.html', sessionsStarted: 3, sessionsSubmitted: 1, sessionsAbandoned: 2 });
    const dropOffs = Object.fromEntries(checkout!.fields.filter((field) => field.dropOffs > 0).map((field) => [field.field, field.dropOffs]));
    expect(dropOffs).toEqual({ '#card-number': 1, '#promo-code': 1 });
  });

  test('the funnel list → product → cart → checkout → purchase counts each shopper where they stopped', async () => {
    const result = await post<FunnelQueryResponse>('/api/funnels/query', { steps: checkoutFunnel });
    expect(result.sessionsConsidered).toBe(4);
    // All four land on the list and open a product; the dead-click shopper never adds to the cart; only one buys.
    expect(result.steps.map((step) => step.sessions)).toEqual([4, 4, 3, 3, 1]);
    expect(result.steps[2].dropped.map((dropped) => dropped.sessionId)).toEqual([ids.dead]);
    expect(result.steps[4].dropped.map((dropped) => dropped.sessionId).sort()).toEqual([ids.abandon, ids.rage].sort());

    // Saved, the same funnel slices the session list.
    const saved = await post<SavedFunnel>('/api/funnels', { name: 'Checkout', steps: checkoutFunnel });
    expect(await shoppersMatching(`funnel=${saved.id}&reachedStep=4`)).toEqual(['purchase']);
    expect(await shoppersMatching(`funnel=${saved.id}&droppedAtStep=4`)).toEqual(['abandon', 'rage']);
    expect(await shoppersMatching(`funnel=${saved.id}&droppedAtStep=2`)).toEqual(['dead']);
  });

  test('the replay of the rage session shows a rage marker, and clicking it seeks to the burst', async () => {
    const { session, signals } = await get<SessionDetail>(`/api/sessions/${ids.rage}`);
    const rage = signals.find((signal) => signal.kind === 'rage')!;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await server.signIn(page.context());
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(`${server.url}/#/sessions/${ids.rage}`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="replay"][data-state="ready"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="load-progress"][data-done="true"]').waitFor({ timeout: 30_000 });

    const marker = page.locator('[data-testid="timeline-mark"][data-kind="rage"]');
    expect(await marker.count()).toBe(1);
    const offset = Number(await marker.getAttribute('data-offset'));
    // The replay starts at the window's first event, which is the session's start for a one-tab session.
    expect(offset).toBe(rage.ts - session.startedAt);
    await marker.hover();
    expect(await marker.locator('.tip').innerText()).toContain('"Apply" button');
    expect(await marker.locator('.tip').innerText()).toContain(`#apply-promo`);
    expect(await marker.locator('.tip').innerText()).toContain(`${rageOutcome.clicks} clicks`);
    const listItem = page.locator('[data-testid="mark-item"][data-kind="rage"]');
    expect(await listItem.innerText()).toContain('"Apply" button');

    await marker.click();
    const currentTime = () => page.getByTestId('current-time').getAttribute('data-ms').then(Number);
    await expect.poll(currentTime).toBeGreaterThanOrEqual(offset - SIGNAL_LEAD_IN_MS);
    expect(await currentTime()).toBeLessThan(offset + PLAYBACK_SLACK_MS);
    // The replayed page is the checkout with its Apply button.
    const replayed = page.frameLocator('[data-testid="player"] iframe');
    await replayed.locator('#apply-promo').waitFor({ state: 'attached', timeout: 15_000 });

    await page.mouse.move(0, 0);
    await mkdir('test-results', { recursive: true });
    const png = await page.screenshot({ path: 'test-results/replay-signals.png' });
    expect(await distinctColours(page, png)).toBeGreaterThan(8);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 90_000);

  test('the session list filtered by rage clicks shows exactly the rage session', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await server.signIn(page.context());
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(`${server.url}/#/`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="sessions"][data-state="ready"]').waitFor();
    expect(await page.getByTestId('session-row').count()).toBe(4);

    await page.getByTestId('filter-hasRage').check();
    await page.waitForFunction(() => location.hash === '#/?hasRage=true');
    await page.locator('[data-testid="sessions"][data-state="ready"]').waitFor();
    await expect.poll(() => page.getByTestId('session-row').count()).toBe(1);
    expect(await page.getByTestId('session-row').getAttribute('data-session-id')).toBe(ids.rage);

    const png = await page.screenshot({ path: 'test-results/sessions-rage-filter.png' });
    expect(await distinctColours(page, png)).toBeGreaterThan(8);

    // Most friction first: the rage shopper leads, with its badges; the buyer's row says it bought.
    await page.getByTestId('filter-hasRage').uncheck();
    await page.getByTestId('filter-sort').selectOption('friction');
    await page.waitForFunction(() => location.hash === '#/?sort=friction');
    await expect.poll(() => page.getByTestId('session-row').count()).toBe(4);
    const rows = page.getByTestId('session-row');
    expect(await rows.first().getAttribute('data-session-id')).toBe(ids.rage);
    const kinds = (row: ReturnType<typeof rows.first>) => row.locator('.badge').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-kind')));
    expect(await kinds(rows.first())).toEqual(expect.arrayContaining(['rage', 'abandoned']));
    expect(await kinds(page.locator(`[data-testid="session-row"][data-session-id="${ids.purchase}"]`))).toEqual(['purchase']);
    await page.screenshot({ path: 'test-results/sessions-friction.png' });
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);
});
