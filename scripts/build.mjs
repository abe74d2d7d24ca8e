// Builds what `npm start` and the end-to-end tests serve: the recorder (IIFE for a script tag, ESM for npm)
// and the viewer (Vite). `--if-stale` skips a target whose output is newer than every source file it reads,
// so `npm start` and `npm test` stay fast after the first run.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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

/**
 * rrweb inlines a web worker that only its frame-rate canvas sampling (`sampling.canvas` set to a number) uses, and
 * makes a Blob of it on every page load. The recorder never sets `sampling.canvas`, so `recordCanvas` takes rrweb's
 * mutation path and the worker is dead weight (about 1 KB gzipped): it is cut, and its constructor throws if ever
 * reached. @rrweb/record is pinned, so the markers are exact; a new version without them fails the build.
 */
const dropRrwebCanvasWorker = {
  name: 'drop-rrweb-canvas-worker',
  setup(build) {
    build.onLoad({ filter: /[\\/]@rrweb[\\/]record[\\/]dist[\\/]record\.js$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const start = source.indexOf('const jsContent = ');
      const end = source.indexOf('class CanvasManager {');
      if (start < 0 || end < start) throw new Error(`${path}: rrweb's canvas worker not found; check drop-rrweb-canvas-worker`);
      const stub = 'function WorkerWrapper() {\n  throw new Error("Sightline builds rrweb without frame-rate canvas sampling");\n}\n';
      return { contents: source.slice(0, start) + stub + source.slice(end), loader: 'js' };
    });
  },
};

const recorderOut = join(root, 'dist/recorder/recorder.js');
if (wants('recorder') && isStale(recorderOut, ['recorder', 'contract', 'scripts/build.mjs'])) {
  const common = {
    bundle: true,
    minify: true,
    // ES2020 (optional chaining, ??: Chrome 80, Firefox 72, Safari 13.1): rrweb publishes ?? itself, and lowering
    // our own ?. and ?? for older browsers costs bytes on every store page.
    target: 'es2020',
    sourcemap: true,
    logLevel: 'warning',
    plugins: [dropRrwebCanvasWorker],
  };
  await esbuild({ ...common, entryPoints: [join(root, 'recorder/script-tag.ts')], format: 'iife', outfile: recorderOut });
  await esbuild({ ...common, entryPoints: [join(root, 'recorder/index.ts')], format: 'esm', outfile: join(root, 'dist/recorder/index.mjs') });
  console.log('built dist/recorder');
}

const viewerOut = join(root, 'dist/viewer/index.html');
if (wants('viewer') && isStale(viewerOut, ['viewer', 'contract'])) {
  await viteBuild({ configFile: join(root, 'viewer/vite.config.ts'), logLevel: 'warn' });
  console.log('built dist/viewer');
}
