import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../../server/config.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('config', () => {
  test('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 8787,
      dbPath: './data/sightline.db',
      maxBodyBytes: 1024 * 1024,
      maxInflatedBytes: 16 * 1024 * 1024,
      maxEventsPerBatch: 10_000,
      maxEventBytes: 4 * 1024 * 1024,
      maxNestingDepth: 512,
      maxSessionMs: 12 * 60 * 60 * 1000,
      maxSessionEvents: 2_000_000,
      maxPastSkewMs: 7 * 24 * 60 * 60 * 1000,
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
    });
  });

  test('reads the environment', () => {
    const config = loadConfig({ PORT: '9000', SIGHTLINE_DB: '/tmp/x.db', SIGHTLINE_MAX_BODY_BYTES: '2048' });
    expect(config).toMatchObject({ port: 9000, dbPath: '/tmp/x.db', maxBodyBytes: 2048 });
  });

  test('reads the session caps from the environment', () => {
    const config = loadConfig({ SIGHTLINE_MAX_SESSION_MS: '60000', SIGHTLINE_MAX_SESSION_EVENTS: '500' });
    expect(config).toMatchObject({ maxSessionMs: 60_000, maxSessionEvents: 500 });
  });

  test('reads the window of event times from the environment, and names a bad value', () => {
    const config = loadConfig({ SIGHTLINE_MAX_PAST_SKEW_MS: '86400000', SIGHTLINE_MAX_FUTURE_SKEW_MS: '1000' });
    expect(config).toMatchObject({ maxPastSkewMs: 86_400_000, maxFutureSkewMs: 1000 });
    expect(() => loadConfig({ SIGHTLINE_MAX_PAST_SKEW_MS: '7d' })).toThrow(/SIGHTLINE_MAX_PAST_SKEW_MS/);
  });

  test('reads the matching budgets from the environment, and names a bad value', () => {
    const config = loadConfig({ SIGHTLINE_FUNNEL_MATCH_STEPS: '1000', SIGHTLINE_PAGE_KEY_STEPS: '500' });
    expect(config).toMatchObject({ funnelMatchSteps: 1000, maxPageKeySteps: 500 });
    expect(() => loadConfig({ SIGHTLINE_FUNNEL_MATCH_STEPS: 'lots' })).toThrow(/SIGHTLINE_FUNNEL_MATCH_STEPS/);
  });

  test('reads the admin token; only SIGHTLINE_REQUIRE_LOGIN=false turns login off', () => {
    expect(loadConfig({ SIGHTLINE_ADMIN_TOKEN: 's3cret' })).toMatchObject({ adminToken: 's3cret', requireLogin: true });
    expect(loadConfig({ SIGHTLINE_REQUIRE_LOGIN: 'false' }).requireLogin).toBe(false);
    expect(loadConfig({ SIGHTLINE_REQUIRE_LOGIN: 'no' }).requireLogin).toBe(true);
  });

  test('reads the asset proxy limits from the environment', () => {
    const config = loadConfig({
      SIGHTLINE_ASSET_MAX_BYTES: '1000',
      SIGHTLINE_ASSET_TIMEOUT_MS: '2000',
      SIGHTLINE_ASSET_CACHE_TTL_MS: '3000',
      SIGHTLINE_ASSET_CACHE_MAX_BYTES: '4000',
    });
    expect(config.assetProxy).toEqual({ maxBytes: 1000, timeoutMs: 2000, cacheTtlMs: 3000, cacheMaxBytes: 4000 });
  });

  test('reads the webhook settings and the public URL, and refuses a lease no longer than the timeout', () => {
    const config = loadConfig({
      SIGHTLINE_PUBLIC_URL: 'https://sightline.example/app/',
      SIGHTLINE_SESSION_IDLE_MS: '1000',
      SIGHTLINE_WEBHOOK_POLL_MS: '50',
      SIGHTLINE_WEBHOOK_TIMEOUT_MS: '2000',
      SIGHTLINE_WEBHOOK_LEASE_MS: '3000',
    });
    expect(config).toMatchObject({ publicUrl: 'https://sightline.example/app', sessionIdleMs: 1000 });
    expect(config.webhooks).toMatchObject({ pollMs: 50, timeoutMs: 2000, leaseMs: 3000 });
    expect(() => loadConfig({ SIGHTLINE_WEBHOOK_LEASE_MS: '10000' })).toThrow(/LEASE/);
    expect(() => loadConfig({ SIGHTLINE_PUBLIC_URL: 'ftp://x' })).toThrow(/SIGHTLINE_PUBLIC_URL/);
  });

  test('reads the outbound allow-list: comma-separated, blanks ignored', () => {
    const config = loadConfig({ SIGHTLINE_OUTBOUND_ALLOW: ' hooks.internal, 10.0.0.0/8,,*.corp.example , fd00::/8,' });
    expect(config.outbound).toEqual({ allow: ['hooks.internal', '10.0.0.0/8', '*.corp.example', 'fd00::/8'] });
  });

  test.each(['10.0.0.0/33', 'http://hooks.internal', '10.0.0.1/8', 'hooks internal', '*'])('refuses SIGHTLINE_OUTBOUND_ALLOW=%s, naming the variable', (value) => {
    expect(() => loadConfig({ SIGHTLINE_OUTBOUND_ALLOW: value })).toThrow(/^SIGHTLINE_OUTBOUND_ALLOW: .*not a host name/);
  });

  test.each(['eighty', '-1', '1.5'])('refuses PORT=%s', (port) => {
    expect(() => loadConfig({ PORT: port })).toThrow(/PORT/);
  });
});
