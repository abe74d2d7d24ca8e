/**
 * Console and network in the replay, end to end in real Chromium: a page logs a warning and an error (an email and a
 * card number among the arguments) and makes fetch and XHR calls (one answering 500, one failing on the network);
 * the viewer's developer panel shows each at its moment, the timeline marks the error and the failures, the session
 * list and the heatmap page find them, and nothing planted reaches a request body or the database. The same page
 * without captureNetwork sends no request metadata at all. A field typed into and left by navigating away replays
 * filled, masked.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { EventPage, SessionDetail, SessionList } from '../../contract/api.ts';
import type { HeatmapPagesResponse } from '../../contract/insights.ts';
import type { IngestBatch } from '../../contract/protocol.ts';
import { flushRecorder } from '../../demo/human.ts';
import { launchChromium } from '../../support/browser.ts';
import { startIngestTap, type IngestTap } from '../../support/ingest-tap.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';

const fixtures = fileURLToPath(new URL('../fixtures/pages/', import.meta.url));
const planted = { email: 'dev.canary.k4p9@example.test', card: '5105 1051 0510 5100', token: 'tok-k4p9-secret' };
/** Every spelling of the planted values that would betray a leak. */
const secrets = [planted.email, 'dev.canary.k4p9', 'k4p9@example', planted.card, '5105105105105100', '5105%201051', planted.token];
/** Where a replayed moment may sit from the moment the page noted, ms. */
const TIME_SLACK_MS = 150;
/** How long the next page's head script keeps it from loading: the replay shows the page left for that long. */
const NEXT_PAGE_DELAY_MS = 4_000;

/** The shop's own API on another origin (CORS open): one route that answers, one that fails, one slow script. */
async function startShopApi(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' };
    request.resume();
    if (request.method === 'OPTIONS') return void response.writeHead(204, cors).end();
    if (request.url?.startsWith('/ok')) {
      return void response.writeHead(200, { ...cors, 'Content-Type': 'application/json', 'Content-Length': '11' }).end('{"ok":true}');
    }
    if (request.url?.startsWith('/fail')) return void response.writeHead(500, { ...cors, 'Content-Type': 'text/plain' }).end('down');
    if (request.url?.startsWith('/slow.js')) {
      setTimeout(() => response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(';'), NEXT_PAGE_DELAY_MS);
      return;
    }
    response.writeHead(404, cors).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A port that refuses connections: one a server held and gave back. */
async function deadOrigin(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('e2e | console and network in the replay', () => {
  let dir: string;
  let server: TestServer;
  let tap: IngestTap;
  let api: { url: string; server: Server };
  let browser: Browser;
  let captured: { sessionId: string; stamps: Record<string, number> };
  let plainSessionId: string;
  let dead: string;

  async function shop(path: string, afterCalls?: (page: Page) => Promise<void>) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${tap.url}/demo/${path}`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.Sightline !== undefined);
    // The developer capture is a second file: wait until it wraps fetch (captureNetwork) or a moment (console only).
    await page.waitForFunction(() => !String(window.fetch).includes('[native code]'), undefined, { timeout: 2_000 }).catch(() => undefined);
    await page.locator('#log').click();
    await page.getByText('logged').waitFor();
    await page.locator('#call').click();
    await page.getByText('called').waitFor();
    const stamps = await page.evaluate(() => (window as unknown as { stamps: Record<string, number> }).stamps);
    await afterCalls?.(page);
    expect(await flushRecorder(page)).toBe(true);
    await context.close();
    return stamps;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-dev-'));
    const demoDir = join(dir, 'pages');
    mkdirSync(demoDir);
    [api, dead] = await Promise.all([startShopApi(), deadOrigin()]);
    const fill = (file: string, capture: string) =>
      readFileSync(join(fixtures, file), 'utf8').replaceAll('{{API}}', api.url).replaceAll('{{DEAD}}', dead).replaceAll('{{CAPTURE}}', capture);
    writeFileSync(join(demoDir, 'dev-shop.html'), fill('dev-shop.html', 'data-capture-network'));
    writeFileSync(join(demoDir, 'dev-shop-next.html'), fill('dev-shop-next.html', 'data-capture-network'));
    writeFileSync(join(demoDir, 'plain-shop.html'), fill('dev-shop.html', ''));
    server = await startTestServer({ dbPath: join(dir, 'sightline.db'), demoDir });
    tap = await startIngestTap(server.url);
    browser = await launchChromium();

    const stamps = await shop('dev-shop.html', async (page) => {
      await page.locator('#address').pressSequentially('12 Canary Row');
      // Leave while the field still has focus: no blur, so rrweb itself never records what was typed.
      await Promise.all([page.waitForURL(/dev-shop-next/, { timeout: 15_000 }), page.evaluate(() => { location.href = 'dev-shop-next.html'; })]);
      await page.waitForFunction(() => window.Sightline !== undefined, undefined, { timeout: 15_000 });
    });
    const first = (await (await adminFetch(`${server.url}/api/sessions`)).json()) as SessionList;
    captured = { sessionId: first.sessions[0]!.id, stamps };
    await shop('plain-shop.html');
    const both = (await (await adminFetch(`${server.url}/api/sessions`)).json()) as SessionList;
    plainSessionId = both.sessions.find((session) => session.id !== captured.sessionId)!.id;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await tap?.close();
    await server?.close().catch(() => undefined);
    await new Promise((resolve) => api?.server.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The bodies the tap saw, each as the batch it carried. */
  const batches = () => tap.bodies.map((body) => ({ body, batch: JSON.parse(body) as IngestBatch }));

  async function openReplay(query = ''): Promise<{ page: Page; startedAt: number }> {
    const detail = (await (await adminFetch(`${server.url}/api/sessions/${captured.sessionId}`)).json()) as SessionDetail;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await server.signIn(page.context());
    await page.goto(`${server.url}/#/sessions/${captured.sessionId}${query}`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="replay"][data-state="ready"]').waitFor({ timeout: 30_000 });
    return { page, startedAt: detail.session.startedAt };
  }

  const offsets = (page: Page, selector: string) =>
    page.locator(selector).evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset.offset)));

  test('the console tab lists the warning and the error at their moments, masked; the level filter hides warnings', async () => {
    const { page, startedAt } = await openReplay();
    const rows = page.locator('[data-testid="dev-console-row"]');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.evaluateAll((all) => all.map((row) => (row as HTMLElement).dataset.level))).toEqual(['warn', 'error']);
    const [warnAt, errorAt] = await offsets(page, '[data-testid="dev-console-row"]');
    expect(Math.abs(warnAt! - (captured.stamps.warn! - startedAt))).toBeLessThan(TIME_SLACK_MS);
    expect(Math.abs(errorAt! - (captured.stamps.error! - startedAt))).toBeLessThan(TIME_SLACK_MS);
    const text = (await page.getByTestId('dev-panel').textContent()) ?? '';
    expect(text).toContain('Coupon check slow for ****');
    expect(text).toContain('Payment declined {card: "**** **** **** ****", email: "****');
    await page.getByTestId('dev-panel').screenshot({ path: 'test-results/e2e-dev-panel-console.png' });
    for (const secret of secrets) expect(text).not.toContain(secret);
    await page.getByTestId('dev-level-warn').uncheck();
    await expect.poll(() => rows.count()).toBe(1);
    await page.close();
  }, 60_000);

  test('the network tab lists every call where it was made, with status or failure; a click seeks there and lights it', async () => {
    const { page, startedAt } = await openReplay();
    await page.getByTestId('dev-tab-network').click();
    const rows = page.locator('[data-testid="dev-network-row"]');
    await expect.poll(() => rows.count()).toBe(5);
    const lines = await rows.evaluateAll((all) => all.map((row) => row.querySelector('.status')!.textContent!.trim() + ' ' + row.querySelector('.message')!.textContent!.trim()));
    expect(lines).toEqual([
      `200 GET ${api.url}/ok`,
      `500 POST ${api.url}/fail`,
      `network error GET ${dead}/stock`,
      `200 GET ${api.url}/ok`,
      `500 POST ${api.url}/fail`,
    ]);
    await page.getByTestId('dev-panel').screenshot({ path: 'test-results/e2e-dev-panel-network.png' });
    const made = ['fetch-ok', 'fetch-fail', 'fetch-down', 'xhr-ok', 'xhr-fail'].map((name) => captured.stamps[name]! - startedAt);
    const shown = await offsets(page, '[data-testid="dev-network-row"]');
    shown.forEach((offset, index) => expect(Math.abs(offset - made[index]!), `request ${index}`).toBeLessThan(TIME_SLACK_MS));

    await page.getByTestId('dev-status-filter').selectOption('failed');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.evaluateAll((all) => all.every((row) => (row as HTMLElement).dataset.failed === 'true'))).toBe(true);

    // Paused, clicking the network failure seeks the player to it, and that row is the one playing.
    await pause(page);
    await rows.nth(1).locator('.seek').click();
    await expect.poll(() => page.getByTestId('current-time').getAttribute('data-ms')).toBe(String(Math.round(shown[2]!)));
    expect(await rows.evaluateAll((all) => all.map((row) => row.classList.contains('active')))).toEqual([false, true, false]);
    await page.close();
  }, 60_000);

  test('the console error and the three failed requests are timeline marks', async () => {
    const { page } = await openReplay();
    const kinds = await page.locator('[data-testid="timeline-mark"]').evaluateAll((marks) => marks.map((mark) => (mark as HTMLElement).dataset.kind));
    expect(kinds.filter((kind) => kind === 'console')).toHaveLength(1);
    expect(kinds.filter((kind) => kind === 'request')).toHaveLength(3);
    await page.close();
  }, 60_000);

  test('the field typed into and left by navigating away replays filled, masked', async () => {
    const events: EventPage['events'] = [];
    for (let cursor: string | null = '0'; cursor !== null;) {
      const answer = (await (await adminFetch(`${server.url}/api/sessions/${captured.sessionId}/events?cursor=${cursor}`)).json()) as EventPage;
      events.push(...answer.events);
      cursor = answer.nextCursor;
    }
    const typed = events.filter((event) => event.type === 3 && (event.data as { source: number; text?: string }).source === 5
      && (event.data as { text?: string }).text === '********');
    expect(typed).toHaveLength(1);
    const { page } = await openReplay(`?t=${typed[0]!.timestamp - startedAtOf(events) + 50}`);
    // Paused at once: the next page's snapshot comes NEXT_PAGE_DELAY_MS later.
    await pause(page);
    const replayed = page.frameLocator('[data-testid="player"] iframe');
    await expect.poll(() => replayed.locator('#address').inputValue(), { timeout: 3_000 }).toBe('********');
    await page.close();
  }, 60_000);

  test('the session list filters on failed requests and console errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await server.signIn(page.context());
    for (const flag of ['hasFailedRequests', 'hasConsoleErrors']) {
      await page.goto(`${server.url}/#/?${flag}=true`, { waitUntil: 'domcontentloaded' });
      const rows = page.locator('[data-testid="session-row"]');
      // The plain page logged the same error, but made its requests unrecorded.
      const expected = flag === 'hasFailedRequests' ? [captured.sessionId] : [plainSessionId, captured.sessionId];
      await expect.poll(() => rows.evaluateAll((all) => all.map((row) => (row as HTMLElement).dataset.sessionId))).toEqual(expected);
    }
    await page.close();
  }, 60_000);

  test('the heatmap page of the shop lists its most frequent error, masked', async () => {
    const pages = (await (await adminFetch(`${server.url}/api/heatmaps/pages`)).json()) as HeatmapPagesResponse;
    const key = pages.pages.find((entry) => entry.page.includes('dev-shop') && !entry.page.includes('next'))!.page;
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await server.signIn(page.context());
    await page.goto(`${server.url}/#/heatmaps?page=${encodeURIComponent(key)}`, { waitUntil: 'domcontentloaded' });
    const row = page.getByTestId('page-error-row');
    await row.first().waitFor({ timeout: 20_000 });
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('Payment declined {card: "**** **** **** ****"');
    await page.getByTestId('page-errors').screenshot({ path: 'test-results/e2e-page-errors.png' });
    await page.close();
  }, 60_000);

  test('nothing planted appears in any request body', () => {
    const bodies = tap.bodies.join('\n');
    expect(bodies).toContain('Payment declined');
    expect(secrets.filter((secret) => bodies.includes(secret))).toEqual([]);
  });

  test('without captureNetwork, no request metadata is sent at all', () => {
    const plain = batches().filter(({ batch }) => batch.sessionId === plainSessionId);
    expect(plain.length).toBeGreaterThan(0);
    const text = plain.map(({ body }) => body).join('\n');
    expect(text).toContain('Payment declined'); // the console still is
    expect(text).not.toContain('sl:network');
    for (const origin of [api.url, dead]) expect(text).not.toContain(origin.replace('http://', ''));
  });

  test('nothing planted is in the database file, its WAL or the stored chunks', async () => {
    const chunks = server.db.prepare('SELECT events_gz FROM chunks').all() as Array<{ events_gz: Buffer }>;
    const dbPath = join(dir, 'sightline.db');
    const files = [dbPath, `${dbPath}-wal`].filter(existsSync).map((path) => readFileSync(path).toString('latin1'));
    const stored = [...files, ...chunks.map((chunk) => gunzipSync(chunk.events_gz).toString('utf8'))].join('\n');
    expect(stored).toContain('Payment declined');
    expect(secrets.filter((secret) => stored.includes(secret))).toEqual([]);
  });
});

/** Pauses the autoplaying replay with the player's own play/pause button. */
async function pause(page: Page): Promise<void> {
  await page.locator('[data-testid="player"] .rr-controller__btns button').first().click();
}

function startedAtOf(events: EventPage['events']): number {
  return Math.min(...events.map((event) => event.timestamp));
}
