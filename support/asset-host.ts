/** A stand-in for a store's asset host (a CDN) on 127.0.0.1, recording every request it receives. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { proxyPath } from '../server/assets/asset-urls.ts';
import type { AssetMode, AssetStore } from '../server/storage/asset-store.ts';
import { adminFetch } from './server.ts';

/** A valid 1×1 PNG (one opaque pixel), so a browser decodes it with naturalWidth 1. */
export const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

export interface AssetHost {
  /** Origin without a trailing slash, e.g. http://127.0.0.1:40123. */
  url: string;
  port: number;
  /** Path and query of every request received, in order. */
  hits: string[];
  /** The User-Agent of each request in `hits`, at the same index: Sightline's proxy sends its own. */
  userAgents: string[];
  /** How many requests named this path (query included). */
  count(path: string): number;
  close(): Promise<void>;
}

/**
 * `host`: the address to listen on (another loopback address such as 127.0.0.3 gives a host of its own origin); `::`
 * takes every local address, IPv4 and IPv6, and is reached at 127.0.0.1. Defaults to 127.0.0.1.
 */
export async function startAssetHost(handle: (req: IncomingMessage, res: ServerResponse) => void, host = '127.0.0.1'): Promise<AssetHost> {
  const hits: string[] = [];
  const userAgents: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    userAgents.push(req.headers['user-agent'] ?? '');
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    url: `http://${host === '::' ? '127.0.0.1' : host}:${(server.address() as AddressInfo).port}`,
    port: (server.address() as AddressInfo).port,
    hits,
    userAgents,
    count: (path) => hits.filter((hit) => hit === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The signed proxy path the events routes hand out for `url` in `project` (GET /api/assets refuses an unsigned one),
 * for tests that call the proxy directly instead of reading it from served events.
 */
export async function signedAssetPath(store: Pick<AssetStore, 'assetUrlKey'>, url: string, project = 'demo'): Promise<string> {
  // Signed as the mapper signs: the URL as parsed (`127.1` is 127.0.0.1 by then); one that does not parse, as it is.
  return proxyPath(project, URL.canParse(url) ? new URL(url).href : url, await store.assetUrlKey());
}

/**
 * Sets a project's asset mode through PUT /api/settings/assets, as the Settings page does, for tests about one mode
 * whatever the project's default (a new database's demo project is `public`).
 */
export async function setAssetMode(serverUrl: string, mode: AssetMode, { project = 'demo', origins = [] as string[] } = {}): Promise<void> {
  const response = await adminFetch(`${serverUrl}/api/settings/assets?project=${encodeURIComponent(project)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ mode, origins }),
  });
  if (response.status !== 200) throw new Error(`setting ${project}'s asset mode to ${mode} answered ${response.status}: ${await response.text()}`);
}
