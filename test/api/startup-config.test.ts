/** A bad setting stops the real server at start-up with one line naming the variable, not a stack trace. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

describe('server start-up', () => {
  test.each([
    ['SIGHTLINE_OUTBOUND_ALLOW', 'http://hooks.internal'],
    ['SIGHTLINE_OUTBOUND_ALLOW', '10.0.0.0/33'],
    ['PORT', 'eighty'],
  ])('%s=%s: exits 1 with one line naming the variable', (name, value) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, SIGHTLINE_DB: ':memory:', [name]: value },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Sightline could not start: ${name}\\b`));
    expect(lines[0]).toContain(value);
  });
});
