import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
  /** Events per page of the events API; pages hold whole chunks, so a few more. Defaults to 2000. */
  eventsPageSize: number;
  /** Gaps between user inputs longer than this do not count as active time, in ms. Defaults to 5000. */
  activityGapMs: number;
  /** Build output holding recorder/ and viewer/ (env SIGHTLINE_DIST). Defaults to <repo>/dist. */
  distDir: string;
  /** The demo store's static files, served at /demo/ (env SIGHTLINE_DEMO). Defaults to <repo>/demo. */
  demoDir: string;
}

export const defaultConfig: Config = {
  port: 8787,
  dbPath: './data/sightline.db',
  maxBodyBytes: 1024 * 1024,
  maxInflatedBytes: 16 * 1024 * 1024,
  maxEventsPerBatch: 10_000,
  eventsPageSize: 2000,
  activityGapMs: 5000,
  distDir: join(repoRoot, 'dist'),
  demoDir: join(repoRoot, 'demo'),
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    ...defaultConfig,
    port: positiveInt(env, 'PORT', defaultConfig.port),
    dbPath: env.SIGHTLINE_DB || defaultConfig.dbPath,
    maxBodyBytes: positiveInt(env, 'SIGHTLINE_MAX_BODY_BYTES', defaultConfig.maxBodyBytes),
    maxInflatedBytes: positiveInt(env, 'SIGHTLINE_MAX_INFLATED_BYTES', defaultConfig.maxInflatedBytes),
    distDir: env.SIGHTLINE_DIST || defaultConfig.distDir,
    demoDir: env.SIGHTLINE_DEMO || defaultConfig.demoDir,
  };
}
