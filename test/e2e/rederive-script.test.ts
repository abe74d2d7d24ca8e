/**
 * npm run rederive: re-derives a project stored in SIGHTLINE_DB from its chunks in its own process, printing its
 * progress, and names what is wrong in one line (no project given, an unknown one).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { ingest, makeBatch, newId } from '../api/support.ts';
import { visit } from '../api/shop-events.ts';
import { startTestServer } from '../../support/server.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sightline-rederive-'));
const run = promisify(execFile);

/** Runs the script as npm runs it (tsx), and resolves with its exit code and output. */
async function rederive(dbPath: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/rederive.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, SIGHTLINE_DB: dbPath },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run rederive', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('re-keys a project stored in SIGHTLINE_DB to its new page patterns, printing its progress', async () => {
    const dbPath = join(dir, 'shop.db');
    const server = await startTestServer({ dbPath });
    const ids = { sessionId: newId(), windowId: newId() };
    for (const [seq, product] of ['mug', 'cup'].entries()) {
      const v = visit(Date.UTC(2025, 4, 7, 10) + seq * 60_000);
      await ingest(server.url, makeBatch([...v.load(0, `/item/${product}/detail`), v.click(500, '#buy')], { ...ids, seq }));
    }
    await server.store.setPagePatterns('demo', ['/item/*/detail']);
    await server.close();

    const { code, stdout, stderr } = await rederive(dbPath, ['--project', 'demo']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('Re-deriving project "demo" from its stored chunks, with page patterns ["/item/*/detail"]');
    expect(stdout).toContain('0 of 2 chunks derived (0 %)');
    expect(stdout.trim().split('\n').at(-1)).toBe('Done: project "demo" is derived again.');
    const db = new BetterSqlite3(dbPath, { readonly: true });
    try {
      expect(db.prepare('SELECT DISTINCT page_key FROM page_views').pluck().all()).toEqual(['/item/*/detail']);
      expect(db.prepare('SELECT sum(clicks) FROM page_days').pluck().get()).toBe(2);
      expect(db.prepare('SELECT count(*) FROM derive_queue').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  }, 60_000);

  test.each([
    [[], 'Sightline could not re-derive: name the project: npm run rederive -- --project KEY'],
    [['--project', 'nope'], 'Sightline could not re-derive: no project has the key "nope" in '],
    [['--projekt', 'demo'], "Sightline could not re-derive: Unknown option '--projekt'"],
  ])('with %j, exits with 1 and one line saying why', async (args, line) => {
    const { code, stderr } = await rederive(join(dir, 'empty.db'), args);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(line);
  }, 60_000);
});
