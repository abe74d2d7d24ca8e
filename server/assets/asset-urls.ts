/**
 * Which recorded URLs go through the asset proxy, and the proxy URL they become. Pure: the events rewriting and the
 * CSS the proxy serves both map URLs through `createAssetUrlMapper`.
 */

/** The route that serves proxied assets. */
export const ASSET_ROUTE = '/api/assets';

/** Maps one URL from a recording or a stylesheet: the replacement, or undefined to leave it as it is. */
export type MapUrl = (url: string) => string | undefined;

export interface AssetUrlOptions {
  /** The project whose policy allowed the URL; the proxy checks it again on every request. */
  projectKey: string;
  /** Origins (`https://cdn.shop.example`) whose URLs are rewritten to go through the proxy. */
  allowedOrigins: ReadonlySet<string>;
  /** Sightline's own origin: its URLs already pass the viewer's CSP, so they stay as they are. Defaults to none. */
  ownOrigin?: string;
  /** URL that relative references resolve against (a stylesheet's own URL); without it only absolute URLs map. */
  base?: string;
}

/** The same-origin URL that serves `url` through the proxy for the project. */
export function proxyPath(projectKey: string, url: string): string {
  return `${ASSET_ROUTE}?${new URLSearchParams({ project: projectKey, url })}`;
}

/** Origins the proxy may fetch from for a project: its asset origins and its allowed ingest origins. */
export function allowedAssetOrigins(policy: { origins: readonly string[]; projectOrigins: readonly string[] }): Set<string> {
  return new Set([...policy.origins, ...policy.projectOrigins]);
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

export function createAssetUrlMapper({ projectKey, allowedOrigins, ownOrigin, base }: AssetUrlOptions): MapUrl {
  return (raw) => {
    const text = raw.trim();
    if (text === '' || LOCAL_REFERENCE.test(text)) return undefined;
    const absolute = ABSOLUTE_HTTP.test(text);
    // rrweb records absolute URLs; a relative one in a recording would resolve against the viewer, so leave it.
    if (!absolute && base === undefined) return undefined;
    const url = parseAssetUrl(text, base);
    if (!url || url.origin === ownOrigin) return undefined;
    if (allowedOrigins.has(url.origin)) return proxyPath(projectKey, url.href);
    // A relative reference in proxied CSS would otherwise resolve against Sightline: made absolute, the CSP blocks it.
    return absolute ? undefined : url.href;
  };
}
