/**
 * One upstream fetch for the asset proxy, inside hard limits: only allowed hosts (redirects included), a
 * deadline over the whole exchange, a byte cap enforced while the body streams in, and only image, font and CSS
 * types. Sends no cookies, credentials or referrer: Node's fetch has no cookie jar, and no header of the viewer's
 * request is passed on. Every failure is an HttpError with its own code.
 */
import { HttpError } from '../http/errors.ts';
import { parseAssetUrl } from './asset-urls.ts';
import { decideType, sniffType } from './content-types.ts';

/** Redirects followed at most; each must stay on an allowed origin. */
export const MAX_REDIRECTS = 3;

export interface UpstreamLimits {
  /** Largest body accepted, bytes. */
  maxBytes: number;
  /** Deadline for the whole exchange, redirects and body included, ms. */
  timeoutMs: number;
}

export interface FetchedAsset {
  /** Where the last redirect led. */
  finalUrl: string;
  /** The normalized type to serve it with. */
  contentType: string;
  body: Buffer;
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

function upstreamError(code: string, message: string): HttpError {
  return new HttpError(502, code, message);
}

/** Reads the body, cancelling the stream (and so the connection) the moment it passes `maxBytes`. */
async function readCapped(response: Response, maxBytes: number, url: URL): Promise<Buffer> {
  const tooLarge = () => upstreamError('asset_too_large', `${url.href} is larger than ${maxBytes} bytes`);
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** Follows redirects by hand, so every hop is checked against `isAllowed` before it is requested. */
async function followRedirects(start: URL, isAllowed: (url: URL) => boolean, signal: AbortSignal): Promise<{ response: Response; url: URL }> {
  let url = start;
  for (let redirects = 0; ; redirects++) {
    const response = await fetch(url, {
      redirect: 'manual',
      signal,
      headers: { accept: 'image/*,font/*,text/css,*/*;q=0.1', 'user-agent': 'Sightline-asset-proxy' },
    });
    if (!REDIRECT_STATUSES.has(response.status)) return { response, url };
    await response.body?.cancel();
    const location = response.headers.get('location');
    const next = location === null ? undefined : parseAssetUrl(location, url.href);
    if (!next || !isAllowed(next)) {
      throw upstreamError('asset_redirect_not_allowed', `${url.href} redirects to ${location ?? 'nowhere'}, which is not an allowed asset origin`);
    }
    if (redirects >= MAX_REDIRECTS) throw upstreamError('asset_too_many_redirects', `${start.href} redirects more than ${MAX_REDIRECTS} times`);
    url = next;
  }
}

async function fetchWithin(start: URL, isAllowed: (url: URL) => boolean, limits: UpstreamLimits, signal: AbortSignal): Promise<FetchedAsset> {
  const { response, url } = await followRedirects(start, isAllowed, signal);
  if (!response.ok) {
    await response.body?.cancel();
    throw upstreamError('asset_upstream_status', `${url.href} answered ${response.status}`);
  }
  const header = response.headers.get('content-type');
  const decision = decideType(header);
  const refused = () => upstreamError('asset_type_refused', `${url.href} is ${header ?? 'untyped'}, not an image, font or stylesheet`);
  if (decision.kind === 'refuse') {
    await response.body?.cancel();
    throw refused();
  }
  const body = await readCapped(response, limits.maxBytes, url);
  const contentType = decision.kind === 'serve' ? decision.type : sniffType(body);
  if (!contentType) throw refused();
  return { finalUrl: url.href, contentType, body };
}

/** Fetches an asset from an allowed origin, or throws an HttpError saying why not. */
export async function fetchAsset(url: URL, isAllowed: (url: URL) => boolean, limits: UpstreamLimits): Promise<FetchedAsset> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), limits.timeoutMs);
  try {
    return await fetchWithin(url, isAllowed, limits, deadline.signal);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (deadline.signal.aborted) throw new HttpError(504, 'asset_timeout', `${url.href} did not answer within ${limits.timeoutMs} ms`);
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw upstreamError('asset_unreachable', `${url.href} could not be fetched: ${reason}`);
  } finally {
    clearTimeout(timer);
    // Whatever is still open (a body left unread on an error path) is closed with the exchange.
    deadline.abort();
  }
}
