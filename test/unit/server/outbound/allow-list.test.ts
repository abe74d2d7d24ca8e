import { describe, expect, test } from 'vitest';
import { parseIp } from '../../../../server/outbound/addresses.ts';
import { allowsAddress, allowsHost, parseAllowList } from '../../../../server/outbound/allow-list.ts';

describe('outbound | allow-list', () => {
  const list = parseAllowList(['Hooks.Internal.', '*.corp.example', '10.0.0.5', '192.168.0.0/16', 'fd00::/8', '127.0.0.1']);

  test.each([
    ['hooks.internal', true],
    ['HOOKS.internal.', true],
    ['other.internal', false],
    ['hooks.internal.evil.example', false],
    ['api.corp.example', true],
    ['a.b.corp.example', true],
    ['corp.example', false],
    ['evilcorp.example', false],
  ])('host %s allowed: %s', (host, allowed) => {
    expect(allowsHost(list, host)).toBe(allowed);
  });

  test.each([
    ['10.0.0.5', true],
    ['10.0.0.6', false],
    ['192.168.44.1', true],
    ['192.169.0.1', false],
    ['fd12::1', true],
    ['fc00::1', false],
    ['127.0.0.1', true],
    // The same host as 127.0.0.1: a dual-stack socket reaches it over IPv4.
    ['::ffff:127.0.0.1', true],
    ['127.0.0.2', false],
    ['::1', false],
    // NAT64 and 6to4 go through a translator: not the listed host.
    ['64:ff9b::a00:5', false],
  ])('address %s allowed: %s', (address, allowed) => {
    expect(allowsAddress(list, parseIp(address)!)).toBe(allowed);
  });

  test('the empty list allows nothing', () => {
    const empty = parseAllowList([]);
    expect(allowsHost(empty, 'localhost')).toBe(false);
    expect(allowsAddress(empty, parseIp('127.0.0.1')!)).toBe(false);
  });

  test.each(['10.0.0.0/33', '10.0.0.1/8', '300.1.1.1', '10.0.0', 'http://hooks.internal', 'hooks.internal:8080', 'hooks internal', '*', '*.', '', 'a..b', '-bad.example', 'fd00::zz'])(
    'refuses the entry %j, naming it and the accepted forms',
    (entry) => {
      expect(() => parseAllowList(['hooks.internal', entry])).toThrow(`"${entry}" is not a host name (hooks.internal), a wildcard (*.corp.example), an address (10.0.0.5) or a CIDR block`);
    },
  );
});
