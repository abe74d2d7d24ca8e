/**
 * GET and PUT /api/settings/assets, and what the policy does to the events the replay routes serve: a new install's
 * demo project and a project made now proxy any host (`public`), `proxy` only listed ones, `block` none; and URLs on
 * the viewer's own origins (the demo store's) stay as recorded in every mode.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HeatmapSnapshotResponse } from '../../contract/insights.ts';
import type { AssetSettingsResponse } from '../../contract/api.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { signedAssetPath } from '../../support/asset-host.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { el, text } from '../helpers/snapshot-nodes.ts';
import { expectApiError, ingest, makeBatch, newId, readAllEvents } from './support.ts';

const ROUTE = '/api/settings/assets';
const CDN = 'https://cdn.shop.example';
const OTHER = 'https://ads.example';
const PAGE = '/asset-page';
const T0 = Date.now() - 60_000;

/** A page with an image and a stylesheet on the CDN and an image elsewhere, then an image swapped by a mutation. */
const recording: RecordedEvent[] = [
  { type: 4, data: { href: `https://shop.example${PAGE}`, width: 1280, height: 800 }, timestamp: T0 },
  {
    type: 2,
    data: {
      node: {
        type: 0,
        id: 1,
        childNodes: [
          el(2, 'html', {}, [
            el(3, 'head', {}, [el(4, 'link', { rel: 'stylesheet', href: `${CDN}/site.css` })]),
            el(5, 'body', {}, [el(6, 'img', { src: `${CDN}/shirt.png` }), el(7, 'img', { src: `${OTHER}/pixel.gif` }), el(8, 'p', {}, [text(9, 'Shirt')])]),
          ]),
        ],
      },
      initialOffset: { left: 0, top: 0 },
    },
    timestamp: T0 + 10,
  },
  { type: 3, data: { source: 0, texts: [], attributes: [{ id: 6, attributes: { src: `${CDN}/shirt-red.png` } }], removes: [], adds: [] }, timestamp: T0 + 500 },
];

async function settings(response: Response): Promise<AssetSettingsResponse> {
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body as AssetSettingsResponse;
}

describe('GET and PUT /api/settings/assets', () => {
  let server: TestServer;
  const sessionId = newId();

  const put = (body: unknown, query = '') =>
    adminFetch(`${server.url}${ROUTE}${query}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const servedJson = async () => JSON.stringify((await readAllEvents(server.url, sessionId)).events);

  beforeAll(async () => {
    server = await startTestServer();
    await ingest(server.url, makeBatch(recording, { sessionId }));
  });
  afterAll(() => server.close());

  test("a new install's demo project is in public mode, with no origins", async () => {
    expect(await settings(await adminFetch(`${server.url}${ROUTE}`))).toEqual({ project: 'demo', mode: 'public', origins: [], projectOrigins: [] });
  });

  test('in block mode the events are served exactly as stored', async () => {
    expect(await settings(await put({ mode: 'block', origins: [] }))).toEqual({ project: 'demo', mode: 'block', origins: [], projectOrigins: [] });
    expect(JSON.parse(await servedJson())).toEqual(recording);
  });

  test('saves the mode and normalized, de-duplicated origins, and GET returns them', async () => {
    const saved = await settings(await put({ mode: 'proxy', origins: ['HTTPS://CDN.Shop.Example:443', CDN] }));
    expect(saved).toEqual({ project: 'demo', mode: 'proxy', origins: [CDN], projectOrigins: [] });
    expect(await settings(await adminFetch(`${server.url}${ROUTE}?project=demo`))).toEqual(saved);
  });

  test('in proxy mode the events route points allowed asset URLs at the proxy, signed, snapshot and mutations alike', async () => {
    const proxied = (path: string) => signedAssetPath(server.store, `${CDN}${path}`);
    const events = JSON.parse(await servedJson()) as RecordedEvent[];
    const served = JSON.stringify(events);
    for (const path of ['/site.css', '/shirt.png', '/shirt-red.png']) expect(served).toContain(JSON.stringify(await proxied(path)));
    expect(served).not.toContain(`"${CDN}/`);
    // Other hosts stay as recorded: the viewer's CSP blocks them.
    expect(served).toContain(`"${OTHER}/pixel.gif"`);
    expect((events[2]!.data as { attributes: unknown[] }).attributes).toEqual([{ id: 6, attributes: { src: await proxied('/shirt-red.png') } }]);
  });

  test('in public mode every recorded asset URL points at the proxy, whatever its host', async () => {
    const saved = await settings(await put({ mode: 'public', origins: [CDN] }));
    expect(saved).toEqual({ project: 'demo', mode: 'public', origins: [CDN], projectOrigins: [] });
    const served = await servedJson();
    for (const url of [`${CDN}/site.css`, `${CDN}/shirt.png`, `${OTHER}/pixel.gif`]) {
      expect(served).toContain(JSON.stringify(await signedAssetPath(server.store, url)));
    }
    expect(served).not.toMatch(/"https:\/\/(?:cdn\.shop|ads)\.example\//);
    await settings(await put({ mode: 'proxy', origins: [CDN] }));
  });

  test('the heatmap background snapshot is rewritten the same way', async () => {
    const response = await adminFetch(`${server.url}/api/heatmaps/snapshot?page=${encodeURIComponent(PAGE)}`);
    const body = (await response.json()) as HeatmapSnapshotResponse;
    expect(response.status, JSON.stringify(body)).toBe(200);
    const served = JSON.stringify(body.events);
    expect(served).toContain(JSON.stringify(await signedAssetPath(server.store, `${CDN}/shirt.png`)));
    expect(served).not.toContain(`"${CDN}/`);
  });

  test('the stored events never change: back in block mode they are served as recorded', async () => {
    await settings(await put({ mode: 'block', origins: [CDN] }));
    expect(JSON.parse(await servedJson())).toEqual(recording);
  });

  test.each<[string, unknown, string]>([
    ['an origin with a path', { mode: 'proxy', origins: [`${CDN}/assets`] }, 'origins[0]'],
    ['an origin with a trailing slash', { mode: 'proxy', origins: [`${CDN}/`] }, 'origins[0]'],
    ['a non-http scheme', { mode: 'proxy', origins: ['ftp://cdn.shop.example'] }, 'origins[0]'],
    ['an unknown mode', { mode: 'open', origins: [] }, 'mode'],
    ['a missing mode', { origins: [] }, 'mode'],
    ['an unknown field', { mode: 'block', origins: [], allowAll: true }, ''],
    ['more than 50 origins', { mode: 'proxy', origins: Array.from({ length: 51 }, (_, i) => `https://cdn${i}.example`) }, 'origins'],
  ])('refuses %s with 400 invalid_body, changing nothing', async (_name, body, path) => {
    const before = await settings(await adminFetch(`${server.url}${ROUTE}`));
    const error = await expectApiError(await put(body), 400, 'invalid_body');
    expect(error.message).toContain(path);
    expect(await settings(await adminFetch(`${server.url}${ROUTE}`))).toEqual(before);
  });

  test('a project made through the API starts in public mode; the demo project keeps the block it was set to', async () => {
    const created = await adminFetch(`${server.url}/api/projects`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'Outdoor shop', key: 'outdoor' }),
    });
    expect(created.status).toBe(201);
    expect(await settings(await adminFetch(`${server.url}${ROUTE}?project=outdoor`))).toEqual({ project: 'outdoor', mode: 'public', origins: [], projectOrigins: [] });
    expect((await settings(await adminFetch(`${server.url}${ROUTE}`))).mode).toBe('block');
  });

  test('answers 404 for an unknown project and 400 for a bad project parameter', async () => {
    await expectApiError(await adminFetch(`${server.url}${ROUTE}?project=nope`), 404, 'unknown_project');
    await expectApiError(await put({ mode: 'proxy', origins: [] }, '?project=nope'), 404, 'unknown_project');
    await expectApiError(await adminFetch(`${server.url}${ROUTE}?project=a&project=b`), 400, 'invalid_query');
  });

  test('needs a sign-in', async () => {
    await expectApiError(await fetch(`${server.url}${ROUTE}`), 401, 'login_required');
  });
});

describe("replays of a store on the viewer's own origin (the demo store) in public mode", () => {
  const PUBLIC_URL = 'https://sightline.shop.example';
  let server: TestServer;
  const sessionId = newId();
  const page = '/demo/product';

  /** The demo store's page as recorded on Sightline itself, a stylesheet named by the public URL, and one CDN image. */
  const demoRecording = (own: string): RecordedEvent[] => [
    { type: 4, data: { href: `${own}${page}`, width: 1280, height: 800 }, timestamp: T0 },
    {
      type: 2,
      data: {
        node: {
          type: 0,
          id: 1,
          childNodes: [
            el(2, 'html', {}, [
              el(3, 'head', {}, [
                el(4, 'link', { rel: 'stylesheet', href: `${own}/demo/styles.css` }),
                el(5, 'link', { rel: 'icon', href: `${PUBLIC_URL}/demo/favicon.svg` }),
                el(6, 'style', {}, [text(7, `body{background:url("${own}/demo/img/tile.png")}`)]),
              ]),
              el(8, 'body', {}, [
                el(9, 'img', { src: `${own}/demo/img/shirt.png`, srcset: `${own}/demo/img/shirt.png 1x, ${own}/demo/img/shirt@2x.png 2x` }),
                el(10, 'div', { style: `background-image: url(${PUBLIC_URL}/demo/img/banner.png)` }),
                el(11, 'img', { src: `${CDN}/partner.png` }),
              ]),
            ]),
          ],
        },
        initialOffset: { left: 0, top: 0 },
      },
      timestamp: T0 + 10,
    },
    { type: 3, data: { source: 0, texts: [], attributes: [{ id: 9, attributes: { src: `${own}/demo/img/shirt-red.png` } }], removes: [], adds: [] }, timestamp: T0 + 500 },
  ];

  beforeAll(async () => {
    server = await startTestServer({ publicUrl: PUBLIC_URL });
    await ingest(server.url, makeBatch(demoRecording(server.url), { sessionId }));
  });
  afterAll(() => server.close());

  /** The served events with the one CDN image, which public mode does proxy, put back as recorded. */
  async function withoutTheCdnImage(events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const proxied = JSON.stringify(await signedAssetPath(server.store, `${CDN}/partner.png`));
    const served = JSON.stringify(events);
    expect(served).toContain(proxied);
    return JSON.parse(served.replaceAll(proxied, JSON.stringify(`${CDN}/partner.png`))) as RecordedEvent[];
  }

  test('the events route leaves every URL on the request\'s origin or SIGHTLINE_PUBLIC_URL\'s as recorded', async () => {
    expect((await settings(await adminFetch(`${server.url}${ROUTE}`))).mode).toBe('public');
    const { events } = await readAllEvents(server.url, sessionId);
    expect(await withoutTheCdnImage(events)).toEqual(demoRecording(server.url));
  });

  test('so does the heatmap background snapshot', async () => {
    const response = await adminFetch(`${server.url}/api/heatmaps/snapshot?page=${encodeURIComponent(page)}`);
    const body = (await response.json()) as HeatmapSnapshotResponse;
    expect(response.status, JSON.stringify(body)).toBe(200);
    const snapshot = demoRecording(server.url).find((event) => event.type === 2)!;
    expect((await withoutTheCdnImage(body.events)).find((event) => event.type === 2)).toEqual(snapshot);
  });
});
