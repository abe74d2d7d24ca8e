/**
 * Every way tests spell a host the outbound policy must refuse: each IPv4 spelling the URL parser accepts for
 * loopback, the other non-public IPv4 and IPv6 ranges, IPv4 carried inside IPv6 (mapped, translated, compatible,
 * NAT64, 6to4), localhost names, and made-up names that resolve inward (INTERNAL_NAMES, for testResolver).
 * Shared by the policy's unit tests and the webhook and asset-proxy API tests, so each checks the whole class.
 */
import type { AddressKind } from '../../server/outbound/addresses.ts';
import { PUBLIC_TEST_ADDRESS } from '../../support/outbound.ts';

/** Made-up names and what the test resolver answers for them. */
export const INTERNAL_NAMES: Readonly<Record<string, string[]>> = Object.freeze({
  'loopback.example': ['127.0.0.1'],
  'v6-loopback.example': ['::1'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'metadata.example': ['169.254.169.254'],
  'private.example': ['10.1.2.3'],
  // One public and one private record: a connection could go to either, so the host is refused.
  'mixed.example': [PUBLIC_TEST_ADDRESS, '127.0.0.1'],
});

export interface InternalTarget {
  /** What the table row is about. */
  label: string;
  /** The host as written in a URL, before `:port`. */
  host: string;
  /** The kind of address the policy must find. */
  kind: Exclude<AddressKind, 'public'>;
}

function target(label: string, host: string, kind: InternalTarget['kind']): InternalTarget {
  return { label, host, kind };
}

export const INTERNAL_TARGETS: readonly InternalTarget[] = [
  target('loopback', '127.0.0.1', 'loopback'),
  target('loopback, elsewhere in 127/8', '127.255.255.254', 'loopback'),
  target('loopback, two parts', '127.1', 'loopback'),
  target('loopback, three parts', '127.0.1', 'loopback'),
  target('loopback, one decimal number', '2130706433', 'loopback'),
  target('loopback, one hex number', '0x7f000001', 'loopback'),
  target('loopback, hex first part', '0x7f.0.0.1', 'loopback'),
  target('loopback, octal first part', '0177.0.0.1', 'loopback'),
  target('loopback, one octal number', '017700000001', 'loopback'),
  target('loopback, zero-padded parts', '127.000.000.001', 'loopback'),
  target('loopback, percent-encoded', '%31%32%37.0.0.1', 'loopback'),
  target('loopback, full-width digits', '１２７.0.0.1', 'loopback'),
  target('loopback, ideographic full stops', '127。0。0。1', 'loopback'),
  target('loopback, trailing dot', '127.0.0.1.', 'loopback'),
  target('unspecified 0.0.0.0 (Linux connects it to loopback)', '0.0.0.0', 'unspecified'),
  target('unspecified, as 0', '0', 'unspecified'),
  target('IPv6 loopback', '[::1]', 'loopback'),
  target('IPv6 loopback, written out', '[0:0:0:0:0:0:0:1]', 'loopback'),
  target('IPv6 unspecified', '[::]', 'unspecified'),
  target('IPv4-mapped loopback, dotted', '[::ffff:127.0.0.1]', 'loopback'),
  target('IPv4-mapped loopback, hex', '[::ffff:7f00:1]', 'loopback'),
  target('IPv4-mapped loopback, written out', '[0:0:0:0:0:ffff:127.0.0.1]', 'loopback'),
  target('IPv4-translated loopback', '[::ffff:0:127.0.0.1]', 'loopback'),
  target('IPv4-compatible loopback', '[::127.0.0.1]', 'loopback'),
  target('NAT64 loopback', '[64:ff9b::127.0.0.1]', 'loopback'),
  target('NAT64 private', '[64:ff9b::a00:1]', 'private'),
  target('6to4 loopback', '[2002:7f00:1::]', 'loopback'),
  target('6to4 metadata', '[2002:a9fe:a9fe::1]', 'link-local'),
  target('IPv4-mapped metadata', '[::ffff:169.254.169.254]', 'link-local'),
  target('private 10/8', '10.0.0.1', 'private'),
  target('private 172.16/12', '172.16.0.1', 'private'),
  target('private 172.16/12, its end', '172.31.255.255', 'private'),
  target('private 192.168/16', '192.168.1.1', 'private'),
  target('link-local, the cloud metadata address', '169.254.169.254', 'link-local'),
  target('link-local, as one number', '2852039166', 'link-local'),
  target('shared (CGNAT) 100.64/10', '100.64.0.1', 'shared'),
  target('shared (CGNAT), its end', '100.127.255.255', 'shared'),
  target('multicast', '224.0.0.1', 'multicast'),
  target('broadcast', '255.255.255.255', 'reserved'),
  target('reserved 240/4', '240.0.0.1', 'reserved'),
  target('this network 0/8', '0.1.2.3', 'reserved'),
  target('documentation 192.0.2/24', '192.0.2.1', 'documentation'),
  target('benchmarking 198.18/15', '198.18.0.1', 'reserved'),
  target('IPv6 unique local fc00::/7', '[fc00::1]', 'private'),
  target('IPv6 unique local fd00::/8', '[fd12:3456::1]', 'private'),
  target('IPv6 link-local', '[fe80::1]', 'link-local'),
  target('IPv6 site-local (deprecated)', '[fec0::1]', 'reserved'),
  target('IPv6 multicast', '[ff02::1]', 'multicast'),
  target('IPv6 documentation', '[2001:db8::1]', 'documentation'),
  target('IPv6 outside global unicast', '[4000::1]', 'reserved'),
  target('localhost', 'localhost', 'loopback'),
  target('localhost, upper case', 'LOCALHOST', 'loopback'),
  target('localhost, trailing dot', 'localhost.', 'loopback'),
  target('a subdomain of localhost', 'shop.localhost', 'loopback'),
  target('a name resolving to loopback', 'loopback.example', 'loopback'),
  target('a name resolving to IPv6 loopback', 'v6-loopback.example', 'loopback'),
  target('a name resolving to IPv4-mapped loopback', 'mapped.example', 'loopback'),
  target('a name resolving to the metadata address', 'metadata.example', 'link-local'),
  target('a name resolving to a private address', 'private.example', 'private'),
  target('a name with one public and one loopback record', 'mixed.example', 'loopback'),
];
