/**
 * Webhook signatures: `Sightline-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with the
 * webhook's secret. Signing the timestamp with the body lets a receiver refuse an old request replayed by someone
 * who captured it; signing the raw body means receivers must verify the bytes as received, before parsing JSON.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How old (or how far in the future) a signature's timestamp may be for verifySignature by default, in seconds. */
export const DEFAULT_TOLERANCE_S = 300;

/** The hex HMAC-SHA256 of `<t>.<body>`. */
export function signPayload(secret: string, timestampS: number, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestampS}.`).update(body).digest('hex');
}

/** The Sightline-Signature header for a body sent at `timestampS` (unix seconds). */
export function signatureHeader(secret: string, body: string | Uint8Array, timestampS: number): string {
  return `t=${timestampS},v1=${signPayload(secret, timestampS, body)}`;
}

/** `t` and every `v1` of a header; null when it has no usable `t`. */
export function parseSignatureHeader(header: string): { timestampS: number; signatures: string[] } | null {
  let timestampS: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestampS = Number(value);
    else if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  return timestampS === null ? null : { timestampS, signatures };
}

/**
 * True when `header` (Sightline-Signature) signs `body` (the raw request body) with `secret`, and its timestamp lies
 * within `toleranceS` seconds of `now` (ms since epoch). Compares in constant time. For receivers: see docs/api.md, Webhooks.
 */
export function verifySignature(
  secret: string,
  header: string | null | undefined,
  body: string | Uint8Array,
  now: number = Date.now(),
  toleranceS: number = DEFAULT_TOLERANCE_S,
): boolean {
  const parsed = header ? parseSignatureHeader(header) : null;
  if (!parsed || Math.abs(now / 1000 - parsed.timestampS) > toleranceS) return false;
  const expected = Buffer.from(signPayload(secret, parsed.timestampS, body), 'hex');
  return parsed.signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
}
