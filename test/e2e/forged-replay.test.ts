/**
 * A forged recording full of script payloads, ingested through the API and replayed in the viewer in real
 * Chromium: nothing in it may run. Every payload would alert, log a marker and call a test host if it ran.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { ingest, makeBatch, newId, readAllEvents } from '../api/support.ts';
import { launchChromium } from '../../support/browser.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { documentOf, el, text, type SnapshotNode as Node } from '../helpers/snapshot-nodes.ts';

const MARKER = 'PWNED-MARKER';
const T0 = 1_700_000_000_000;
/** How long the forged recording lasts, ms; the test lets it play past its end. */
const RECORDING_MS = 3_000;

const svg = (node: Node): Node => ({ ...node, isSVG: true });

/** The forged recording; `hit(tag)` is a URL on the test host naming the payload that called it. */
function forgedRecording(hit: (tag: string) => string): RecordedEvent[] {
  const run = (tag: string) => `alert('${MARKER}');console.log('${MARKER} ${tag}');fetch('${hit(tag)}')`;
  const document = documentOf(
    el(3, 'html', {}, [
      el(4, 'head', {}, [
        el(5, 'meta', { 'http-equiv': 'refresh', content: `1;url=${hit('meta-refresh')}` }),
        el(6, 'base', { href: hit('base') }),
        el(7, 'script', {}, [text(8, run('head-script'))]),
        el(9, 'script', { src: hit('script-src') }),
        el(26, 'meta', { name: 'robots', content: 'noindex' }),
      ]),
      el(10, 'body', { onload: run('body-onload') }, [
        el(11, 'a', { id: 'pay', href: `javascript:${run('javascript-href')}` }, [text(12, 'Pay now')]),
        el(13, 'img', { src: '/no-such-image.png', onerror: run('img-onerror') }),
        el(14, 'iframe', { srcdoc: `<script>${run('iframe-srcdoc')}</script>` }),
        el(15, 'iframe', { src: `data:text/html,<script>${run('iframe-data-url')}</script>` }),
        el(16, 'form', { action: `javascript:${run('form-action')}` }, [el(17, 'button', { formaction: `javascript:${run('formaction')}` })]),
        svg(el(18, 'svg', {}, [svg(el(19, 'script', {}, [text(20, run('svg-script'))])), svg(el(21, 'a', { 'xlink:href': `javascript:${run('xlink')}` }))])),
        el(22, 'div', { style: `background:url("javascript:${run('css-url')}")`, onmouseover: run('onmouseover') }, [text(23, 'Hover me')]),
        el(24, 'p', {}, [text(25, 'Harmless text')]),
        // Quotes inside an unquoted url(): the form a regex for url("…") or url(…) without quotes missed.
        el(27, 'div', { style: `background:url(javascript:${run('css-url-quote')})` }),
      ]),
    ]),
  );
  return [
    { type: 4, data: { href: 'https://shop.example/checkout', width: 1024, height: 768 }, timestamp: T0 },
    { type: 2, data: { node: document, initialOffset: { left: 0, top: 0 } }, timestamp: T0 + 10 },
    { type: 3, data: { source: 1, positions: [{ x: 20, y: 20, id: 11, timeOffset: 0 }] }, timestamp: T0 + 400 },
    // The shopper "clicks" the javascript: link and hovers the handler-laden div.
    { type: 3, data: { source: 2, type: 2, id: 11, x: 20, y: 20 }, timestamp: T0 + 600 },
    { type: 3, data: { source: 2, type: 1, id: 22, x: 30, y: 200 }, timestamp: T0 + 800 },
    {
      type: 3,
      data: {
        source: 0,
        texts: [{ id: 25, value: `<script>${run('text-mutation')}</script>` }],
        attributes: [
          { id: 24, attributes: { onclick: run('mutation-onclick') } },
          { id: 13, attributes: { src: '/still-missing.png', onerror: run('mutation-onerror') } },
          // An existing, harmless meta turned into a refresh.
          { id: 26, attributes: { 'http-equiv': 'Refresh', content: `1;url=${hit('meta-mutation-refresh')}` } },
        ],
        removes: [],
        adds: [
          { parentId: 10, nextId: null, node: el(30, 'script', {}, [text(31, run('added-script'))]) },
          { parentId: 10, nextId: null, node: el(32, 'img', { src: '/missing-too.png', onerror: run('added-img') }) },
        ],
      },
      timestamp: T0 + 1_200,
    },
    { type: 3, data: { source: 2, type: 2, id: 24, x: 40, y: 300 }, timestamp: T0 + 2_000 },
    { type: 3, data: { source: 1, positions: [{ x: 50, y: 320, id: 24, timeOffset: 0 }] }, timestamp: T0 + RECORDING_MS },
  ];
}

describe('e2e | a forged recording replays without running anything', () => {
  let server: TestServer;
  let testHost: Server;
  let testHostUrl: string;
  const hostHits: string[] = [];
  let browser: Browser;

  beforeAll(async () => {
    testHost = createServer((req, res) => {
      // Chromium asks every host it shows a page from for its icon; that is the control page, not a payload.
      if (req.url !== '/favicon.ico') hostHits.push(req.url ?? '');
      res.writeHead(200, { 'Access-Control-Allow-Origin': '*' }).end('hit');
    });
    await new Promise<void>((resolve) => testHost.listen(0, '127.0.0.1', resolve));
    testHostUrl = `http://127.0.0.1:${(testHost.address() as AddressInfo).port}`;
    server = await startTestServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => testHost?.close(resolve));
  });

  /** Dialogs, marker console lines and requests to the test host seen by a page, in every frame. */
  function watch(page: Page) {
    const seen = { dialogs: [] as string[], markers: [] as string[], requests: [] as string[] };
    page.on('dialog', (dialog) => {
      seen.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (message.text().includes(MARKER)) seen.markers.push(message.text());
    });
    page.on('request', (request) => {
      if (request.url().startsWith(testHostUrl)) seen.requests.push(request.url());
    });
    return seen;
  }

  test('the watchers see a dialog, a marker and a request when code does run', async () => {
    // Control: proves the assertions below could fail, in a page of the same browser.
    const page = await browser.newPage();
    const seen = watch(page);
    await page.goto(`${testHostUrl}/control-page`, { waitUntil: 'domcontentloaded' });
    await page.evaluate(
      ([marker, url]) => {
        alert(marker);
        console.log(marker);
        return fetch(url!).then((response) => response.text());
      },
      [MARKER, `${testHostUrl}/control-fetch`],
    );
    expect(seen).toEqual({
      dialogs: [MARKER],
      markers: [MARKER],
      requests: [`${testHostUrl}/control-page`, `${testHostUrl}/control-fetch`],
    });
    expect(hostHits).toEqual(['/control-page', '/control-fetch']);
    hostHits.length = 0;
    await page.close();
  });

  test('stores the recording without its payloads and replays it to the end with nothing run', async () => {
    const events = forgedRecording((tag) => `${testHostUrl}/hit?${tag}`);
    const sessionId = newId();
    await ingest(server.url, makeBatch(events, { sessionId }));

    const stored = JSON.stringify((await readAllEvents(server.url, sessionId)).events);
    // The text mutation keeps its text, which names the marker: it is text, never an element.
    const storedWithoutText = stored.replace(/"value":"<script>[^"]*<\/script>"/, '');
    expect(stored).toContain('"value":"<script>');
    expect(storedWithoutText).not.toContain(MARKER);
    expect(storedWithoutText).not.toContain(testHostUrl);
    expect(stored).not.toMatch(/javascript:|"on[a-z]+":"|srcdoc|"tagName":"(?:script|base)"|refresh/i);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await server.signIn(page.context());
    const seen = watch(page);
    await page.goto(`${server.url}/#/sessions/${sessionId}`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="replay"][data-state="ready"]').waitFor();
    const replayFrame = page.locator('[data-testid="player"] iframe');
    expect(await replayFrame.count()).toBe(1);
    // The replay rebuilt the forged page: its harmless text is there, and the text mutation arrives as text.
    const frame = page.frameLocator('[data-testid="player"] iframe');
    await frame.locator('p', { hasText: '<script>' }).waitFor({ timeout: RECORDING_MS + 5_000 });
    expect(await frame.locator('p script').count()).toBe(0);
    // Past the recording's end, with time for a meta refresh, onerror and fetches to fire had they survived.
    await page.waitForTimeout(2_000);

    expect(seen).toEqual({ dialogs: [], markers: [], requests: [] });
    expect(hostHits).toEqual([]);
    await page.close();
  });
});
