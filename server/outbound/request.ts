/**
 * One HTTP(S) request to addresses the policy has already checked. node:http with a `lookup` that answers only
 * those addresses, rather than fetch: Node's fetch (undici) takes no per-request lookup without the undici package
 * and its Agent, and a lookup of its own would resolve the name a second time, which is the rebinding window this
 * closes. TLS still verifies the certificate against the host name, since only the address is pinned.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';

export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

export interface OutboundRequestInit {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Sent with its Content-Length. Defaults to none. */
  body?: string;
  /** Ends the exchange, response body included; the request then rejects with the signal's reason, as fetch does. */
  signal: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  /** A response header (lower-case name), the first value when it came more than once. */
  header(name: string): string | undefined;
  /** The body as it streams in; destroy it to hang up without reading the rest. */
  body: Readable;
}

/** A lookup that never asks DNS: it answers the checked addresses (of the family asked for, if one is). */
function pinnedLookup(addresses: readonly PinnedAddress[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const usable = family === 4 || family === 6 ? addresses.filter((pinned) => pinned.family === family) : addresses;
    const first = usable[0];
    if (!first) {
      callback(Object.assign(new Error(`no checked IPv${family} address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    } else if (options.all) {
      // Node's happy-eyeballs connect (autoSelectFamily) asks for every address and tries them in turn.
      (callback as unknown as (error: null, all: PinnedAddress[]) => void)(null, usable.map(({ address, family: f }) => ({ address, family: f })));
    } else {
      callback(null, first.address, first.family);
    }
  };
}

/**
 * What to log about a request that got no answer: a system error's code (ECONNREFUSED, ECONNRESET), else its
 * message. Not the message of a system error, which repeats the address and port.
 */
export function failureDetail(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return String(code ?? (error instanceof Error ? error.message : error));
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function sendPinned(target: { url: URL; addresses: readonly PinnedAddress[] }, init: OutboundRequestInit): Promise<OutboundResponse> {
  const { url, addresses } = target;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = init.body === undefined ? init.headers : { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) };
  return new Promise((resolve, reject) => {
    const request = send(
      {
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: init.method,
        headers,
        signal: init.signal,
        lookup: pinnedLookup(addresses),
        // A connection of its own: a pooled socket would carry no record of which check it was opened under.
        agent: false,
      },
      (response: IncomingMessage) => {
        // Errors after the answer (a reset mid-body) reach whoever reads the body; none must crash the process.
        response.on('error', () => {});
        resolve({ status: response.statusCode ?? 0, header: (name) => firstValue(response.headers[name]), body: response });
      },
    );
    request.on('error', (error) => reject(init.signal.aborted ? init.signal.reason : error));
    request.end(init.body);
  });
}
