/**
 * One upstream fetch for the asset proxy, inside hard limits: only allowed origins whose addresses the outbound
 * policy accepts (each redirect hop checked again), a deadline over the whole exchange, a byte cap enforced while the
 * body streams in, and only image, font and CSS types. Sends no cookies, credentials or referrer: there is no
 * cookie jar, and no header of the viewer's request is passed on. Every failure is an HttpError with its own code.
 */
import { HttpError } from '../http/errors.ts';
import { OutboundRefused, type OutboundPolicy } from '../outbound/policy.ts';
import { failureDetail, type OutboundResponse } from '../outbound/request.ts';
import { parseAssetUrl } from './asset-urls.ts';
import { decideType, sniffType } from './content-types.ts';
import type { ReasonCode } from '../../contract/reason-codes.ts';

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

function upstreamError(code: ReasonCode, message: string): HttpError {
  return new HttpError(502, code, message);
}

/** The outbound policy's refusals, as the proxy's own codes: 403 for an address it will not reach, 502 for a name that does not resolve. */
function refusalError(refusal: OutboundRefused): HttpError {
  return refusal.code === 'forbidden_address'
    ? new HttpError(403, 'asset_forbidden_address', refusal.message)
    : upstreamError('asset_unresolvable', refusal.message);
}

/** Reads the body, destroying the stream (and so the connection) the moment it passes `maxBytes`. */
async function readCapped(response: OutboundResponse, maxBytes: number, url: URL): Promise<Buffer> {
  const tooLarge = () => upstreamError('asset_too_large', `${url.href} is larger than ${maxBytes} bytes`);
  const declared = Number(response.header('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      response.body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** Follows redirects by hand, so every hop is checked against `isAllowed` and the outbound policy before it is requested. */
async function followRedirects(
  start: URL,
  isAllowed: (url: URL) => boolean,
  outbound: OutboundPolicy,
  signal: AbortSignal,
): Promise<{ response: OutboundResponse; url: URL }> {
  let url = start;
  for (let redirects = 0; ; redirects++) {
    const response = await outbound.request(url, {
      method: 'GET',
      signal,
      headers: { accept: 'image/*,font/*,text/css,*/*;q=0.1', 'user-agent': 'Sightline-asset-proxy' },
    });
    if (!REDIRECT_STATUSES.has(response.status)) return { response, url };
    response.body.destroy();
    const location = response.header('location') ?? null;
    const next = location === null ? undefined : parseAssetUrl(location, url.href);
    if (!next || !isAllowed(next)) {
      throw upstreamError('asset_redirect_not_allowed', `${url.href} redirects to ${location ?? 'nowhere'}, which is not an allowed asset origin`);
    }
    if (redirects >= MAX_REDIRECTS) throw upstreamError('asset_too_many_redirects', `${start.href} redirects more than ${MAX_REDIRECTS} times`);
    url = next;
  }
}

async function fetchWithin(start: URL, isAllowed: (url: URL) => boolean, outbound: OutboundPolicy, limits: UpstreamLimits, signal: AbortSignal): Promise<FetchedAsset> {
  const { response, url } = await followRedirects(start, isAllowed, outbound, signal);
  if (response.status < 200 || response.status > 299) {
    response.body.destroy();
    throw upstreamError('asset_upstream_status', `${url.href} answered ${response.status}`);
  }
  const header = response.header('content-type') ?? null;
  const decision = decideType(header);
  const refused = () => upstreamError('asset_type_refused', `${url.href} is ${header ?? 'untyped'}, not an image, font or stylesheet`);
  if (decision.kind === 'refuse') {
    response.body.destroy();
    throw refused();
  }
  const body = await readCapped(response, limits.maxBytes, url);
  const contentType = decision.kind === 'serve' ? decision.type : sniffType(body);
  if (!contentType) throw refused();
  return { finalUrl: url.href, contentType, body };
}

/** Fetches an asset from an allowed origin through the outbound policy, or throws an HttpError saying why not. */
export async function fetchAsset(url: URL, isAllowed: (url: URL) => boolean, outbound: OutboundPolicy, limits: UpstreamLimits): Promise<FetchedAsset> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), limits.timeoutMs);
  try {
    return await fetchWithin(url, isAllowed, outbound, limits, deadline.signal);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (error instanceof OutboundRefused) throw refusalError(error);
    if (deadline.signal.aborted) throw new HttpError(504, 'asset_timeout', `${url.href} did not answer within ${limits.timeoutMs} ms`);
    throw upstreamError('asset_unreachable', `${url.href} could not be fetched: ${failureDetail(error)}`);
  } finally {
    clearTimeout(timer);
    // Whatever is still open (a body left unread on an error path) is closed with the exchange.
    deadline.abort();
  }
}
