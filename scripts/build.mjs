// Builds what `npm start` and the end-to-end tests serve: the recorder (IIFE for a script tag, ESM for npm)
// and the viewer (Vite). `--if-stale` skips a target whose output is newer than every source file it reads,
// so `npm start` and `npm test` stay fast after the first run.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { trimRrweb } from './trim-rrweb.mjs';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ifStale = process.argv.includes('--if-stale');
// `--only recorder` or `--only viewer` builds one target.
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const wants = (target) => only === undefined || only === target;

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name !== 'node_modules' && name !== 'dist') newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

function isStale(output, sources) {
  if (!ifStale || !existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return sources.some((source) => newestMtime(join(root, source)) > built);
}

const recorderOut = join(root, 'dist/recorder/recorder.js');
if (wants('recorder') && isStale(recorderOut, ['recorder', 'contract', 'scripts/build.mjs', 'scripts/trim-rrweb.mjs'])) {
  const common = {
    bundle: true,
    minify: true,
    // ES2020 (optional chaining, ??: Chrome 80, Firefox 72, Safari 13.1): rrweb publishes ?? itself, and lowering
    // our own ?. and ?? for older browsers costs bytes on every store page.
    target: 'es2020',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [trimRrweb],
  };
  await esbuild({ ...common, entryPoints: [join(root, 'recorder/script-tag.ts')], format: 'iife', outfile: recorderOut });
  await esbuild({ ...common, entryPoints: [join(root, 'recorder/index.ts')], format: 'esm', outfile: join(root, 'dist/recorder/index.mjs') });
  // The developer capture (console, network), which both builds fetch as a module when it is enabled.
  await esbuild({ ...common, entryPoints: [join(root, 'recorder/capture.ts')], format: 'esm', outfile: join(root, 'dist/recorder/capture.mjs') });
  console.log('built dist/recorder');
}

const viewerOut = join(root, 'dist/viewer/index.html');
if (wants('viewer') && isStale(viewerOut, ['viewer', 'contract'])) {
  await viteBuild({ configFile: join(root, 'viewer/vite.config.ts'), logLevel: 'warn' });
  console.log('built dist/viewer');
}
