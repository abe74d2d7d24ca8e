import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllowList } from './outbound/allow-list.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Server settings; `loadConfig` fills them from the environment, tests override fields directly. */
export interface Config {
  /** TCP port to listen on (env PORT). Defaults to 8787. */
  port: number;
  /** SQLite database file, or ':memory:' (env SIGHTLINE_DB). Defaults to './data/sightline.db'. */
  dbPath: string;
  /** Largest ingest body as sent (env SIGHTLINE_MAX_BODY_BYTES); larger answers 413. Defaults to 1 MiB. */
  maxBodyBytes: number;
  /** Largest ingest body after gunzip, a zip-bomb guard (env SIGHTLINE_MAX_INFLATED_BYTES). Defaults to 16 MiB. */
  maxInflatedBytes: number;
  /** Most events accepted in one ingest batch; more answers 400 too_many_events. Defaults to 10000. */
  maxEventsPerBatch: number;
  /** Largest single event as JSON, in bytes; larger answers 400 event_too_large. Defaults to 4 MiB. */
  maxEventBytes: number;
  /** Deepest nesting of objects and arrays in a batch; deeper answers 400 too_deep. Defaults to 512. */
  maxNestingDepth: number;
  /** Longest span of event time in one session, in ms (env SIGHTLINE_MAX_SESSION_MS); longer answers 400 session_too_long. Defaults to 12 h. */
  maxSessionMs: number;
  /** Most events stored for one session (env SIGHTLINE_MAX_SESSION_EVENTS); more answers 400 session_too_long. Defaults to 2000000. */
  maxSessionEvents: number;
  /**
   * How long before its request arrived an event may have happened, in ms (env SIGHTLINE_MAX_PAST_SKEW_MS), for
   * recorder batches and POST /api/events; older answers 400 timestamp_out_of_range. A recorder retries a batch for
   * as long as its tab lives (a phone offline for a day, a laptop shut over a long weekend), so this is days, far
   * beyond the longest session. Defaults to 7 days.
   */
  maxPastSkewMs: number;
  /**
   * How far after its request arrived an event may lie, in ms (env SIGHTLINE_MAX_FUTURE_SKEW_MS): room for a
   * device clock running fast; later answers 400 timestamp_out_of_range. Defaults to 5 min.
   */
  maxFutureSkewMs: number;
  /** Events per page of the events API; pages hold whole chunks, so a few more. Defaults to 2000. */
  eventsPageSize: number;
  /**
   * Most steps one funnel query (or funnel filter of the session list) may spend matching its page steps against the
   * recorded URLs (env SIGHTLINE_FUNNEL_MATCH_STEPS), counted by url-pattern.ts's meter; past it the query answers
   * 422 funnel_too_costly. A store's URLs cost tens of steps per step pattern, so 100,000 distinct URLs under 20 page
   * steps stay well inside; hostile URLs cost hundreds of times more. Some 2–3 s of one core, run in slices with
   * other requests answered between them (server/api/funnel-run.ts). Defaults to 250000000.
   */
  funnelMatchSteps: number;
  /**
   * Most steps the page keys of one ingest batch may cost, each distinct URL matched once against the project's
   * page patterns (env SIGHTLINE_PAGE_KEY_STEPS); past it the batch answers 400 page_keys_too_costly. A recorder's
   * batch costs tens of thousands (a few dozen pages under 50 patterns); a forged one of thousands of long URLs,
   * hundreds of millions. Derivation runs inside the commit, so this is the one bound on a batch's share of the event
   * loop: some 20 ms of one core (measured 131,777 steps in 1–2 ms for a worst-case URL under 50 patterns, on an
   * idle core). Defaults to 2000000.
   */
  maxPageKeySteps: number;
  /** Gaps between user inputs longer than this do not count as active time, in ms. Defaults to 5000. */
  activityGapMs: number;
  /** Build output holding recorder/ and viewer/ (env SIGHTLINE_DIST). Defaults to <repo>/dist. */
  distDir: string;
  /** The demo store's static files, served at /demo/ (env SIGHTLINE_DEMO). Defaults to <repo>/demo. */
  demoDir: string;
  /** How often expired sessions are deleted, in ms (env SIGHTLINE_RETENTION_SWEEP_MS); 0 turns the sweeper off. Defaults to 1 h. */
  retentionSweepMs: number;
  /** Admin token for the viewer and read API (env SIGHTLINE_ADMIN_TOKEN); main.ts fills null from the database or generates one. Defaults to null. */
  adminToken: string | null;
  /** Whether the viewer's API needs the admin token or a sign-in (env SIGHTLINE_REQUIRE_LOGIN=false turns it off). Defaults to true. */
  requireLogin: boolean;
  /** Whether a reverse proxy sits in front (env SIGHTLINE_TRUST_PROXY=true): client addresses are then read from the right-most X-Forwarded-For entry. Defaults to false. */
  trustProxy: boolean;
  /**
   * POST /api/ingest per ingest key: batches per second, and the burst allowed at once. Generous on purpose: a
   * store with 2,000 shoppers online sends about 400 batches a second; this stops a leaked key flooding the
   * server, not traffic. Defaults to 1000/s, burst 4000.
   */
  ingestRatePerKey: RateRule;
  /** Most events in one POST /api/events request; more answers 400 too_many_events. Defaults to 500. */
  maxServerEventsPerRequest: number;
  /**
   * POST /api/events per project (its server key): requests per second and the burst allowed at once. A backend
   * sends one request per order or a batch now and then; this stops a runaway loop, not traffic. Defaults to 100/s,
   * burst 1000.
   */
  eventsRatePerKey: RateRule;
  /** POST /api/ingest per client address; a shopper's recorder sends about one batch every few seconds. Defaults to 20/s, burst 100. */
  ingestRatePerAddress: RateRule;
  /** Failed token checks (POST /api/login, or a Bearer token no credential matches) per client address, loopback included, against guessing the admin token; IPv6 counts per /64. Defaults to 5 per minute, burst 5. */
  loginRatePerAddress: RateRule;
  /** Failed token checks across all addresses that have not presented a valid token lately; once spent, only those addresses may try (server/http/login-limit.ts). Defaults to 10 per minute, burst 20. */
  loginFailureBudget: RateRule;
  /** How long an address that presented a valid token stays exempt from loginFailureBudget, in ms. Defaults to 30 days, a sign-in's life. */
  loginKnownAddressMs: number;
  /** Most rate-limit buckets kept per rule; idle ones are forgotten first, so a flood of addresses cannot grow memory. Defaults to 100000. */
  rateLimitMaxBuckets: number;
  /** Client addresses the per-address ingest limit does not apply to: behind a local proxy without trustProxy every shopper looks like 127.0.0.1, and one shared bucket would throttle them all. Per-key limits still apply, and sign-in limits apply to every address. Defaults to the loopback addresses. */
  rateLimitExemptAddresses: string[];
  /** The asset proxy (GET /api/assets) that serves recorded images, fonts and styles to replays. */
  assetProxy: AssetProxyConfig;
  /** Base URL the viewer is opened at (env SIGHTLINE_PUBLIC_URL): for the replay links in webhook payloads, and an origin the same-origin guard accepts besides the request's own. Defaults to null: http://localhost:<port> for the links, the request's own origin only for the guard. */
  publicUrl: string | null;
  /** A session that received no batch for this long is closed, and cart_abandoned and form_abandoned are judged, in ms (env SIGHTLINE_SESSION_IDLE_MS). Defaults to 30 min, the recorder's idleTimeoutMs. */
  sessionIdleMs: number;
  /** How often idle sessions are closed, in ms (env SIGHTLINE_SESSION_CLOSE_SWEEP_MS); 0 turns it off. Defaults to 1 min. */
  sessionCloseSweepMs: number;
  /** Webhook delivery from the outbox. */
  webhooks: WebhookConfig;
  /** Requests the server makes to configured URLs (webhooks, the asset proxy); see server/outbound/policy.ts. */
  outbound: OutboundConfig;
}

/** What outbound requests may reach besides public addresses. */
export interface OutboundConfig {
  /**
   * Host names (`hooks.internal`), wildcards (`*.corp.example`), addresses (`10.0.0.5`) and CIDR blocks
   * (`10.0.0.0/8`, `fd00::/8`) that may be reached though they are loopback, private, link-local or otherwise not
   * public (env SIGHTLINE_OUTBOUND_ALLOW, comma-separated). Defaults to none: only public addresses.
   */
  allow: string[];
}

/** Limits of the asset proxy; every upstream fetch and the cache stay inside them. */
export interface AssetProxyConfig {
  /** Largest asset fetched, in bytes (env SIGHTLINE_ASSET_MAX_BYTES); the download is cut when it grows past it. Defaults to 5 MiB. */
  maxBytes: number;
  /** Longest an upstream fetch may take, redirects and body included, in ms (env SIGHTLINE_ASSET_TIMEOUT_MS). Defaults to 10 s. */
  timeoutMs: number;
  /** How long a fetched asset is served from the cache before it is fetched again, in ms (env SIGHTLINE_ASSET_CACHE_TTL_MS). Defaults to 24 h. */
  cacheTtlMs: number;
  /** Total bytes of cached assets kept in the database; past it the oldest go first (env SIGHTLINE_ASSET_CACHE_MAX_BYTES). Defaults to 256 MiB. */
  cacheMaxBytes: number;
}

/** How the webhook dispatcher delivers; see server/webhooks/dispatcher.ts. */
export interface WebhookConfig {
  /** How often due deliveries are looked for, in ms (env SIGHTLINE_WEBHOOK_POLL_MS); 0 turns delivery off. Defaults to 1000. */
  pollMs: number;
  /** Deliveries in flight at once (env SIGHTLINE_WEBHOOK_CONCURRENCY). Defaults to 4. */
  concurrency: number;
  /** A receiver that has not answered after this long has failed the attempt, in ms (env SIGHTLINE_WEBHOOK_TIMEOUT_MS). Defaults to 10000. */
  timeoutMs: number;
  /** How long a claimed delivery is reserved for its attempt; after a crash it is retried once this has passed, in ms (env SIGHTLINE_WEBHOOK_LEASE_MS). Must exceed timeoutMs. Defaults to 60000. */
  leaseMs: number;
  /** Delay before the first retry, doubled for each further one, in ms (env SIGHTLINE_WEBHOOK_BACKOFF_MS). Defaults to 10000. */
  backoffBaseMs: number;
  /** Longest delay between retries, in ms (env SIGHTLINE_WEBHOOK_BACKOFF_MAX_MS). Defaults to 1 h. */
  backoffMaxMs: number;
  /** Up to this much random extra is added to each delay, as a share of it, so failed receivers are not hit in step. Defaults to 0.2. */
  jitterRatio: number;
  /** Retries stop this long after the event, and the delivery is marked failed, in ms. Defaults to 1 day. */
  retryWindowMs: number;
  /** Finished deliveries (delivered or failed) are kept in the log this long, in ms. Defaults to 30 days. */
  logRetentionMs: number;
}

/** A token bucket: `burst` requests at once, refilled at `ratePerSecond`. */
export interface RateRule {
  /** Tokens added per second (fractions allowed: 5 per minute is 5 / 60). */
  ratePerSecond: number;
  /** Bucket capacity: how many requests may come at once after a quiet spell. */
  burst: number;
}

export const defaultConfig: Config = {
  port: 8787,
  dbPath: './data/sightline.db',
  maxBodyBytes: 1024 * 1024,
  maxInflatedBytes: 16 * 1024 * 1024,
  maxEventsPerBatch: 10_000,
  maxEventBytes: 4 * 1024 * 1024,
  // JSON levels, not DOM levels: a snapshot node and its childNodes array take two per DOM level.
  maxNestingDepth: 512,
  maxSessionMs: 12 * 60 * 60 * 1000,
  maxSessionEvents: 2_000_000,
  maxPastSkewMs: 7 * 24 * 60 * 60 * 1000,
  // Kerberos's default tolerance: phones and laptops set their clocks from the network, rarely further off.
  maxFutureSkewMs: 5 * 60 * 1000,
  funnelMatchSteps: 250_000_000,
  maxPageKeySteps: 2_000_000,
  eventsPageSize: 2000,
  activityGapMs: 5000,
  distDir: join(repoRoot, 'dist'),
  demoDir: join(repoRoot, 'demo'),
  retentionSweepMs: 60 * 60 * 1000,
  adminToken: null,
  requireLogin: true,
  trustProxy: false,
  ingestRatePerKey: { ratePerSecond: 1000, burst: 4000 },
  maxServerEventsPerRequest: 500,
  eventsRatePerKey: { ratePerSecond: 100, burst: 1000 },
  ingestRatePerAddress: { ratePerSecond: 20, burst: 100 },
  loginRatePerAddress: { ratePerSecond: 5 / 60, burst: 5 },
  loginFailureBudget: { ratePerSecond: 10 / 60, burst: 20 },
  loginKnownAddressMs: 30 * 24 * 60 * 60 * 1000,
  rateLimitMaxBuckets: 100_000,
  rateLimitExemptAddresses: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
  assetProxy: {
    maxBytes: 5 * 1024 * 1024,
    timeoutMs: 10_000,
    cacheTtlMs: 24 * 60 * 60 * 1000,
    cacheMaxBytes: 256 * 1024 * 1024,
  },
  publicUrl: null,
  sessionIdleMs: 30 * 60 * 1000,
  sessionCloseSweepMs: 60 * 1000,
  webhooks: {
    pollMs: 1000,
    concurrency: 4,
    timeoutMs: 10_000,
    leaseMs: 60_000,
    backoffBaseMs: 10_000,
    backoffMaxMs: 60 * 60 * 1000,
    jitterRatio: 0.2,
    retryWindowMs: 24 * 60 * 60 * 1000,
    logRetentionMs: 30 * 24 * 60 * 60 * 1000,
  },
  outbound: { allow: [] },
};

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  // Fail at start-up rather than listen on a surprising port or accept unbounded bodies.
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

/** An http(s) base URL without a trailing slash, or the fallback when unset. */
function baseUrl(env: NodeJS.ProcessEnv, name: string, fallback: string | null): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new Error(`${name} must be an http(s) URL such as https://sightline.example.com, got "${raw}"`);
  }
  return url.href.replace(/\/+$/, '');
}

function loadWebhookConfig(env: NodeJS.ProcessEnv): WebhookConfig {
  const defaults = defaultConfig.webhooks;
  const webhooks: WebhookConfig = {
    ...defaults,
    pollMs: positiveInt(env, 'SIGHTLINE_WEBHOOK_POLL_MS', defaults.pollMs),
    concurrency: Math.max(1, positiveInt(env, 'SIGHTLINE_WEBHOOK_CONCURRENCY', defaults.concurrency)),
    timeoutMs: positiveInt(env, 'SIGHTLINE_WEBHOOK_TIMEOUT_MS', defaults.timeoutMs),
    leaseMs: positiveInt(env, 'SIGHTLINE_WEBHOOK_LEASE_MS', defaults.leaseMs),
    backoffBaseMs: positiveInt(env, 'SIGHTLINE_WEBHOOK_BACKOFF_MS', defaults.backoffBaseMs),
    backoffMaxMs: positiveInt(env, 'SIGHTLINE_WEBHOOK_BACKOFF_MAX_MS', defaults.backoffMaxMs),
  };
  // A lease shorter than an attempt could let a second attempt start while the first still waits for its answer.
  if (webhooks.leaseMs <= webhooks.timeoutMs) {
    throw new Error(`SIGHTLINE_WEBHOOK_LEASE_MS (${webhooks.leaseMs}) must exceed SIGHTLINE_WEBHOOK_TIMEOUT_MS (${webhooks.timeoutMs})`);
  }
  return webhooks;
}

function loadOutboundConfig(env: NodeJS.ProcessEnv): OutboundConfig {
  const allow = (env.SIGHTLINE_OUTBOUND_ALLOW ?? '').split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  try {
    parseAllowList(allow);
  } catch (error) {
    throw new Error(`SIGHTLINE_OUTBOUND_ALLOW: ${(error as Error).message}`);
  }
  return { allow };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    ...defaultConfig,
    port: positiveInt(env, 'PORT', defaultConfig.port),
    dbPath: env.SIGHTLINE_DB || defaultConfig.dbPath,
    maxBodyBytes: positiveInt(env, 'SIGHTLINE_MAX_BODY_BYTES', defaultConfig.maxBodyBytes),
    maxInflatedBytes: positiveInt(env, 'SIGHTLINE_MAX_INFLATED_BYTES', defaultConfig.maxInflatedBytes),
    maxSessionMs: positiveInt(env, 'SIGHTLINE_MAX_SESSION_MS', defaultConfig.maxSessionMs),
    maxSessionEvents: positiveInt(env, 'SIGHTLINE_MAX_SESSION_EVENTS', defaultConfig.maxSessionEvents),
    maxPastSkewMs: positiveInt(env, 'SIGHTLINE_MAX_PAST_SKEW_MS', defaultConfig.maxPastSkewMs),
    maxFutureSkewMs: positiveInt(env, 'SIGHTLINE_MAX_FUTURE_SKEW_MS', defaultConfig.maxFutureSkewMs),
    funnelMatchSteps: positiveInt(env, 'SIGHTLINE_FUNNEL_MATCH_STEPS', defaultConfig.funnelMatchSteps),
    maxPageKeySteps: positiveInt(env, 'SIGHTLINE_PAGE_KEY_STEPS', defaultConfig.maxPageKeySteps),
    distDir: env.SIGHTLINE_DIST || defaultConfig.distDir,
    demoDir: env.SIGHTLINE_DEMO || defaultConfig.demoDir,
    retentionSweepMs: positiveInt(env, 'SIGHTLINE_RETENTION_SWEEP_MS', defaultConfig.retentionSweepMs),
    adminToken: env.SIGHTLINE_ADMIN_TOKEN || defaultConfig.adminToken,
    // Only an explicit "false" opens the API: a typo must not.
    requireLogin: env.SIGHTLINE_REQUIRE_LOGIN !== 'false',
    trustProxy: env.SIGHTLINE_TRUST_PROXY === 'true',
    assetProxy: {
      maxBytes: positiveInt(env, 'SIGHTLINE_ASSET_MAX_BYTES', defaultConfig.assetProxy.maxBytes),
      timeoutMs: positiveInt(env, 'SIGHTLINE_ASSET_TIMEOUT_MS', defaultConfig.assetProxy.timeoutMs),
      cacheTtlMs: positiveInt(env, 'SIGHTLINE_ASSET_CACHE_TTL_MS', defaultConfig.assetProxy.cacheTtlMs),
      cacheMaxBytes: positiveInt(env, 'SIGHTLINE_ASSET_CACHE_MAX_BYTES', defaultConfig.assetProxy.cacheMaxBytes),
    },
    publicUrl: baseUrl(env, 'SIGHTLINE_PUBLIC_URL', defaultConfig.publicUrl),
    sessionIdleMs: positiveInt(env, 'SIGHTLINE_SESSION_IDLE_MS', defaultConfig.sessionIdleMs),
    sessionCloseSweepMs: positiveInt(env, 'SIGHTLINE_SESSION_CLOSE_SWEEP_MS', defaultConfig.sessionCloseSweepMs),
    webhooks: loadWebhookConfig(env),
    outbound: loadOutboundConfig(env),
  };
}
