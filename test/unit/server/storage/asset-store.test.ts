import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createSqliteAssetStore, type AssetStore, type CachedAsset } from '../../../../server/storage/asset-store.ts';
import { openDatabase, type Database } from '../../../../server/storage/db.ts';

const asset = (url: string, bytes: number, fetchedAt: number): CachedAsset => ({
  url,
  finalUrl: url,
  contentType: 'image/png',
  body: Buffer.alloc(bytes, 7),
  fetchedAt,
});

describe('storage | asset policy and cache', () => {
  let db: Database;
  let store: AssetStore;

  beforeEach(() => {
    db = openDatabase(':memory:');
    store = createSqliteAssetStore(db);
  });
  afterEach(() => db.close());

  test('a project keeps the mode and origins its policy says', async () => {
    expect(await store.setAssetPolicy(1, { mode: 'block', origins: [] })).toBe(true);
    expect(await store.getAssetPolicy(1)).toEqual({ projectKey: 'demo', mode: 'block', origins: [], projectOrigins: [] });
    expect(await store.setAssetPolicy(1, { mode: 'proxy', origins: ['https://cdn.shop.example'] })).toBe(true);
    db.prepare(`UPDATE projects SET allowed_origins = '["https://shop.example"]' WHERE id = 1`).run();
    expect(await store.getAssetPolicy(1)).toEqual({
      projectKey: 'demo',
      mode: 'proxy',
      origins: ['https://cdn.shop.example'],
      projectOrigins: ['https://shop.example'],
    });
    expect(await store.setAssetPolicy(99, { mode: 'proxy', origins: [] })).toBe(false);
    expect(await store.getAssetPolicy(99)).toBeUndefined();
  });

  test('the database refuses a mode other than public, proxy or block', () => {
    expect(() => db.prepare(`UPDATE projects SET asset_mode = 'open' WHERE id = 1`).run()).toThrow(/CHECK/);
  });

  test('a project inserted now starts in public mode, as does the demo project of a new database', async () => {
    const { lastInsertRowid } = db.prepare("INSERT INTO projects (key, name, created_at) VALUES ('shop', 'Shop', 1)").run();
    expect((await store.getAssetPolicy(Number(lastInsertRowid)))?.mode).toBe('public');
    expect(await store.getAssetPolicy(1)).toEqual({ projectKey: 'demo', mode: 'public', origins: [], projectOrigins: [] });
  });

  test('the URL-signing key is made once per database and stays', async () => {
    const key = await store.assetUrlKey();
    expect(key).toMatch(/^[\w-]{43}$/);
    expect(await createSqliteAssetStore(db).assetUrlKey()).toBe(key);
    const other = openDatabase(':memory:');
    try {
      expect(await createSqliteAssetStore(other).assetUrlKey()).not.toBe(key);
    } finally {
      other.close();
    }
  });

  test('serves a cached asset while fresh, and not after its TTL', async () => {
    await store.cacheAsset(asset('https://cdn/a.png', 10, 1_000), { freshSince: 0, maxTotalBytes: 1_000 });
    const hit = await store.readCachedAsset('https://cdn/a.png', 1_000);
    expect(hit).toMatchObject({ url: 'https://cdn/a.png', finalUrl: 'https://cdn/a.png', contentType: 'image/png', fetchedAt: 1_000 });
    expect(hit!.body.equals(Buffer.alloc(10, 7))).toBe(true);
    expect(await store.readCachedAsset('https://cdn/a.png', 1_001)).toBeUndefined();
    expect(await store.readCachedAsset('https://cdn/other.png', 0)).toBeUndefined();
  });

  test('evicts the oldest entries first once the total passes the cap, and drops expired ones', async () => {
    const limits = (now: number) => ({ freshSince: now - 10_000, maxTotalBytes: 100 });
    await store.cacheAsset(asset('https://cdn/1', 40, 1_000), limits(1_000));
    await store.cacheAsset(asset('https://cdn/2', 40, 2_000), limits(2_000));
    await store.cacheAsset(asset('https://cdn/3', 40, 3_000), limits(3_000));
    const urls = () => db.prepare('SELECT url FROM asset_cache ORDER BY fetched_at').pluck().all();
    expect(urls()).toEqual(['https://cdn/2', 'https://cdn/3']);
    // Refetching an entry replaces it and makes it the newest.
    await store.cacheAsset(asset('https://cdn/2', 40, 4_000), limits(4_000));
    await store.cacheAsset(asset('https://cdn/4', 30, 5_000), limits(5_000));
    expect(urls()).toEqual(['https://cdn/2', 'https://cdn/4']);
    // Much later: entry 2 and 4 have expired, whatever the room left.
    await store.cacheAsset(asset('https://cdn/5', 10, 20_000), limits(20_000));
    expect(urls()).toEqual(['https://cdn/5']);
    // An asset larger than the whole cache is not kept.
    await store.cacheAsset(asset('https://cdn/huge', 101, 21_000), limits(21_000));
    expect(urls()).toEqual(['https://cdn/5']);
  });
});
