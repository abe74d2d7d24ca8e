/**
 * Signed proxy URLs: the asset proxy fetches a URL only when it carries Sightline's own signature for that project,
 * which the events routes add to every URL they rewrite and the proxy to every URL inside CSS it serves. So the
 * proxy reaches only what a recording of the project (or a stylesheet fetched for it) names, never a URL a caller
 * typed: it is not an open proxy, even in `public` mode, where any public host may serve a recorded asset.
 *
 * HMAC-SHA256 under the installation's key (settings.asset_url_key, made by migration 14), over the project key and
 * the URL, cut to 128 bits: nothing to store per URL, and every server sharing the database checks the same way.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signature length in base64url characters: 22 characters carry 132 bits, past any guessing. */
const SIGNATURE_LENGTH = 22;

export function assetUrlSignature(key: string, projectKey: string, url: string): string {
  // The newline cannot occur in a project key, so (project, url) pairs never collide.
  return createHmac('sha256', key).update(`${projectKey}\n${url}`, 'utf8').digest('base64url').slice(0, SIGNATURE_LENGTH);
}

/** Whether `signature` is the project's signature of `url`, compared in constant time. */
export function isAssetUrlSignature(key: string, projectKey: string, url: string, signature: string | undefined): boolean {
  if (signature === undefined || signature.length !== SIGNATURE_LENGTH) return false;
  const expected = Buffer.from(assetUrlSignature(key, projectKey, url));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
