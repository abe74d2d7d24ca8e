/**
 * The same-origin guard against cross-site request forgery. SameSite=Strict keeps the sign-in cookie off requests
 * other *sites* start, but another origin of the same site (another port of the host, or `shop.example.com` beside
 * `sightline.example.com`) still gets it sent. So every state-changing request that rides on an ambient credential
 * (the cookie, or nothing at all when login is off) must say it comes from the viewer's own origin.
 *
 * The viewer's own origin is the request's own: the scheme it arrived over (with SIGHTLINE_TRUST_PROXY, the
 * right-most X-Forwarded-Proto, which a proxy terminating TLS sets) and its Host header; plus SIGHTLINE_PUBLIC_URL's
 * origin when set, for a proxy that rewrites Host. Neither can be steered by another page: a browser sets Host to
 * the server it talks to, and cannot add X-Forwarded-Proto to a cross-origin request without a preflight we never
 * grant.
 *
 * Where a request comes from: its Origin header, which browsers send with every POST, PUT, PATCH and DELETE; else
 * Sec-Fetch-Site, which only `same-origin` passes. A cookie-borne state change with neither is refused: every
 * browser that keeps our cookie sends one, and scripts use a Bearer token. A request without a credential to abuse
 * (POST /api/login, /api/logout) or with login off may come without either, from a script; when a browser names an
 * origin it must still be ours, so another page cannot sign a viewer in as someone else (login CSRF) or out.
 */
import type { Request, RequestHandler } from 'express';
import type { Config } from '../config.ts';
import { credentialSource } from './credential.ts';
import { HttpError } from './errors.ts';

export type SameOriginConfig = Pick<Config, 'trustProxy' | 'publicUrl'>;

/** Methods that never change state here: no GET or HEAD route has a side effect; OPTIONS is a preflight. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Public calls that take no ambient credential but must not be started by another page. */
const SIGN_IN_PATHS = new Set(['/api/login', '/api/logout']);

/** `scheme://host[:port]` as URL normalizes it (lower case, default port dropped), or undefined when not an origin. */
function normalizedOrigin(text: string): string | undefined {
  try {
    const { origin } = new URL(text);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** The origins the viewer may be open at for this request: its own, and SIGHTLINE_PUBLIC_URL's. */
export function viewerOrigins(req: Request, config: SameOriginConfig): Set<string> {
  const forwarded = config.trustProxy ? req.get('x-forwarded-proto')?.split(',').at(-1)?.trim().toLowerCase() : undefined;
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const scheme = forwarded === 'https' || forwarded === 'http' ? forwarded : encrypted ? 'https' : 'http';
  const host = req.get('host');
  const origins = new Set<string>();
  const own = host ? normalizedOrigin(`${scheme}://${host}`) : undefined;
  if (own) origins.add(own);
  const publicOrigin = config.publicUrl ? normalizedOrigin(config.publicUrl) : undefined;
  if (publicOrigin) origins.add(publicOrigin);
  return origins;
}

export type RequestSite = 'viewer' | 'elsewhere' | 'unsaid';

/** Where the request says it comes from: the viewer's origin, elsewhere (`Origin: null` included), or nothing said. */
export function requestSite(req: Request, config: SameOriginConfig): RequestSite {
  const origin = req.get('origin');
  if (origin !== undefined) {
    const normalized = normalizedOrigin(origin);
    return normalized !== undefined && viewerOrigins(req, config).has(normalized) ? 'viewer' : 'elsewhere';
  }
  const fetchSite = req.get('sec-fetch-site');
  if (fetchSite !== undefined) return fetchSite.trim().toLowerCase() === 'same-origin' ? 'viewer' : 'elsewhere';
  return 'unsaid';
}

const crossOrigin = () =>
  new HttpError(403, 'cross_origin_request', "Changes signed in by cookie must come from the viewer's own origin");

/**
 * Mount after the login guard, which records how each request proved who it is. Bearer-token calls and the public
 * ingest and events routes pass untouched.
 */
export function requireSameOrigin(config: SameOriginConfig): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const source = credentialSource(req);
    const signInCall = SIGN_IN_PATHS.has(req.path);
    if (source !== 'cookie' && source !== 'open' && !signInCall) return next();
    const site = requestSite(req, config);
    if (site === 'viewer' || (site === 'unsaid' && source !== 'cookie')) return next();
    throw crossOrigin();
  };
}
