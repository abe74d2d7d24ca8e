/**
 * Which recorded URLs go through the asset proxy, and the signed proxy URL they become. Pure: the events rewriting
 * and the CSS the proxy serves both map URLs through `createAssetUrlMapper`.
 */
import type { AssetMode } from '../storage/asset-store.ts';
import { assetUrlSignature } from './url-signature.ts';

/** The route that serves proxied assets. */
export const ASSET_ROUTE = '/api/assets';

/** Maps one URL from a recording or a stylesheet: the replacement, or undefined to leave it as it is. */
export type MapUrl = (url: string) => string | undefined;

/** What the proxy needs to know of a project's policy to decide on a URL. */
export interface AssetHostPolicy {
  mode: AssetMode;
  /** Origins listed for `proxy` mode, besides the project's ingest origins. */
  origins: readonly string[];
  projectOrigins: readonly string[];
}

export interface AssetUrlOptions {
  /** The project whose policy allowed the URL; the proxy checks it again on every request. */
  projectKey: string;
  /** Whether the proxy fetches this URL for the project (see `acceptsAssetUrl`); other URLs stay as recorded. */
  accepts: (url: URL) => boolean;
  /** The installation's key for signing proxy URLs (see url-signature.ts). */
  urlKey: string;
  /** The origins the viewer is open at: their URLs already pass its CSP, so they stay as they are. Defaults to none. */
  ownOrigins?: ReadonlySet<string>;
  /** URL that relative references resolve against (a stylesheet's own URL); without it only absolute URLs map. */
  base?: string;
}

/** The same-origin URL that serves `url` through the proxy for the project, signed so the proxy accepts it. */
export function proxyPath(projectKey: string, url: string, urlKey: string): string {
  return `${ASSET_ROUTE}?${new URLSearchParams({ project: projectKey, url, sig: assetUrlSignature(urlKey, projectKey, url) })}`;
}

/**
 * Whether the proxy may fetch `url` for a project: in `public` mode any http(s) URL (the outbound policy then refuses
 * every internal address, at each fetch), in `proxy` mode only one on a listed or ingest origin, in `block` mode none.
 */
export function acceptsAssetUrl(policy: AssetHostPolicy, url: URL): boolean {
  if (policy.mode === 'public') return true;
  if (policy.mode === 'proxy') return policy.origins.includes(url.origin) || policy.projectOrigins.includes(url.origin);
  return false;
}

/** The URL when it is absolute http(s) without credentials (which fetch refuses and no asset needs), else undefined. */
export function parseAssetUrl(text: string, base?: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  return url;
}

const ABSOLUTE_HTTP = /^https?:\/\//i;
/** References that never reach a network: in-document fragments (`url(#clip)`) and inline data. */
const LOCAL_REFERENCE = /^(?:#|data:|blob:|about:)/i;

export function createAssetUrlMapper({ projectKey, accepts, urlKey, ownOrigins, base }: AssetUrlOptions): MapUrl {
  // A page repeats its URLs (the same icon in every product card): sign each once per mapper.
  const signed = new Map<string, string>();
  return (raw) => {
    const text = raw.trim();
    if (text === '' || LOCAL_REFERENCE.test(text)) return undefined;
    const absolute = ABSOLUTE_HTTP.test(text);
    // rrweb records absolute URLs; a relative one in a recording would resolve against the viewer, so leave it.
    if (!absolute && base === undefined) return undefined;
    const url = parseAssetUrl(text, base);
    if (!url || ownOrigins?.has(url.origin)) return undefined;
    if (accepts(url)) {
      let path = signed.get(url.href);
      if (path === undefined) signed.set(url.href, (path = proxyPath(projectKey, url.href, urlKey)));
      return path;
    }
    // A relative reference in proxied CSS would otherwise resolve against Sightline: made absolute, the CSP blocks it.
    return absolute ? undefined : url.href;
  };
}
