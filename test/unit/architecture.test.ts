/**
 * The layout is a fact, not a hope: dependency-cruiser checks the arrows of .dependency-cruiser.cjs over the whole
 * tree, the viewer's .svelte files are checked here (dependency-cruiser reads them compiled, where type imports are
 * gone), and ARCHITECTURE.md's code map names folders that exist and every folder of server/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Every folder of ours that holds code; the cruise starts from all of them. */
const codeFolders = ['contract', 'recorder', 'server', 'viewer', 'support', 'bench', 'demo', 'scripts', 'test'];

interface CruiseResult {
  summary: { violations: Array<{ rule: { name: string }; from: string; to: string; cycle?: Array<{ name: string }> }> };
  modules: Array<{ source: string }>;
}

function cruise(): CruiseResult {
  const cli = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  const run = spawnSync(process.execPath, [cli, ...codeFolders, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!run.stdout) throw new Error(`dependency-cruiser did not run: ${run.stderr}`);
  return JSON.parse(run.stdout) as CruiseResult;
}

function filesUnder(dir: string, pattern: RegExp): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path, pattern));
    else if (pattern.test(entry.name)) found.push(path);
  }
  return found;
}

describe('architecture | dependency rules', () => {
  const result = cruise();

  test('no import breaks a rule of .dependency-cruiser.cjs', () => {
    const violations = result.summary.violations.map((violation) =>
      violation.cycle ? `${violation.rule.name}: ${[violation.from, ...violation.cycle.map((step) => step.name)].join(' → ')}` : `${violation.rule.name}: ${violation.from} → ${violation.to}`,
    );
    expect(violations).toEqual([]);
  });

  test.each(codeFolders)('the check reads %s/', (folder) => {
    expect(result.modules.filter((module) => module.source.startsWith(`${folder}/`)).length).toBeGreaterThan(0);
  });
});

describe('architecture | the viewer\'s .svelte files', () => {
  const viewer = join(root, 'viewer/src');
  const components = filesUnder(viewer, /\.svelte$/);
  const importFrom = /\bfrom\s+['"](\.[^'"]+)['"]/g;

  test('there are components to check', () => {
    expect(components.length).toBeGreaterThan(10);
  });

  test('import only the viewer\'s own code and contract/ (types included)', () => {
    const outside: string[] = [];
    for (const file of components) {
      const scripts = [...readFileSync(file, 'utf8').matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
      for (const script of scripts) {
        for (const [, specifier] of script.matchAll(importFrom)) {
          const target = relative(root, resolve(dirname(file), specifier!));
          if (!target.startsWith('viewer/') && !target.startsWith('contract/')) outside.push(`${relative(root, file)} → ${target}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });
});

describe('architecture | ARCHITECTURE.md', () => {
  const text = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
  const codeMap = text.slice(text.indexOf('## Code map'));
  /** The paths in the first column of the code map's rows, split at commas (`server/main.ts`, `app.ts`). */
  const mapped = [...codeMap.matchAll(/^\| ([^|]+) \|/gm)]
    .map((row) => row[1]!)
    .filter((cell) => cell.includes('`'))
    .flatMap((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!));
  /** A bare file name after the first path of its cell (`app.ts` after `server/main.ts`) lives in that path's folder. */
  const mappedPaths = [...codeMap.matchAll(/^\| ([^|]+) \|/gm)].flatMap((row) => {
    const names = [...row[1]!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
    const folder = names[0]?.includes('/') ? dirname(names[0]!) : '.';
    return names.map((name, index) => (index === 0 || name.includes('/') ? name : join(folder, name)));
  });

  test('the code map names paths', () => {
    expect(mapped.length).toBeGreaterThan(10);
  });

  test('every path in the code map exists', () => {
    expect(mappedPaths.filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });

  test.each(readdirSync(join(root, 'server')).filter((name) => statSync(join(root, 'server', name)).isDirectory()))(
    'the code map names server/%s/',
    (folder) => {
      expect(mapped).toContain(`server/${folder}/`);
    },
  );

  test.each(codeFolders)('the code map names %s/ or paths in it', (folder) => {
    expect(mapped.filter((path) => path.startsWith(`${folder}/`))).not.toEqual([]);
  });

  test('every folder the layout picture draws exists', () => {
    const picture = text.slice(text.indexOf('## Layout'), text.indexOf('## Code map'));
    const drawn = [...picture.matchAll(/^\s*([a-z-]+)\/\s/gm)].map((match) => match[1]!);
    expect(drawn.length).toBeGreaterThan(5);
    const missing = drawn.filter((name) => !existsSync(join(root, name)) && !existsSync(join(root, 'server', name)));
    expect(missing).toEqual([]);
  });
});
