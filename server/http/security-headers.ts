import type { RequestHandler } from 'express';

/**
 * The viewer's Content-Security-Policy. Replays are untrusted pages rebuilt in a same-origin iframe, so this policy
 * also governs what a recording may load: nothing but our own origin, so nothing in a replay can call a host the
 * admin has not allowed. A project in "block" mode gets recorded images, fonts and styles from other hosts blocked
 * right here; in "public" (the default of new projects) and "proxy" mode the events routes rewrite the URLs the
 * mode accepts to /api/assets, which is same-origin and passes, while every other URL stays blocked.
 */
const contentSecurityPolicy = [
  // Anything not named below: our own origin only.
  "default-src 'self'",
  // Our bundles and heatmap.js, which the viewer loads as a same-origin classic script; no inline or eval.
  "script-src 'self'",
  // rrweb-player, Svelte transitions and replayed pages set inline styles; recorded stylesheets from other hosts stay out.
  "style-src 'self' 'unsafe-inline'",
  // data: for the favicon and inlined recorded images, blob: for canvas snapshots rebuilt during replay.
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  // Only our own API.
  "connect-src 'self'",
  // rrweb rebuilds each recording in an about:blank iframe (sandboxed, allow-same-origin only).
  "frame-src 'self' about: blob:",
  // Nobody may frame the viewer (clickjacking); X-Frame-Options below says the same to older browsers.
  "frame-ancestors 'none'",
  // A recorded <base> would otherwise re-point every relative URL.
  "base-uri 'none'",
  // The viewer posts no forms; a recorded form must not submit anywhere.
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/** Header name → value, each with the reason it is sent. */
const viewerHeaders: Record<string, string> = {
  'Content-Security-Policy': contentSecurityPolicy,
  // Files are what their Content-Type says: a recorded upload never turns into a script by sniffing.
  'X-Content-Type-Options': 'nosniff',
  // Session URLs name sessions; other sites need not learn them.
  'Referrer-Policy': 'no-referrer',
  // frame-ancestors for browsers that predate it.
  'X-Frame-Options': 'DENY',
  // A page we open (or that opens us) gets no window handle into the viewer.
  'Cross-Origin-Opener-Policy': 'same-origin',
  // The viewer needs none of these powers; a replayed page must not ask for them either.
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
};

/**
 * What store pages load from us cross-origin, and the demo store, which plays a store and so gets no viewer policy
 * (frame-ancestors or script-src there would break what stores do with their own pages).
 */
function isForStores(path: string): boolean {
  return path === '/api/ingest' || path.startsWith('/recorder.') || path === '/demo' || path.startsWith('/demo/');
}

/** Security headers on everything the viewer and its API serve; mount before every router. */
export function securityHeaders(): RequestHandler {
  const entries = Object.entries(viewerHeaders);
  return (req, res, next) => {
    if (!isForStores(req.path)) for (const [name, value] of entries) res.setHeader(name, value);
    next();
  };
}
