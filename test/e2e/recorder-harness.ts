/**
 * Shared by the recorder's end-to-end tests: builds the script-tag bundle in memory (same esbuild settings as
 * scripts/build.mjs, so parallel test files never race on dist/), serves it with the fixture pages from one
 * origin that also fakes POST /api/ingest, and serves the same pages from a second origin for cross-origin
 * checks. Every request body is kept, gunzipped, for the tests to search.
 */
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { IngestBatch, RecordedEvent, SlPayloads, SlTagName } from '../../contract/protocol.ts';
import { trimRrweb } from '../../scripts/trim-rrweb.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pagesDir = fileURLToPath(new URL('../fixtures/pages/', import.meta.url));

async function buildRecorderFile(entry: string, format: 'iife' | 'esm'): Promise<string> {
  const result = await build({
    entryPoints: [`${root}recorder/${entry}`],
    bundle: true,
    minify: true,
    target: 'es2020',
    format,
    write: false,
    logLevel: 'warning',
    plugins: [trimRrweb],
  });
  return result.outputFiles[0].text;
}

export const buildRecorderScript = (): Promise<string> => buildRecorderFile('script-tag.ts', 'iife');

export interface ReceivedBatch {
  batch: IngestBatch;
  /** The body as it travelled, before gunzip. */
  raw: Buffer;
  /** The JSON text after gunzip. */
  text: string;
  gzipped: boolean;
  contentType: string;
  origin: string | undefined;
  /** Path and query the batch was posted to. */
  path: string;
}

export interface Harness {
  /** Serves recorder.js, the pages and the fake ingest endpoint. */
  origin: string;
  /** Serves the pages only: a different origin (other host name and port). */
  otherOrigin: string;
  received: ReceivedBatch[];
  /** CORS preflights seen; a simple text/plain POST needs none. */
  preflights: number;
  /** Requests for the developer capture's module. */
  captureLoads: number;
  /** Answer for the next ingest posts; 200 unless a test says otherwise. */
  ingestStatus: number;
  /** How long the endpoint waits before answering an ingest post, in ms (the body is kept at once); 0 unless a test says otherwise. */
  ingestDelayMs: number;
  /** URL of a fixture page whose `{{SCRIPT}}` becomes a recorder script tag with these attributes. */
  pageUrl(page: string, attributes: Record<string, string>, options?: { crossOrigin?: boolean }): string;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

export async function startHarness(): Promise<Harness> {
  const [script, esm, capture] = await Promise.all([
    buildRecorderScript(),
    buildRecorderFile('index.ts', 'esm'),
    buildRecorderFile('capture.ts', 'esm'),
  ]);
  const seen = new Set<string>();

  async function servePage(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const name = url.pathname.slice('/pages/'.length);
    if (!/^recorder-[\w-]+\.html$/.test(name)) {
      response.writeHead(404).end();
      return;
    }
    const attributes = JSON.parse(url.searchParams.get('attrs') ?? '{}') as Record<string, string>;
    const tag = `<script src="${harness.origin}/recorder.js"${Object.entries(attributes)
      .map(([key, value]) => ` ${key}="${escapeAttribute(value)}"`)
      .join('')}></script>`;
    const html = (await readFile(`${pagesDir}${name}`, 'utf8')).replace('{{SCRIPT}}', tag);
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
  }

  async function handle(request: IncomingMessage, response: ServerResponse, servesIngest: boolean): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://harness');
    if (request.method === 'GET' && url.pathname.startsWith('/pages/')) return servePage(request, response, url);
    if (!servesIngest) {
      response.writeHead(404).end();
      return;
    }
    if (request.method === 'GET' && url.pathname === '/recorder.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' }).end(script);
      return;
    }
    if (request.method === 'GET' && url.pathname === '/recorder.mjs') {
      response.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' }).end(esm);
      return;
    }
    if (request.method === 'GET' && url.pathname === '/recorder.capture.mjs') {
      harness.captureLoads++;
      const headers = { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store', 'Access-Control-Allow-Origin': '*' };
      response.writeHead(200, headers).end(capture);
      return;
    }
    // The page's own API, for network capture: one answer that works, one that fails.
    if (url.pathname === '/api-test/ok') {
      await readBody(request);
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '26' }).end('{"ok":true,"reply":"fine"}');
      return;
    }
    if (url.pathname === '/api-test/fail') {
      await readBody(request);
      response.writeHead(500, { 'Content-Type': 'text/plain' }).end('payment service down');
      return;
    }
    const cors = { 'Access-Control-Allow-Origin': '*' };
    if (request.method === 'OPTIONS') {
      harness.preflights++;
      response.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': '*' }).end();
      return;
    }
    if (request.method === 'POST' && url.pathname === '/api/ingest') {
      const raw = await readBody(request);
      const gzipped = raw[0] === 0x1f && raw[1] === 0x8b;
      const text = (gzipped ? gunzipSync(raw) : raw).toString('utf8');
      const batch = JSON.parse(text) as IngestBatch;
      const status = harness.ingestStatus;
      if (status === 200) {
        harness.received.push({ batch, raw, text, gzipped, contentType: request.headers['content-type'] ?? '', origin: request.headers.origin, path: request.url ?? '' });
      }
      if (harness.ingestDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, harness.ingestDelayMs));
      const key = `${batch.sessionId}/${batch.windowId}/${batch.seq}`;
      const duplicate = seen.has(key);
      if (status === 200) seen.add(key);
      response
        .writeHead(status, { ...cors, 'Content-Type': 'application/json' })
        .end(JSON.stringify({ ok: true, sessionId: batch.sessionId, windowId: batch.windowId, seq: batch.seq, duplicate }));
      return;
    }
    response.writeHead(404).end();
  }

  const onError = (response: ServerResponse) => (error: unknown) => {
    console.error(error);
    if (!response.headersSent) response.writeHead(500).end();
  };
  const main = createServer((request, response) => void handle(request, response, true).catch(onError(response)));
  const other = createServer((request, response) => void handle(request, response, false).catch(onError(response)));
  const mainPort = await listen(main, '127.0.0.1');
  const otherPort = await listen(other, '127.0.0.1');

  const harness: Harness = {
    origin: `http://127.0.0.1:${mainPort}`,
    // "localhost" and 127.0.0.1 are different origins to the browser, and the port differs too.
    otherOrigin: `http://localhost:${otherPort}`,
    received: [],
    preflights: 0,
    captureLoads: 0,
    ingestStatus: 200,
    ingestDelayMs: 0,
    pageUrl(page, attributes, options = {}) {
      const origin = options.crossOrigin ? harness.otherOrigin : harness.origin;
      return `${origin}/pages/${page}?attrs=${encodeURIComponent(JSON.stringify(attributes))}`;
    },
    close: async () => {
      main.closeAllConnections();
      other.closeAllConnections();
      await Promise.all([new Promise((r) => main.close(r)), new Promise((r) => other.close(r))]);
    },
  };
  return harness;
}

/** Every rrweb event received, batches in (session, window, seq) order. */
export function receivedEvents(harness: Harness): RecordedEvent[] {
  return [...harness.received]
    .sort((a, b) =>
      a.batch.sessionId.localeCompare(b.batch.sessionId) || a.batch.windowId.localeCompare(b.batch.windowId) || a.batch.seq - b.batch.seq)
    .flatMap((received) => received.batch.events);
}

/** Payloads of the Sightline custom events with this tag, in order. */
export function customEvents<Tag extends SlTagName>(harness: Harness, tag: Tag): Array<SlPayloads[Tag]> {
  return receivedEvents(harness)
    .filter((event) => event.type === 5 && (event.data as { tag?: string }).tag === tag)
    .map((event) => (event.data as { payload: SlPayloads[Tag] }).payload);
}

/** Polls until `check` returns something truthy; fails with `what` after the timeout. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
