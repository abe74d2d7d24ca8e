/**
 * The outbound request policy: the one way the server makes a request to a URL someone configured (webhook
 * receivers, the asset proxy's hosts). It resolves the host once, refuses unless every address it resolves to is
 * public (or allowed by the operator), and then connects to exactly those addresses, so a DNS answer that changes
 * between the check and the connection (rebinding) cannot move the request inward. No redirect is followed: a
 * caller that follows one asks the policy again for the next URL.
 */
import { lookup } from 'node:dns/promises';
import { addressKind, parseIp, type AddressKind, type IpAddress } from './addresses.ts';
import { allowsAddress, allowsHost, normalHostName, parseAllowList } from './allow-list.ts';
import { sendPinned, type OutboundRequestInit, type OutboundResponse, type PinnedAddress } from './request.ts';

/** Looks a host name up: every address it resolves to. Rejects, or resolves to none, when it does not resolve. */
export type Resolver = (hostname: string) => Promise<string[]>;

export interface OutboundOptions {
  /** Host names, `*.` wildcards, addresses and CIDR blocks that may be reached though not public (SIGHTLINE_OUTBOUND_ALLOW). Defaults to none. */
  allow?: readonly string[];
  /** How host names are resolved. Defaults to the system resolver (getaddrinfo, as Node's own requests use). */
  resolve?: Resolver;
  /** Longest a lookup may take before the host counts as unresolvable, in ms. Defaults to RESOLVE_TIMEOUT_MS. */
  resolveTimeoutMs?: number;
  /** Sends a request that passed the check. Defaults to sendPinned; tests pass one that refuses to leave the machine. */
  send?: (target: CheckedTarget, init: OutboundRequestInit) => Promise<OutboundResponse>;
}

/** A lookup slower than this is given up on: a receiver's DNS answers in milliseconds or not at all. */
export const RESOLVE_TIMEOUT_MS = 5000;

export type RefusalCode = 'forbidden_address' | 'unresolvable_host';

/**
 * Why a URL was not requested. The message names the host only: never an address or port, and it is the same
 * whatever listens there, because no connection was made.
 */
export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
  constructor(
    readonly code: RefusalCode,
    message: string,
    /** For the server's own diagnosis and tests: the kind of the first address refused. */
    readonly kind?: AddressKind,
  ) {
    super(message);
  }
}

/** A URL whose host passed the policy, with the addresses a request to it will connect to. */
export interface CheckedTarget {
  url: URL;
  addresses: PinnedAddress[];
}

export interface OutboundPolicy {
  /** Resolves the URL's host and judges every address; throws OutboundRefused when any is not allowed. */
  check(url: URL, signal?: AbortSignal): Promise<CheckedTarget>;
  /** Checks the URL, then sends one request to the checked addresses only; a 3xx is returned, never followed. */
  request(url: URL, init: OutboundRequestInit): Promise<OutboundResponse>;
}

/** The system resolver: all addresses, in the order getaddrinfo gives them. */
export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address }) => address);

/** `localhost` and its subdomains are loopback by definition (RFC 6761): never asked of DNS, which could say otherwise. */
const LOOPBACK_NAME = /(?:^|\.)localhost$/;
const LOOPBACK_ADDRESSES = ['127.0.0.1', '::1'];

function unresolvable(host: string): OutboundRefused {
  return new OutboundRefused('unresolvable_host', `"${host}" could not be resolved`);
}

async function resolveWithin(resolve: Resolver, host: string, timeoutMs: number, signal?: AbortSignal): Promise<string[]> {
  signal?.throwIfAborted();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort = () => {};
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unresolvable(host)), timeoutMs);
    onAbort = () => reject(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([resolve(host), gaveUp]);
  } catch {
    if (signal?.aborted) throw signal.reason;
    throw unresolvable(host);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

export function createOutboundPolicy({
  allow = [],
  resolve = systemResolver,
  resolveTimeoutMs = RESOLVE_TIMEOUT_MS,
  send = sendPinned,
}: OutboundOptions = {}): OutboundPolicy {
  const allowList = parseAllowList(allow);

  async function check(url: URL, signal?: AbortSignal): Promise<CheckedTarget> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`Only http and https are requested, not ${url.protocol}`);
    // The URL parser has already turned every IPv4 spelling into a dotted quad and put IPv6 in brackets.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const name = normalHostName(host);
    const literal = parseIp(host) !== undefined;
    const answers = literal ? [host] : LOOPBACK_NAME.test(name) ? LOOPBACK_ADDRESSES : await resolveWithin(resolve, host, resolveTimeoutMs, signal);
    const ips = answers.map((answer) => parseIp(answer));
    if (ips.length === 0 || ips.some((ip) => ip === undefined)) throw unresolvable(host);
    const addresses: PinnedAddress[] = answers.map((address, index) => ({ address, family: ips[index]!.version }));
    if (!literal && allowsHost(allowList, name)) return { url, addresses };
    // Every address must pass: a connection may go to any of them, so one public answer cannot vouch for the rest.
    for (const ip of ips as IpAddress[]) {
      const kind = addressKind(ip);
      if (kind !== 'public' && !allowsAddress(allowList, ip)) {
        const message = `"${host}" is or resolves to an internal address (loopback, private, link-local, shared, multicast or reserved); Sightline connects only to public addresses unless SIGHTLINE_OUTBOUND_ALLOW lists the host`;
        throw new OutboundRefused('forbidden_address', message, kind);
      }
    }
    return { url, addresses };
  }

  return {
    check,
    async request(url, init) {
      return send(await check(url, init.signal), init);
    },
  };
}
