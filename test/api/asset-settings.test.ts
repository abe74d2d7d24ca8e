/** GET and PUT /api/settings/assets, and what the policy does to the events the replay routes serve. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { HeatmapSnapshotResponse } from '../../contract/insights.ts';
import type { AssetSettingsResponse } from '../../contract/api.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
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

describe('GET and PUT /api/settings/assets', () => {
  let server: TestServer;
  const sessionId = newId();

  const put = (body: unknown, query = '') =>
    adminFetch(`${server.url}${ROUTE}${query}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  async function settings(response: Response): Promise<AssetSettingsResponse> {
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body as AssetSettingsResponse;
  }
  const servedJson = async () => JSON.stringify((await readAllEvents(server.url, sessionId)).events);

  beforeAll(async () => {
    server = await startTestServer();
    await ingest(server.url, makeBatch(recording, { sessionId }));
  });
  afterAll(() => server.close());

  test('blocks by default, with no origins', async () => {
    expect(await settings(await adminFetch(`${server.url}${ROUTE}`))).toEqual({ project: 'demo', mode: 'block', origins: [], projectOrigins: [] });
  });

  test('in block mode the events are served exactly as stored', async () => {
    expect(JSON.parse(await servedJson())).toEqual(recording);
  });

  test('saves the mode and normalized, de-duplicated origins, and GET returns them', async () => {
    const saved = await settings(await put({ mode: 'proxy', origins: ['HTTPS://CDN.Shop.Example:443', CDN] }));
    expect(saved).toEqual({ project: 'demo', mode: 'proxy', origins: [CDN], projectOrigins: [] });
    expect(await settings(await adminFetch(`${server.url}${ROUTE}?project=demo`))).toEqual(saved);
  });

  test('in proxy mode the events route points allowed asset URLs at the proxy, snapshot and mutations alike', async () => {
    const proxied = (path: string) => `/api/assets?${new URLSearchParams({ project: 'demo', url: `${CDN}${path}` })}`;
    const events = JSON.parse(await servedJson()) as RecordedEvent[];
    const served = JSON.stringify(events);
    for (const path of ['/site.css', '/shirt.png', '/shirt-red.png']) expect(served).toContain(JSON.stringify(proxied(path)));
    expect(served).not.toContain(`"${CDN}/`);
    // Other hosts stay as recorded: the viewer's CSP blocks them.
    expect(served).toContain(`"${OTHER}/pixel.gif"`);
    expect((events[2]!.data as { attributes: unknown[] }).attributes).toEqual([{ id: 6, attributes: { src: proxied('/shirt-red.png') } }]);
  });

  test('the heatmap background snapshot is rewritten the same way', async () => {
    const response = await adminFetch(`${server.url}/api/heatmaps/snapshot?page=${encodeURIComponent(PAGE)}`);
    const body = (await response.json()) as HeatmapSnapshotResponse;
    expect(response.status, JSON.stringify(body)).toBe(200);
    const served = JSON.stringify(body.events);
    expect(served).toContain(JSON.stringify(`/api/assets?${new URLSearchParams({ project: 'demo', url: `${CDN}/shirt.png` })}`));
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

  test('answers 404 for an unknown project and 400 for a bad project parameter', async () => {
    await expectApiError(await adminFetch(`${server.url}${ROUTE}?project=nope`), 404, 'unknown_project');
    await expectApiError(await put({ mode: 'proxy', origins: [] }, '?project=nope'), 404, 'unknown_project');
    await expectApiError(await adminFetch(`${server.url}${ROUTE}?project=a&project=b`), 400, 'invalid_query');
  });

  test('needs a sign-in', async () => {
    await expectApiError(await fetch(`${server.url}${ROUTE}`), 401, 'login_required');
  });
});
