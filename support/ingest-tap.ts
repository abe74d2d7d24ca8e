import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface IngestTap {
  /** Base URL of the tap; pages opened through it reach the server behind it. */
  url: string;
  /** Every ingest body that passed through, gunzipped where it was gzip. */
  bodies: string[];
  /** The size of each of those bodies as it travelled (gzipped or not), in bytes. */
  wireBytes: number[];
  close(): Promise<void>;
}

/** A request's whole body. */
export function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (part: Buffer) => parts.push(part));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}

/**
 * A pass-through proxy in front of a test server that keeps a copy of every ingest body. Browser-side
 * interception misses the keepalive requests a page sends while it unloads; a proxy sees every byte that
 * left the browser.
 */
export async function startIngestTap(targetUrl: string): Promise<IngestTap> {
  const target = new URL(targetUrl);
  const bodies: string[] = [];
  const wireBytes: number[] = [];
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    if (req.method === 'POST' && req.url?.startsWith('/api/ingest')) {
      const gzipped = body[0] === 0x1f && body[1] === 0x8b;
      bodies.push((gzipped ? gunzipSync(body) : body).toString('utf8'));
      wireBytes.push(body.length);
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    upstream.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    wireBytes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
