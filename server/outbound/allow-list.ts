/**
 * The operator's exceptions to "public addresses only" (SIGHTLINE_OUTBOUND_ALLOW): host names, `*.` wildcards,
 * addresses and CIDR blocks. Pure: parsing and matching only.
 */
import { inBlock, parseBlock, unmapped, type AddressBlock, type IpAddress } from './addresses.ts';

export interface AllowList {
  /** Host names allowed whatever they resolve to, lower-case, without a trailing dot. */
  hosts: ReadonlySet<string>;
  /** Domains (`corp.example` for `*.corp.example`) whose subdomains are allowed whatever they resolve to. */
  domains: readonly string[];
  /** Address blocks that may be connected to though not public. */
  blocks: readonly AddressBlock[];
}

const HOST_NAME = /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** A host name as the policy compares it: lower-case, trailing dots dropped (`Hooks.Internal.` is `hooks.internal`). */
export function normalHostName(name: string): string {
  return name.toLowerCase().replace(/\.+$/, '');
}

/** The allow-list of these entries; throws an Error naming the first entry that is none of the accepted forms. */
export function parseAllowList(entries: readonly string[]): AllowList {
  const hosts = new Set<string>();
  const domains: string[] = [];
  const blocks: AddressBlock[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    const block = parseBlock(entry);
    if (block) {
      blocks.push(block);
      continue;
    }
    const name = normalHostName(entry.startsWith('*.') ? entry.slice(2) : entry);
    // Something that looks like an address or block but did not parse as one is a typo, not a host name.
    if (!HOST_NAME.test(name) || /^[\d.]+$/.test(name) || entry.includes('/') || entry.includes(':')) {
      throw new Error(`"${raw}" is not a host name (hooks.internal), a wildcard (*.corp.example), an address (10.0.0.5) or a CIDR block (10.0.0.0/8, fd00::/8)`);
    }
    if (entry.startsWith('*.')) domains.push(name);
    else hosts.add(name);
  }
  return { hosts, domains, blocks };
}

/** Whether the host name itself is allowed: listed, or under a listed wildcard. */
export function allowsHost(list: AllowList, hostname: string): boolean {
  const name = normalHostName(hostname);
  return list.hosts.has(name) || list.domains.some((domain) => name.endsWith(`.${domain}`));
}

/** Whether the address lies in a listed block; an IPv4-mapped address counts as the IPv4 address it reaches. */
export function allowsAddress(list: AllowList, ip: IpAddress): boolean {
  const target = unmapped(ip);
  return list.blocks.some((block) => inBlock(target, block));
}
