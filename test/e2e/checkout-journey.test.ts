/**
 * The core promise end to end, in real Chromium: a shopper walks the demo store with the recorder embedded, the
 * session reaches the server with the right metadata, the viewer replays the checkout page, and what the shopper
 * typed into the email, card and password fields is found in no request the recorder sent and nowhere in the
 * database file.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import type { SessionDetail, SessionList } from '../../contract/api.ts';
import type { IngestBatch } from '../../contract/protocol.ts';
import { SAME_TEXT_FIELD } from '../../contract/texts.ts';
import { completePurchase } from '../../demo/journeys.ts';
import { flushRecorder } from '../../demo/human.ts';
import { createShopper } from '../../demo/shopper.ts';
import { launchChromium } from '../../support/browser.ts';
import { startIngestTap, type IngestTap } from '../../support/ingest-tap.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { readAllEvents } from '../api/support.ts';

const canary = {
  email: 'canary.q7x2@example.test',
  cardNumber: '4000 0566 5566 5556',
  password: 'Hunter2-Canary-zq81',
};
/** Every spelling of the canaries that would betray a leak. */
const secrets = [canary.email, canary.cardNumber, canary.cardNumber.replaceAll(' ', ''), canary.password];

describe('e2e | a shopper checks out on the demo store', () => {
  let dir: string;
  let server: TestServer;
  let browser: Browser;
  let tap: IngestTap;
  let sessionId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-e2e-'));
    server = await startTestServer({ dbPath: join(dir, 'sightline.db') });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    tap = await startIngestTap(server.url);
    const shopper = createShopper({ index: 3, seed: 11, pace: 0.2, details: { ...canary } });
    await completePurchase(page, `${tap.url}/demo/`, shopper);
    expect(await flushRecorder(page)).toBe(true);
    await context.close();

    const list = (await (await adminFetch(`${server.url}/api/sessions`)).json()) as SessionList;
    expect(list.sessions).toHaveLength(1);
    sessionId = list.sessions[0].id;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await tap?.close();
    await server?.close().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the session is listed with the metadata of the visit', async () => {
    const { session } = (await (await adminFetch(`${server.url}/api/sessions/${sessionId}`)).json()) as SessionDetail;
    expect(session.entryUrl).toBe(`${tap.url}/demo/`);
    expect(session.pages.some((url) => url.endsWith('/demo/checkout.html'))).toBe(true);
    expect(session.pages.at(-1)).toMatch(/\/demo\/confirmation\.html\?order=/);
    expect(session.pageCount).toBe(session.pages.length);
    // Product link, add to cart, cart, checkout and pay are five presses at the least.
    expect(session.clickCount).toBeGreaterThanOrEqual(5);
    expect(session.device).toBe('desktop');
    expect(session.browser).toBe('Chrome');
    expect([session.viewportWidth, session.viewportHeight]).toEqual([1280, 800]);
    expect(session.durationMs).toBe(session.endedAt - session.startedAt);
    expect(session.durationMs).toBeGreaterThan(0);
    expect(session.activeMs).toBeGreaterThan(0);
    expect(session.activeMs).toBeLessThanOrEqual(session.durationMs);
    expect(session.windows).toHaveLength(1);
  });

  test('what the shopper typed into email, card and password is in no request body', () => {
    const storedChunks = server.db.prepare('SELECT COUNT(*) AS n FROM chunks').get() as { n: number };
    expect(tap.bodies.length).toBeGreaterThanOrEqual(storedChunks.n);
    const everything = tap.bodies.join('\n');
    // The bodies are the recording: the checkout form and its masked fields are in them, the values are not.
    expect(everything).toContain('card-number');
    expect(secrets.filter((secret) => everything.includes(secret))).toEqual([]);
  });

  test('the stylesheet of the store travels once: later pages refer to it, and every stored page holds it in full', async () => {
    const snapshots = tap.bodies.flatMap((body) => (JSON.parse(body) as IngestBatch).events.filter((event) => event.type === 2));
    const sentInFull = snapshots.filter((event) => JSON.stringify(event).includes('--paper: #fbf9f6'));
    expect(snapshots.length).toBeGreaterThanOrEqual(5);
    expect(sentInFull).toHaveLength(1);
    const events = (await readAllEvents(server.url, sessionId)).events.filter((event) => event.type === 2);
    expect(events).toHaveLength(snapshots.length);
    for (const event of events) expect(JSON.stringify(event)).toContain('--paper: #fbf9f6');
    expect(JSON.stringify(events)).not.toContain(SAME_TEXT_FIELD);
  });

  test('what the shopper typed is nowhere in the database file, compressed chunks included', async () => {
    await server.close();
    const dbPath = join(dir, 'sightline.db');
    const files = [dbPath, `${dbPath}-wal`].filter(existsSync).map((path) => readFileSync(path).toString('latin1'));
    const db = new Database(dbPath, { readonly: true });
    const chunks = db.prepare('SELECT events_gz FROM chunks').all() as Array<{ events_gz: Buffer }>;
    db.close();
    expect(chunks.length).toBeGreaterThan(0);
    const stored = [...files, ...chunks.map((chunk) => gunzipSync(chunk.events_gz).toString('utf8'))].join('\n');
    // Reopen for the replay test that follows before asserting, so one failure does not cascade.
    server = await startTestServer({ dbPath });
    expect(stored).toContain('checkout-form');
    expect(secrets.filter((secret) => stored.includes(secret))).toEqual([]);
  });

  test('the viewer replays the session and its player shows the checkout page', async () => {
    const detail = (await (await adminFetch(`${server.url}/api/sessions/${sessionId}`)).json()) as SessionDetail;
    const checkoutMark = detail.marks.find((mark) => mark.kind === 'page' && mark.label.includes('checkout.html'));
    expect(checkoutMark).toBeDefined();
    // Land a moment after the checkout page's own full snapshot, while the shopper is filling the form.
    const offset = checkoutMark!.ts - detail.session.startedAt + 1_000;

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await server.signIn(page.context());
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(`${server.url}/#/sessions/${sessionId}?t=${offset}`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-state="ready"]').waitFor({ timeout: 30_000 });

    const iframe = page.locator('[data-testid="player"] iframe');
    expect(await iframe.getAttribute('sandbox')).not.toContain('allow-scripts');
    const replayed = page.frameLocator('[data-testid="player"] iframe');
    await replayed.locator('#checkout-form').waitFor({ state: 'attached', timeout: 15_000 });
    expect(await replayed.locator('#card-number').count()).toBe(1);
    // The checkout page's snapshot referred to the stylesheet sent with the first page; ingest put it back.
    expect(await replayed.locator('body').evaluate((body) => getComputedStyle(body).backgroundColor)).toBe('rgb(251, 249, 246)');
    await page.screenshot({ path: 'test-results/e2e-replay-checkout.png' });
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);
});
