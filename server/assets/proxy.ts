/**
 * The asset proxy's decision and cache: a URL is served only when the project proxies assets and the URL's origin
 * is one it allows; then from the database cache while fresh, else fetched once (concurrent requests for the same
 * asset share one fetch) and cached. CSS is cached as fetched and rewritten per project when served, so its
 * url()s and @imports come through the proxy too.
 */
import type { AssetProxyConfig } from '../config.ts';
import { HttpError } from '../http/errors.ts';
import { sanitizeCss } from '../ingest/sanitize-css.ts';
import type { OutboundPolicy } from '../outbound/policy.ts';
import type { AssetStore, CachedAsset, ProjectAssetPolicy } from '../storage/asset-store.ts';
import { allowedAssetOrigins, createAssetUrlMapper } from './asset-urls.ts';
import { CSS_TYPE } from './content-types.ts';
import { rewriteCss } from './css-urls.ts';
import { fetchAsset } from './upstream.ts';

export interface AssetAnswer {
  contentType: string;
  body: Buffer;
}

export interface AssetProxy {
  /** The asset for the project, or an HttpError: 403 when the project's or the outbound policy refuses it, 502/504 when the upstream fails. */
  serve(policy: ProjectAssetPolicy, url: URL): Promise<AssetAnswer>;
}

export function createAssetProxy({
  store,
  limits,
  outbound,
  now = Date.now,
}: {
  store: AssetStore;
  limits: AssetProxyConfig;
  /** Every upstream request goes through it, each redirect hop included. */
  outbound: OutboundPolicy;
  /** Clock for cache freshness, ms since epoch. Defaults to Date.now. */
  now?: () => number;
}): AssetProxy {
  /** Fetches under way, by project and URL (redirects are checked against the project's origins). */
  const inFlight = new Map<string, Promise<CachedAsset>>();

  async function fetchAndCache(url: URL, allowed: ReadonlySet<string>): Promise<CachedAsset> {
    const fetched = await fetchAsset(url, (candidate) => allowed.has(candidate.origin), outbound, limits);
    const fetchedAt = now();
    const asset: CachedAsset = { url: url.href, ...fetched, fetchedAt };
    try {
      await store.cacheAsset(asset, { freshSince: fetchedAt - limits.cacheTtlMs, maxTotalBytes: limits.cacheMaxBytes });
    } catch (error) {
      // The cache saves upstream requests; failing to write it must not fail the replay.
      console.error('Sightline: could not cache an asset', error);
    }
    return asset;
  }

  async function load(url: URL, policy: ProjectAssetPolicy, allowed: ReadonlySet<string>): Promise<CachedAsset> {
    const cached = await store.readCachedAsset(url.href, now() - limits.cacheTtlMs);
    // The origins may have changed since: a cached redirect target must still be allowed.
    if (cached && allowed.has(new URL(cached.finalUrl).origin)) return cached;
    const key = `${policy.projectKey}\n${url.href}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = fetchAndCache(url, allowed).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  return {
    async serve(policy, url) {
      if (policy.mode !== 'proxy') {
        throw new HttpError(403, 'assets_blocked', `Project "${policy.projectKey}" blocks recorded assets; set its asset mode to proxy to serve them`);
      }
      const allowed = allowedAssetOrigins(policy);
      if (!allowed.has(url.origin)) {
        throw new HttpError(403, 'asset_host_not_allowed', `${url.origin} is not an asset origin of project "${policy.projectKey}"`);
      }
      const asset = await load(url, policy, allowed);
      if (asset.contentType !== CSS_TYPE) return { contentType: asset.contentType, body: asset.body };
      const map = createAssetUrlMapper({ projectKey: policy.projectKey, allowedOrigins: allowed, base: asset.finalUrl });
      const css = rewriteCss(sanitizeCss(asset.body.toString('utf8')), map);
      return { contentType: `${CSS_TYPE}; charset=utf-8`, body: Buffer.from(css, 'utf8') };
    },
  };
}
