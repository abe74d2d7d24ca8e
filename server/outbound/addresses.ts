/**
 * What kind of address an IP is, for the outbound policy: public, or one of the kinds Sightline does not connect
 * to unless the operator allows it. Pure: no DNS, no sockets. Addresses arrive canonical (from the URL parser or
 * the resolver), so every other spelling of IPv4 (`127.1`, `0x7f000001`, `2130706433`) has already become a
 * dotted quad by the time it is judged here.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface IpAddress {
  version: 4 | 6;
  /** The address as a 32- or 128-bit number. */
  value: bigint;
}

/** Why an address is not public; `public` is the only kind connected to by default. */
export type AddressKind =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared'
  | 'multicast'
  | 'documentation'
  | 'reserved';

export interface AddressBlock {
  version: 4 | 6;
  /** The block's first address. */
  base: bigint;
  /** Leading bits that every address in the block shares. */
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Value(text: string): bigint {
  let groups = text;
  let low = 0n;
  // A trailing dotted quad (`::ffff:1.2.3.4`) stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    low = ipv4Value(text.slice(lastColon + 1));
    groups = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left, right] = groups.split('::');
  const head = left ? left.split(':') : [];
  const tail = right === undefined ? [] : right ? right.split(':') : [];
  const padding = right === undefined ? [] : Array<string>(8 - head.length - tail.length).fill('0');
  const value = [...head, ...padding, ...tail].reduce((sum, group) => (sum << 16n) | BigInt(parseInt(group, 16)), 0n);
  return value | low;
}

/** The IP address `text` spells (brackets and an IPv6 zone allowed), or undefined when it is not one. */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  // fe80::1%eth0: the zone names an interface, it is not part of the address.
  const address = bare.split('%')[0] ?? '';
  if (isIPv4(address)) return { version: 4, value: ipv4Value(address) };
  if (isIPv6(address)) return { version: 6, value: ipv6Value(address) };
  return undefined;
}

/** A CIDR block (`10.0.0.0/8`, `fd00::/8`); a bare address is its own block. Undefined when malformed or when bits past the prefix are set. */
export function parseBlock(text: string): AddressBlock | undefined {
  const [address = '', prefixText, ...rest] = text.split('/');
  const ip = parseIp(address);
  if (!ip || rest.length > 0) return undefined;
  const bits = BITS[ip.version];
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  const hostBits = (1n << BigInt(bits - prefix)) - 1n;
  // 10.0.0.1/8 is most likely a typo for a host or for 10.0.0.0/8: refuse rather than guess.
  if ((ip.value & hostBits) !== 0n) return undefined;
  return { version: ip.version, base: ip.value, prefix };
}

export function inBlock(ip: IpAddress, block: AddressBlock): boolean {
  if (ip.version !== block.version) return false;
  const shift = BigInt(BITS[ip.version] - block.prefix);
  return ip.value >> shift === block.base >> shift;
}

function table(rows: Array<[string, AddressKind]>): Array<[AddressBlock, AddressKind]> {
  return rows.map(([text, kind]) => [parseBlock(text)!, kind]);
}

/** IANA's special-purpose IPv4 blocks that are not globally reachable (RFC 6890 and its updates). */
const IPV4_BLOCKS = table([
  ['0.0.0.0/32', 'unspecified'],
  ['0.0.0.0/8', 'reserved'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  // 240/4 is reserved; 255.255.255.255, the broadcast address, is inside it.
  ['240.0.0.0/4', 'reserved'],
]);

/** IPv6 blocks that are not globally reachable, checked before the embedded IPv4 and the global-unicast rule. */
const IPV6_BLOCKS = table([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'reserved'],
  ['100::/64', 'reserved'],
  ['2001::/23', 'reserved'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['fc00::/7', 'private'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'reserved'],
  ['ff00::/8', 'multicast'],
]);

/** Only 2000::/3 is allocated for global unicast; anything else is reserved. */
const GLOBAL_UNICAST = parseBlock('2000::/3')!;

/**
 * IPv6 forms whose packets end up at an IPv4 address: IPv4-mapped (::ffff:a.b.c.d, what a dual-stack socket
 * connects to as IPv4), IPv4-translated, IPv4-compatible (deprecated ::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4
 * (2002:AABB:CCDD::/48). Each is judged as the IPv4 address it carries.
 */
const IPV4_MAPPED = parseBlock('::ffff:0:0/96')!;
const EMBEDDINGS: Array<{ block: AddressBlock; shift: bigint }> = [
  { block: IPV4_MAPPED, shift: 0n },
  { block: parseBlock('::ffff:0:0:0/96')!, shift: 0n },
  { block: parseBlock('::/96')!, shift: 0n },
  { block: parseBlock('64:ff9b::/96')!, shift: 0n },
  { block: parseBlock('2002::/16')!, shift: 80n },
];

/** The IPv4 address an IPv6 address carries and routes to, if it is one of the embedding forms. */
export function embeddedIpv4(ip: IpAddress): IpAddress | undefined {
  if (ip.version !== 6) return undefined;
  const form = EMBEDDINGS.find(({ block }) => inBlock(ip, block));
  return form && { version: 4, value: (ip.value >> form.shift) & 0xffff_ffffn };
}

/** The address as the host it reaches: an IPv4-mapped IPv6 address is the IPv4 address (for allow-list matching). */
export function unmapped(ip: IpAddress): IpAddress {
  return ip.version === 6 && inBlock(ip, IPV4_MAPPED) ? { version: 4, value: ip.value & 0xffff_ffffn } : ip;
}

function kindIn(blocks: Array<[AddressBlock, AddressKind]>, ip: IpAddress): AddressKind | undefined {
  return blocks.find(([block]) => inBlock(ip, block))?.[1];
}

/** What kind of address `ip` is; only `public` is reached without an allow-list entry. */
export function addressKind(ip: IpAddress): AddressKind {
  if (ip.version === 4) return kindIn(IPV4_BLOCKS, ip) ?? 'public';
  // First: :: and ::1 sit inside ::/96 (IPv4-compatible) but are IPv6's own unspecified and loopback addresses.
  const listed = kindIn(IPV6_BLOCKS, ip);
  if (listed) return listed;
  const carried = embeddedIpv4(ip);
  if (carried) return addressKind(carried);
  return inBlock(ip, GLOBAL_UNICAST) ? 'public' : 'reserved';
}
