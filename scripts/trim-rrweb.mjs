// An esbuild plugin for the recorder builds (scripts/build.mjs, the recorder's end-to-end harness).
import { readFile } from 'node:fs/promises';

/**
 * Dead code cut out of rrweb's record.js, each as [first marker, the marker where the cut ends, what replaces it],
 * applied in order. A stub that only an option the recorder never sets would reach throws; one that rrweb always
 * calls does what rrweb does with that option unset. @rrweb/record is pinned, so the markers are exact; a new
 * version without them fails the build rather than shipping rrweb untrimmed. test/e2e/rrweb-trim.test.ts checks
 * that rrweb records the same events with the cuts as without.
 */
const RRWEB_CUTS = [
  // A web worker that only frame-rate canvas sampling (`sampling.canvas` set to a number) uses, made into a Blob on
  // every page load. The recorder never sets `sampling.canvas`, so `recordCanvas` takes rrweb's mutation path and
  // the worker is dead weight (about 1 KB gzipped).
  ['const jsContent = ', 'class CanvasManager {',
    'function WorkerWrapper() {\n  throw new Error("Sightline builds rrweb without frame-rate canvas sampling");\n}\n'],
  // Recording cross-origin iframes (`recordCrossOriginIframes`: a child frame's recorder posts its events to the top
  // frame, which renumbers their node and style ids; about 0.9 KB gzipped). The recorder never sets that option, so
  // rrweb never binds the message handler: everything from it to the end of IframeManager is dead, and so is the
  // id mirror only those methods use.
  ['  handleMessage(message) {', '\n}\nclass ShadowDomManager {',
    '  handleMessage() {\n    throw new Error("Sightline builds rrweb without cross-origin iframe recording");\n  }'],
  ['class CrossOriginIframeMirror {', 'class IframeManager {', 'class CrossOriginIframeMirror {\n}\n'],
  // A warning proxy for code that imports rrweb's old global `mirror`, which nothing imports here.
  ['const DEPARTED_MIRROR_ACCESS_WARNING = ', 'function throttle(', ''],
  // `inlineImages` (images drawn into a canvas and recorded as data URLs) and `collectFonts`: options the recorder
  // never sets.
  ['  if (tagName === "img" && inlineImages) {', '  if (["audio", "video"].includes(tagName)) {', ''],
  ['function initFontObserver({ fontCb, doc }) {', 'function initSelectionObserver(param) {',
    'function initFontObserver() {\n  throw new Error("Sightline builds rrweb without font collection");\n}\n'],
  // rrweb's `hooks` option (a callback run before each observer's own): the recorder passes none.
  ['function mergeHooks(o, hooks) {', 'function initObservers(o, hooks = {}) {', 'function mergeHooks() {\n}\n'],
  // `slimDOMOptions` (leaving scripts, comments and head meta tags out of snapshots): the recorder sets none, so
  // rrweb's defaults are `{}` and nothing is ever excluded.
  ['function slimDOMDefaults(_slimDOMOptions) {', 'function serializeNodeWithId(n, options) {',
    'function slimDOMDefaults() {\n  return {};\n}\nfunction slimDOMExcluded() {\n  return false;\n}\n'],
  // rrdom's node class, which rrweb only tests nodes against (`instanceof`); recording never makes one.
  ['class BaseRRNode {', 'function on(type, fn, target = document) {', 'class BaseRRNode {\n}\n'],
  // Frame-rate canvas sampling, which needs the worker cut above.
  ['  initCanvasFPSObserver(fps, win, blockClass, blockSelector, options) {', '  initCanvasMutationObserver(win, blockClass, blockSelector) {',
    '  initCanvasFPSObserver() {\n    throw new Error("Sightline builds rrweb without frame-rate canvas sampling");\n  }\n'],
  // In record(): the child-frame path of cross-origin iframe recording (events posted to the parent frame),
  // `plugins` and `packFn`, none of which the recorder sets; every event goes to `emit` as rrweb made it.
  ['  const inEmittingFrame = recordCrossOriginIframes ? window.parent === window : true;', '  if (mousemoveWait !== void 0',
    '  if (!emit) {\n    throw new Error("emit function is required");\n  }\n'],
  ['  const eventProcessor = (e) => {', '  wrappedEmit = (r, isCheckout) => {', ''],
  ['    if (inEmittingFrame) {\n      emit == null ? void 0 : emit(eventProcessor(e), isCheckout);', '    if (e.type === EventType.FullSnapshot) {\n      lastFullSnapshotEvent',
    '    emit(e, isCheckout);\n'],
  ['  for (const plugin of plugins || []) {\n    if (plugin.getMirror)', '  const processedNodeManager = new ProcessedNodeManager();', ''],
  ['          plugins: ((_a2 = plugins == null ?', '        },\n        hooks\n      );', '          plugins: []\n'],
  // Full-snapshot checkouts every N events or ms (`checkoutEveryNth`, `checkoutEveryNms`): not set; the recorder
  // takes its own snapshots at session rollover. Also the NodeList and DOMTokenList forEach polyfill, which every
  // ES2020 browser has no need of.
  ['  polyfill();\n  let lastFullSnapshotEvent;', '  wrappedEmit = (r, isCheckout) => {', ''],
  ['    if (e.type === EventType.FullSnapshot) {\n      lastFullSnapshotEvent', '  const wrappedMutationEmit = (m) => {', '  };\n'],
  // `maskAllInputs`: the recorder passes its own `maskInputOptions`, so rrweb's all-types tables are never used
  // (snapshot() first; its marker also starts the one in record()).
  ['  const maskInputOptions = maskAllInputs === true ? {', '  const slimDOMOptions = slimDOMDefaults(slimDOM);',
    '  const maskInputOptions = maskAllInputs;\n'],
  ['  const maskInputOptions = maskAllInputs === true ? {', '  const slimDOMOptions = slimDOMDefaults(_slimDOMOptions);',
    '  const maskInputOptions = _maskInputOptions !== void 0 ? _maskInputOptions : { password: true };\n'],
];

/**
 * Two changes to what rrweb does, each as [the exact text, what replaces it]; each must be found exactly once.
 * - rrweb checks that the DOM prototypes it reads are the browser's own (not patched by a framework) and otherwise
 *   takes them from a fresh about:blank iframe. It tests Element's querySelector and querySelectorAll as getters,
 *   which they are not, so the check always fails and every page load builds an iframe (a new document and window)
 *   for nothing. They are tested as the methods they are; a page whose prototypes are patched still gets the iframe.
 * - `record.unfreezePage` beside rrweb's own `record.freezePage`, for the recorder's mutation coalescing
 *   (recorder/recording.ts): rrweb otherwise thaws only when it emits some other event.
 */
const RRWEB_FIXES = [
  ['  Element: ["shadowRoot", "querySelector", "querySelectorAll"],\n', '  Element: ["shadowRoot"],\n'],
  ['  Element: [],\n  MutationObserver: ["constructor"]', '  Element: ["querySelector", "querySelectorAll"],\n  MutationObserver: ["constructor"]'],
  ['record.freezePage = () => {\n  mutationBuffers.forEach((buf) => buf.freeze());\n};\n',
    'record.freezePage = () => {\n  mutationBuffers.forEach((buf) => buf.freeze());\n};\n' +
      'record.unfreezePage = () => {\n  mutationBuffers.forEach((buf) => buf.unfreeze());\n};\n'],
];

/**
 * rrweb's TypeScript enums (EventType, IncrementalSource, MouseInteractions, …) compiled with reverse mappings
 * (`E[E["Meta"] = 4] = "Meta"`): rrweb only ever looks names up, never numbers (its one Object.keys over
 * MouseInteractions skips the numeric keys), so each member is written once (about 0.3 KB gzipped).
 */
const ENUM_MEMBER = /(\w+)\[\1\[("\w+")\] = (\d+)\] = \2;/g;
const ENUM_MEMBERS_AT_LEAST = 50;

export const trimRrweb = {
  name: 'trim-rrweb',
  setup(build) {
    build.onLoad({ filter: /[\\/]@rrweb[\\/]record[\\/]dist[\\/]record\.js$/ }, async ({ path }) => {
      let source = await readFile(path, 'utf8');
      for (const [from, to, stub] of RRWEB_CUTS) {
        const start = source.indexOf(from);
        const end = source.indexOf(to, start);
        if (start < 0 || end < start) throw new Error(`${path}: "${from.trim()}" not found; check RRWEB_CUTS in scripts/trim-rrweb.mjs`);
        source = source.slice(0, start) + stub + source.slice(end);
      }
      const members = source.match(ENUM_MEMBER)?.length ?? 0;
      if (members < ENUM_MEMBERS_AT_LEAST) throw new Error(`${path}: ${members} enum members with reverse mappings; check ENUM_MEMBER in scripts/trim-rrweb.mjs`);
      source = source.replace(ENUM_MEMBER, '$1[$2] = $3;');
      for (const [from, to] of RRWEB_FIXES) {
        const at = source.indexOf(from);
        if (at < 0 || source.indexOf(from, at + 1) >= 0) throw new Error(`${path}: "${from.trim()}" not found once; check RRWEB_FIXES in scripts/trim-rrweb.mjs`);
        source = source.slice(0, at) + to + source.slice(at + from.length);
      }
      return { contents: source, loader: 'js' };
    });
  },
};
