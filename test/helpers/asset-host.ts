/** A stand-in for a store's asset host (a CDN) on 127.0.0.1, recording every request it receives. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  /** How many requests named this path (query included). */
  count(path: string): number;
  close(): Promise<void>;
}

/** `host`: the address to listen on; `::` takes every local address, IPv4 and IPv6. Defaults to 127.0.0.1. */
export async function startAssetHost(handle: (req: IncomingMessage, res: ServerResponse) => void, host = '127.0.0.1'): Promise<AssetHost> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    port: (server.address() as AddressInfo).port,
    hits,
    count: (path) => hits.filter((hit) => hit === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
