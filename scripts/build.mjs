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

/** `source` with the text from `start` up to (not including) `end` replaced; throws when a marker is missing. */
function cutOut(source, start, end, replacement, what) {
  const from = source.indexOf(start);
  const to = source.indexOf(end, from);
  if (from < 0 || to < from) throw new Error(`@rrweb/record: ${what} not found; check trim-rrweb in scripts/build.mjs`);
  return source.slice(0, from) + replacement + source.slice(to);
}

/** `source` with the one occurrence of `from` replaced by `to`; throws when it is missing or not unique. */
function replaceOnce(source, from, to, what) {
  const at = source.indexOf(from);
  if (at < 0 || source.indexOf(from, at + 1) >= 0) throw new Error(`@rrweb/record: ${what} not found once; check trim-rrweb in scripts/build.mjs`);
  return source.slice(0, at) + to + source.slice(at + from.length);
}

/**
 * Dead weight and one costly slip in @rrweb/record, fixed at build time. @rrweb/record is pinned, so the markers are exact; a new version
 * without them fails the build.
 * - A web worker that only frame-rate canvas sampling (`sampling.canvas` set to a number) uses, made into a Blob on
 *   every page load. The recorder never sets `sampling.canvas`, so `recordCanvas` takes rrweb's mutation path and
 *   the worker (about 1 KB gzipped) is cut; its constructor throws if ever reached.
 * - A deprecated global `mirror` that nothing exports any more, built and wrapped in a Proxy on every page load
 *   with a 200-character warning (about 0.1 KB gzipped).
 * - The web font observer, which only `collectFonts` starts; the recorder never sets it. Its stub throws if reached.
 * - rrweb checks that the DOM prototypes it reads are the browser's own (not patched by a framework) and otherwise
 *   takes them from a fresh about:blank iframe. It tests Element's querySelector and querySelectorAll as getters,
 *   which they are not, so the test always fails and every page load builds an iframe (a whole new document and
 *   window) for nothing. They are tested as the methods they are; a page whose prototypes are patched still gets the iframe.
 */
const trimRrweb = {
  name: 'trim-rrweb',
  setup(build) {
    build.onLoad({ filter: /[\\/]@rrweb[\\/]record[\\/]dist[\\/]record\.js$/ }, async ({ path }) => {
      let source = await readFile(path, 'utf8');
      const stub = 'function WorkerWrapper() {\n  throw new Error("Sightline builds rrweb without frame-rate canvas sampling");\n}\n';
      source = cutOut(source, 'const jsContent = ', 'class CanvasManager {', stub, "the canvas worker");
      source = cutOut(source, 'const DEPARTED_MIRROR_ACCESS_WARNING = ', 'function throttle(', '', 'the deprecated global mirror');
      const noFonts = 'function initFontObserver() {\n  throw new Error("Sightline builds rrweb without collectFonts");\n}\n';
      source = cutOut(source, 'function initFontObserver({ fontCb, doc }) {', 'function initSelectionObserver(param) {', noFonts, 'the font observer');
      source = replaceOnce(source, 'Element: ["shadowRoot", "querySelector", "querySelectorAll"],', 'Element: ["shadowRoot"],', "Element's tested accessors");
      source = replaceOnce(source, '  Element: [],\n  MutationObserver: ["constructor"]', '  Element: ["querySelector", "querySelectorAll"],\n  MutationObserver: ["constructor"]', "Element's tested methods");
      source = replaceOnce(source, 'record.freezePage = () => {\n  mutationBuffers.forEach((buf) => buf.freeze());\n};\n',
        'record.freezePage = () => {\n  mutationBuffers.forEach((buf) => buf.freeze());\n};\nrecord.unfreezePage = () => {\n  mutationBuffers.forEach((buf) => buf.unfreeze());\n};\n', 'record.freezePage');
      return { contents: source, loader: 'js' };
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
    plugins: [trimRrweb],
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
