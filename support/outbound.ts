/**
 * The outbound policy in tests. Receivers and asset hosts listen on 127.0.0.1, which the policy refuses by default,
 * so a test that delivers to them allows it explicitly with ALLOW_LOCAL_RECEIVERS; every other server keeps the
 * default. Made-up host names resolve through `testResolver`, never through real DNS.
 */
import type { Config } from '../server/config.ts';
import { addressKind, parseIp } from '../server/outbound/addresses.ts';
import { systemResolver, type OutboundOptions, type Resolver } from '../server/outbound/policy.ts';
import { sendPinned } from '../server/outbound/request.ts';

/** Config overrides for a server whose tests run receivers or asset hosts on 127.0.0.1 (and nothing else). */
export const ALLOW_LOCAL_RECEIVERS: Pick<Config, 'outbound'> = Object.freeze({ outbound: { allow: ['127.0.0.1'] } });

/** The same, as the environment of a server started as a child process. */
export const ALLOW_LOCAL_RECEIVERS_ENV: Readonly<Record<string, string>> = Object.freeze({ SIGHTLINE_OUTBOUND_ALLOW: '127.0.0.1' });

/** A public address (example.com's, IANA's own) that made-up names resolve to; no test connects to it. */
export const PUBLIC_TEST_ADDRESS = '93.184.215.14';

/**
 * Resolves the names in `names` as given; other names under the reserved `.example` TLD (RFC 2606: never in real
 * DNS) to PUBLIC_TEST_ADDRESS, as a store's real hosts would to public addresses; anything else through the system
 * resolver (so `localhost` resolves as it really does).
 */
export function testResolver(names: Readonly<Record<string, string[]>> = {}): Resolver {
  return async (hostname) => {
    const name = hostname.toLowerCase().replace(/\.+$/, '');
    const listed = names[name];
    if (listed) return [...listed];
    if (name.endsWith('.example')) return [PUBLIC_TEST_ADDRESS];
    return systemResolver(hostname);
  };
}

/** A resolver that answers `answers[0]` to its first lookup, `answers[1]` to its second, …, and the last to all later ones. */
export function changingResolver(...answers: string[][]): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    return [...(answers[Math.min(calls.length, answers.length) - 1] ?? [])];
  };
  return Object.assign(resolve, { calls });
}

/**
 * A sender that passes on (to `send`, sendPinned unless a test watches it) only requests to loopback addresses, so
 * no test ever reaches another machine whatever its recordings name: made-up `.example` hosts resolve to
 * PUBLIC_TEST_ADDRESS and pass the policy as a real store's hosts would, and a project in `public` asset mode would
 * then connect there. The refusal fails the way a host that does not answer does (a system error code).
 */
export function sendOnlyToThisMachine(send: NonNullable<OutboundOptions['send']> = sendPinned): NonNullable<OutboundOptions['send']> {
  return (target, init) => {
    const away = target.addresses.find(({ address }) => {
      const ip = parseIp(address);
      return !ip || addressKind(ip) !== 'loopback';
    });
    if (away) {
      return Promise.reject(Object.assign(new Error(`tests connect to this machine only, not ${target.url.host}`), { code: 'ETESTNETWORK' }));
    }
    return send(target, init);
  };
}

/** What every test server sends with. */
export const sendOnThisMachine = sendOnlyToThisMachine();
