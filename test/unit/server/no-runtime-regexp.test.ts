/**
 * No server module builds a regular expression at run time. Patterns users enter (page patterns, funnel steps) go
 * through url-pattern.ts, which matches in linear time; a `new RegExp(userText)` would bring back the backtracking
 * that let one page pattern freeze the server (issue 10).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const serverDir = fileURLToPath(new URL('../../../server/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `new RegExp(…)` or `RegExp(…)` called as a function. */
const RUNTIME_REGEXP = /\bRegExp\s*\(/;

describe('server | no regular expression built at run time', () => {
  test('no server module calls RegExp()', () => {
    const offenders = sourceFiles(serverDir)
      .filter((path) => RUNTIME_REGEXP.test(readFileSync(path, 'utf8')))
      .map((path) => relative(serverDir, path));
    expect(offenders).toEqual([]);
  });

  test('the check sees what it is looking for', () => {
    expect(RUNTIME_REGEXP.test('const compiled = new RegExp(`^${source}$`);')).toBe(true);
    expect(RUNTIME_REGEXP.test('return RegExp(text).test(path);')).toBe(true);
    expect(RUNTIME_REGEXP.test("const browsers: Array<[Pick<RegExp, 'test'>, string]> = [];")).toBe(false);
  });
});
