/**
 * What several figures share: the repository root, a real Sightline server over a temporary database file, batches
 * posted as the recorder posts them, and browser bundles built as our script tag is.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Config } from '../server/config.ts';
import type { IngestBatch, RecordedEvent } from '../contract/protocol.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Rate limits high enough never to refuse a benchmark's traffic, which all comes from one key and one address. */
export const UNLIMITED = { ratePerSecond: 1e9, burst: 1e9 } as const;

export interface BenchServer extends TestServer {
  /** The database file, in a temporary folder that `close()` removes. */
  dbPath: string;
}

/**
 * The real app (full validation and derivation) over a SQLite file in WAL mode, as in production, rather than the
 * tests' in-memory database; ingest rate limits are off unless `overrides` sets them.
 */
export async function startBenchServer(overrides: Partial<Config> = {}): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-bench-'));
  const dbPath = join(dir, 'bench.db');
  const server = await startTestServer({ dbPath, ingestRatePerKey: UNLIMITED, ingestRatePerAddress: UNLIMITED, ...overrides });
  return {
    ...server,
    dbPath,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Bundles a JavaScript entry the way scripts/build.mjs bundles our script tag: minified browser IIFE, es2019. */
export async function bundleForBrowser(contents: string): Promise<Uint8Array> {
  const result = await build({
    stdin: { contents, resolveDir: repoRoot, loader: 'js', sourcefile: 'bench-entry.js' },
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2019',
    write: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return result.outputFiles[0]!.contents;
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Posts batches to /api/ingest one after another, gzipped as the recorder sends them, each with the next seq of
 * one (session, window); throws on the first refusal, since a figure over half-ingested data would mislead.
 */
export async function ingestBatches(
  baseUrl: string,
  batches: readonly RecordedEvent[][],
  ids: { sessionId: string; windowId: string; project?: string },
): Promise<void> {
  for (const [seq, events] of batches.entries()) {
    const batch: IngestBatch = {
      v: 1,
      project: ids.project ?? 'demo',
      sessionId: ids.sessionId,
      windowId: ids.windowId,
      seq,
      sentAt: events.at(-1)!.timestamp,
      events,
    };
    const response = await fetch(`${baseUrl}/api/ingest`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'User-Agent': BENCH_USER_AGENT },
      body: new Uint8Array(gzipSync(JSON.stringify(batch))),
    });
    if (!response.ok) throw new Error(`ingest of batch ${seq} answered ${response.status}: ${await response.text()}`);
  }
}

/** A desktop Chrome, so ingest labels benchmark sessions as a real browser's. */
export const BENCH_USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
