/**
 * The asset proxy's decision and cache: a URL is served only when it carries Sightline's signature for the project
 * (so only URLs of its recordings, or of CSS served for it), the project proxies assets and its mode accepts the URL;
 * then from the database cache while fresh, else fetched once (concurrent requests for the same asset share one
 * fetch) and cached. CSS is cached as fetched and rewritten per project when served, so its url()s and @imports come
 * through the proxy too, signed in their turn.
 */
import type { AssetProxyConfig } from '../config.ts';
import { HttpError } from '../http/errors.ts';
import { sanitizeCss } from '../ingest/sanitize-css.ts';
import type { OutboundPolicy } from '../outbound/policy.ts';
import type { AssetStore, CachedAsset, ProjectAssetPolicy } from '../storage/asset-store.ts';
import { acceptsAssetUrl, createAssetUrlMapper } from './asset-urls.ts';
import { CSS_TYPE } from './content-types.ts';
import { rewriteCss } from './css-urls.ts';
import { fetchAsset } from './upstream.ts';
import { isAssetUrlSignature } from './url-signature.ts';

export interface AssetAnswer {
  contentType: string;
  body: Buffer;
}

export interface AssetProxy {
  /**
   * The asset for the project, or an HttpError: 403 when the signature is wrong or the project's or the outbound
   * policy refuses it, 502/504 when the upstream fails.
   */
  serve(policy: ProjectAssetPolicy, url: URL, signature: string | undefined): Promise<AssetAnswer>;
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
  /** Fetches under way, by project and URL (redirects are checked against the project's policy). */
  const inFlight = new Map<string, Promise<CachedAsset>>();

  async function fetchAndCache(url: URL, policy: ProjectAssetPolicy): Promise<CachedAsset> {
    const fetched = await fetchAsset(url, (candidate) => acceptsAssetUrl(policy, candidate), outbound, limits);
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

  async function load(url: URL, policy: ProjectAssetPolicy): Promise<CachedAsset> {
    const cached = await store.readCachedAsset(url.href, now() - limits.cacheTtlMs);
    // Cached for another project, or before the origins changed: a cached redirect target must be allowed for this one.
    if (cached && acceptsAssetUrl(policy, new URL(cached.finalUrl))) return cached;
    const key = `${policy.projectKey}\n${url.href}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = fetchAndCache(url, policy).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  return {
    async serve(policy, url, signature) {
      const urlKey = await store.assetUrlKey();
      if (!isAssetUrlSignature(urlKey, policy.projectKey, url.href, signature)) {
        throw new HttpError(403, 'asset_not_signed', `${url.href} was not handed out by Sightline for a replay of project "${policy.projectKey}"`);
      }
      if (policy.mode === 'block') {
        throw new HttpError(403, 'assets_blocked', `Project "${policy.projectKey}" blocks recorded assets; set its asset mode to public or proxy to serve them`);
      }
      if (!acceptsAssetUrl(policy, url)) {
        throw new HttpError(403, 'asset_host_not_allowed', `${url.origin} is not an asset origin of project "${policy.projectKey}"`);
      }
      const asset = await load(url, policy);
      if (asset.contentType !== CSS_TYPE) return { contentType: asset.contentType, body: asset.body };
      const map = createAssetUrlMapper({
        projectKey: policy.projectKey,
        accepts: (candidate) => acceptsAssetUrl(policy, candidate),
        urlKey,
        base: asset.finalUrl,
      });
      const css = rewriteCss(sanitizeCss(asset.body.toString('utf8')), map);
      return { contentType: `${CSS_TYPE}; charset=utf-8`, body: Buffer.from(css, 'utf8') };
    },
  };
}
