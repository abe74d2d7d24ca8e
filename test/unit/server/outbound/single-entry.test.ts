/**
 * The outbound policy is the only way the server makes a request: no module outside server/outbound/ calls fetch
 * or imports a networking module for more than its types. A new outbound feature (issue 14's asset proxy default,
 * anything later) then cannot skip the address check by accident.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const serverDir = fileURLToPath(new URL('../../../../server/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * A call to fetch, or a value import (not `import type`) of a module that can open a connection or resolve a name.
 * node:net's address predicates (`isIP`, `isIPv4`, `isIPv6`) only read a string, so importing just those is fine.
 */
const OUTBOUND_CODE = [
  /\bfetch\s*\(/,
  /^import\s+(?!type\s)(?!\{\s*(?:isIP(?:v4|v6)?\s*,?\s*)+\}\s*from\s+'node:net')[^;]*from\s+'node:(?:http|https|http2|net|tls|dns|dgram)(?:\/promises)?'/m,
  /\brequire\s*\(/,
];

describe('outbound | one entry point', () => {
  test('no server module outside server/outbound/ sends requests or resolves names itself', () => {
    const offenders = sourceFiles(serverDir)
      .map((path) => relative(serverDir, path))
      .filter((path) => !path.startsWith('outbound/'))
      .filter((path) => OUTBOUND_CODE.some((pattern) => pattern.test(readFileSync(join(serverDir, path), 'utf8'))));
    expect(offenders).toEqual([]);
  });

  test('the check sees what it is looking for', () => {
    const sample = "import { request } from 'node:https';\nconst answer = await fetch(url);";
    expect(OUTBOUND_CODE.filter((pattern) => pattern.test(sample))).toHaveLength(2);
    expect(OUTBOUND_CODE.some((pattern) => pattern.test("import type { IncomingMessage } from 'node:http';"))).toBe(false);
    expect(OUTBOUND_CODE.some((pattern) => pattern.test("import { isIP, isIPv6 } from 'node:net';"))).toBe(false);
    expect(OUTBOUND_CODE.some((pattern) => pattern.test("import { isIPv6, connect } from 'node:net';"))).toBe(true);
  });
});
