import type { AddressInfo } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import type { ProjectList } from '../contract/access.ts';
import type { StatusResponse } from '../contract/api.ts';
import { createApp } from '../server/app.ts';
import { defaultConfig, type Config } from '../server/config.ts';
import { createOutboundPolicy, type OutboundPolicy, type Resolver } from '../server/outbound/policy.ts';
import type { ConsumerOptions } from '../server/pipeline/consumer.ts';
import { createPipeline, type Pipeline } from '../server/pipeline/pipeline.ts';
import { openDatabase, type Database } from '../server/storage/db.ts';
import { createSqliteStore, type Store } from '../server/storage/store.ts';
import { sendOnThisMachine, testResolver } from './outbound.ts';

/** The admin token every test server accepts unless a test overrides `adminToken`. */
export const TEST_ADMIN_TOKEN = 'test-admin-token';
/** Headers that authenticate an API call as the admin. */
export const adminHeaders: Readonly<Record<string, string>> = Object.freeze({ Authorization: `Bearer ${TEST_ADMIN_TOKEN}` });

/** fetch with the admin's Authorization header added (over any the caller sets), for reading a test server's API. */
export function adminFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(adminHeaders)) if (!headers.has(name)) headers.set(name, value);
  return fetch(url, { ...init, headers });
}

/** In-process servers by base URL, so a helper that knows only the URL drains the right pipeline. */
const inProcessDrains = new Map<string, () => Promise<void>>();
/** How long to wait for a server that never catches up before failing the test, and how often to ask, in ms. */
const DERIVATION_TIMEOUT_MS = 60_000;
const STATUS_POLL_MS = 25;

/**
 * Resolves once everything the server at `baseUrl` has acknowledged is derived: ingest acknowledges a batch once it
 * is stored, and the pipeline derives it a moment later. A server started by startTestServer is drained in-process;
 * any other (a child process) is asked through GET /api/status until no project of it has a chunk waiting and no
 * re-derivation runs.
 */
export async function waitForDerivation(baseUrl: string): Promise<void> {
  const drain = inProcessDrains.get(baseUrl);
  if (drain) return drain();
  const started = Date.now();
  for (;;) {
    const listed = await adminFetch(`${baseUrl}/api/projects`);
    if (!listed.ok) throw new Error(`GET /api/projects answered ${listed.status}: ${await listed.text()}`);
    const { projects } = (await listed.json()) as ProjectList;
    const statuses = await Promise.all(
      projects.map(async ({ key }) => {
        const response = await adminFetch(`${baseUrl}/api/status?project=${encodeURIComponent(key)}`);
        if (!response.ok) throw new Error(`GET /api/status answered ${response.status}: ${await response.text()}`);
        return (await response.json()) as StatusResponse;
      }),
    );
    if (statuses.every((status) => status.derivation.pendingChunks === 0 && status.rederive.state === 'idle')) return;
    if (Date.now() - started > DERIVATION_TIMEOUT_MS) {
      throw new Error(`${baseUrl} still derives after ${DERIVATION_TIMEOUT_MS} ms: ${JSON.stringify(statuses)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_MS));
  }
}

/**
 * How long before arrival test servers accept an event time: any. Hand-built recordings sit on fixed days that tests
 * assert by label (2024-08-01), some span months, and rrweb's fixtures start in 1970, so rebasing them would change
 * what they test. Everything else of the window holds as in production (the future bound, whole ms), and
 * test/api/event-time.test.ts checks the production window itself.
 */
export const FIXTURE_PAST_SKEW_MS = Number.MAX_SAFE_INTEGER;

export interface TestServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:40123. */
  url: string;
  store: Store;
  db: Database;
  /** The pipeline deriving what the server ingests; `waitForDerivation()` drains it. */
  pipeline: Pipeline;
  /** Resolves once everything ingested so far is derived (the consumer drained the queue). */
  waitForDerivation(): Promise<void>;
  config: Config;
  /** The app's outbound policy (config.outbound and the resolver), for dispatchers a test starts over this server. */
  outbound: OutboundPolicy;
  /** `{ Authorization: 'Bearer <admin token>' }` for this server's API. */
  authHeaders: Record<string, string>;
  /**
   * Signs a Playwright context in through POST /api/login, so its pages (viewer included) carry the cookie; with the
   * admin token unless `token` names another (a project's viewer token).
   */
  signIn(context: BrowserContext, token?: string): Promise<void>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /**
   * How the outbound policy resolves host names. Defaults to testResolver(): made-up `.example` names are public.
   * Whatever they resolve to, requests go out only to loopback addresses (sendOnThisMachine).
   */
  resolveHost?: Resolver;
  /** The derivation consumer's options (`paused: true` to hold derivation back). Defaults to the server's. */
  consumer?: Partial<ConsumerOptions>;
}

/**
 * Starts the real app over an in-memory database (or `overrides.dbPath`), with the default config (but
 * FIXTURE_PAST_SKEW_MS) plus `overrides`, on a free port unless `overrides.port` names one (to restart a server
 * where it was); the environment is ignored so tests behave the same everywhere.
 */
export async function startTestServer(
  overrides: Partial<Config> = {},
  { resolveHost = testResolver(), consumer }: TestServerOptions = {},
): Promise<TestServer> {
  const config: Config = {
    ...defaultConfig,
    dbPath: ':memory:',
    port: 0,
    adminToken: TEST_ADMIN_TOKEN,
    requireLogin: true,
    maxPastSkewMs: FIXTURE_PAST_SKEW_MS,
    ...overrides,
  };
  const db = openDatabase(config.dbPath);
  const pipeline = createPipeline(db, config, { consumer });
  const store = createSqliteStore(db, { afterDeletion: (ids) => pipeline.forgetSessions(ids) });
  const outbound = createOutboundPolicy({ ...config.outbound, resolve: resolveHost, send: sendOnThisMachine });
  const app = createApp({ store, pipeline, config, outbound });
  pipeline.consumer.start();
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(config.port, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  inProcessDrains.set(url, () => pipeline.consumer.drain());
  return {
    url,
    store,
    db,
    pipeline,
    waitForDerivation: () => pipeline.consumer.drain(),
    config: { ...config, port },
    outbound,
    authHeaders: { Authorization: `Bearer ${config.adminToken ?? ''}` },
    async signIn(context, token = config.adminToken ?? undefined) {
      const response = await context.request.post(`${url}/api/login`, { data: { token } });
      if (!response.ok()) throw new Error(`Sign-in failed: ${response.status()} ${await response.text()}`);
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      inProcessDrains.delete(url);
      pipeline.consumer.stop();
      db.close();
    },
  };
}
