import { describe, expect, test } from 'vitest';
import { addressKind, embeddedIpv4, parseBlock, parseIp, type AddressKind } from '../../../../server/outbound/addresses.ts';

function kindOf(text: string): AddressKind {
  const ip = parseIp(text);
  if (!ip) throw new Error(`not an address: ${text}`);
  return addressKind(ip);
}

describe('outbound | address kinds', () => {
  test.each([
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['93.184.215.14', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['126.255.255.255', 'public'],
    ['128.0.0.0', 'public'],
    ['223.255.255.255', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'reserved'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.255', 'loopback'],
    ['10.255.255.255', 'private'],
    ['172.16.0.0', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.0', 'shared'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.0', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.55', 'documentation'],
    ['198.51.100.1', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.19.255.255', 'reserved'],
    ['192.88.99.1', 'reserved'],
  ] as const)('IPv4 %s is %s', (address, kind) => {
    expect(kindOf(address)).toBe(kind);
  });

  test.each([
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:82a::200e', 'public'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:8.8.8.8', 'public'],
    ['::ffff:0:10.0.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['::10.0.0.1', 'private'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::808:808', 'public'],
    ['64:ff9b:1::1', 'reserved'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['2002:808:808::1', 'public'],
    ['2001::1', 'reserved'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['100::1', 'reserved'],
    ['fc00::', 'private'],
    ['fdff:ffff::1', 'private'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'reserved'],
    ['ff02::1', 'multicast'],
    ['4000::1', 'reserved'],
    ['1::1', 'reserved'],
  ] as const)('IPv6 %s is %s', (address, kind) => {
    expect(kindOf(address)).toBe(kind);
  });

  test('brackets and a zone are read as the address they wrap', () => {
    expect(kindOf('[::1]')).toBe('loopback');
    expect(kindOf('fe80::1%eth0')).toBe('link-local');
    expect(parseIp('[::ffff:127.0.0.1]')).toEqual(parseIp('::ffff:7f00:1'));
  });

  test('IPv6 with a dotted quad reads the same as its hex form', () => {
    expect(parseIp('1:2:3:4:5:6:7.8.9.10')).toEqual(parseIp('1:2:3:4:5:6:708:90a'));
    expect(parseIp('::1.2.3.4')?.value).toBe(0x0102_0304n);
  });

  test('the IPv4 address carried by each embedding', () => {
    const carried = (text: string) => {
      const ip = embeddedIpv4(parseIp(text)!);
      return ip && [Number((ip.value >> 24n) & 255n), Number((ip.value >> 16n) & 255n), Number((ip.value >> 8n) & 255n), Number(ip.value & 255n)].join('.');
    };
    expect(carried('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(carried('::ffff:0:10.1.2.3')).toBe('10.1.2.3');
    expect(carried('::10.1.2.3')).toBe('10.1.2.3');
    expect(carried('64:ff9b::10.1.2.3')).toBe('10.1.2.3');
    expect(carried('2002:a01:203:1::5')).toBe('10.1.2.3');
    expect(carried('2606:4700::1')).toBeUndefined();
  });

  test.each(['127.1', '0x7f000001', '2130706433', '0177.0.0.1', 'localhost', '1.2.3.4.5', '::ffff::1', '', '[::1'])(
    '%j is not a canonical address (the URL parser canonicalizes those before the policy sees them)',
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );

  test('CIDR blocks: bare addresses, prefixes, and refusals', () => {
    expect(parseBlock('10.0.0.0/8')).toEqual({ version: 4, base: 0x0a00_0000n, prefix: 8 });
    expect(parseBlock('10.0.0.5')).toEqual({ version: 4, base: 0x0a00_0005n, prefix: 32 });
    expect(parseBlock('fd00::/8')?.prefix).toBe(8);
    expect(parseBlock('::/0')?.prefix).toBe(0);
    for (const bad of ['10.0.0.0/33', '10.0.0.1/8', 'fd00::/129', '10.0.0.0/', '10.0.0.0/8/8', '10.0.0.0/x', 'hooks/8']) {
      expect(parseBlock(bad), bad).toBeUndefined();
    }
  });
});
