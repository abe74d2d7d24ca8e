import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs once before any test file: brings dist/ (recorder and viewer) up to date, so every end-to-end test serves
 * the same fresh build and none has to build, or race another file building, on its own.
 */
export default function buildOnce(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: root, stdio: 'inherit' });
}
