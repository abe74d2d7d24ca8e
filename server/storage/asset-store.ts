/** The part of the Store behind the asset proxy: each project's asset policy and the cache of fetched assets. */
import type { Database } from './db.ts';
import { parseStringList } from './projects.ts';

/**
 * How replays of a project get the images, fonts and styles its pages loaded from other hosts. `public` (the default
 * of new projects): through Sightline's proxy from any public host; `proxy`: through the proxy from listed origins
 * only; `block`: not at all.
 */
export type AssetMode = 'public' | 'proxy' | 'block';

const MODES: ReadonlySet<string> = new Set<AssetMode>(['public', 'proxy', 'block']);
/** Where migration 14 put the key that signs proxy URLs. */
export const ASSET_URL_KEY_SETTING = 'asset_url_key';

/** What the proxy and the rewriting need to know of one project. */
export interface ProjectAssetPolicy {
  projectKey: string;
  mode: AssetMode;
  /** Origins the proxy may fetch from in `proxy` mode, besides the project's allowed ingest origins; kept in the others. */
  origins: string[];
  /** The project's allowed ingest origins (projects.allowed_origins): the store's own pages count as asset hosts too. */
  projectOrigins: string[];
}

/** One fetched asset as the upstream sent it. */
export interface CachedAsset {
  /** The URL asked for: the cache key. */
  url: string;
  /** Where redirects led; relative URLs inside CSS resolve against it. */
  finalUrl: string;
  /** The normalized media type it is served with (`image/png`, `text/css`). */
  contentType: string;
  body: Buffer;
  /** When it was fetched, ms since epoch. */
  fetchedAt: number;
}

export interface CacheLimits {
  /** Entries fetched before this (ms since epoch) are expired: never served, and dropped on the next write. */
  freshSince: number;
  /** Total body bytes kept; past it the oldest entries go first. */
  maxTotalBytes: number;
}

export interface AssetStore {
  /** The project's asset policy, or undefined when no project has the id. */
  getAssetPolicy(projectId: number): Promise<ProjectAssetPolicy | undefined>;
  /** The installation's key for signing proxy URLs; the same for the life of the database. */
  assetUrlKey(): Promise<string>;
  /** Replaces the project's mode and proxy origins; false when no project has the id. */
  setAssetPolicy(projectId: number, policy: { mode: AssetMode; origins: readonly string[] }): Promise<boolean>;
  /** The cached asset for the URL when it was fetched at or after `freshSince`, else undefined. */
  readCachedAsset(url: string, freshSince: number): Promise<CachedAsset | undefined>;
  /** Stores (or replaces) an asset, then drops expired entries and the oldest until the total fits. */
  cacheAsset(asset: CachedAsset, limits: CacheLimits): Promise<void>;
}

interface PolicyRow {
  key: string;
  asset_mode: string;
  asset_origins: string;
  allowed_origins: string;
}

interface CacheRow {
  final_url: string;
  content_type: string;
  fetched_at: number;
  body: Buffer;
}

export function createSqliteAssetStore(db: Database): AssetStore {
  const policyOf = db.prepare<[number], PolicyRow>(
    'SELECT key, asset_mode, asset_origins, allowed_origins FROM projects WHERE id = ?',
  );
  const updatePolicy = db.prepare<[string, string, number]>('UPDATE projects SET asset_mode = ?, asset_origins = ? WHERE id = ?');
  const readAsset = db.prepare<[string, number], CacheRow>(
    'SELECT final_url, content_type, fetched_at, body FROM asset_cache WHERE url = ? AND fetched_at >= ?',
  );
  const writeAsset = db.prepare<[string, string, string, number, number, Buffer]>(
    `INSERT INTO asset_cache (url, final_url, content_type, bytes, fetched_at, body) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (url) DO UPDATE SET final_url = excluded.final_url, content_type = excluded.content_type,
       bytes = excluded.bytes, fetched_at = excluded.fetched_at, body = excluded.body`,
  );
  const dropExpired = db.prepare<[number]>('DELETE FROM asset_cache WHERE fetched_at < ?');
  // Newest first, a running total: every entry from the one that crosses the cap onwards is older, and goes.
  const dropOldestOverCap = db.prepare<[number]>(
    `DELETE FROM asset_cache WHERE url IN (
       SELECT url FROM (SELECT url, SUM(bytes) OVER (ORDER BY fetched_at DESC, url DESC) AS kept FROM asset_cache)
       WHERE kept > ?)`,
  );
  const readKey = db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck();
  let urlKey: string | undefined;
  const store = db.transaction((asset: CachedAsset, limits: CacheLimits) => {
    // One asset larger than the whole cache would evict everything else and then itself.
    if (asset.body.length <= limits.maxTotalBytes) {
      writeAsset.run(asset.url, asset.finalUrl, asset.contentType, asset.body.length, asset.fetchedAt, asset.body);
    }
    dropExpired.run(limits.freshSince);
    dropOldestOverCap.run(limits.maxTotalBytes);
  });

  return {
    async getAssetPolicy(projectId) {
      const row = policyOf.get(projectId);
      if (!row) return undefined;
      return {
        projectKey: row.key,
        // The column's CHECK allows only these; anything else would be a hand edit, and blocks.
        mode: MODES.has(row.asset_mode) ? (row.asset_mode as AssetMode) : 'block',
        origins: parseStringList(row.asset_origins),
        projectOrigins: parseStringList(row.allowed_origins),
      };
    },

    async assetUrlKey() {
      urlKey ??= readKey.get(ASSET_URL_KEY_SETTING);
      if (urlKey === undefined) throw new Error(`The database has no ${ASSET_URL_KEY_SETTING}: was it migrated?`);
      return urlKey;
    },

    async setAssetPolicy(projectId, { mode, origins }) {
      return updatePolicy.run(mode, JSON.stringify(origins), projectId).changes > 0;
    },

    async readCachedAsset(url, freshSince) {
      const row = readAsset.get(url, freshSince);
      if (!row) return undefined;
      return { url, finalUrl: row.final_url, contentType: row.content_type, body: row.body, fetchedAt: row.fetched_at };
    },

    async cacheAsset(asset, limits) {
      store.immediate(asset, limits);
    },
  };
}
