/**
 * Rebuilds a project's derived data (sessions' figures, page views, clicks, heatmaps, signals, form events, funnel
 * timelines) from its stored chunks, with its page patterns as they are now, and prints the progress:
 *
 *   npm run rederive -- --project KEY        (the database is SIGHTLINE_DB, as for npm start)
 *
 * It derives in this process; a server running on the same file derives beside it (each chunk is derived once,
 * whichever takes it) and keeps ingesting. Webhooks are not sent again for what is found again.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../server/config.ts';
import { createPipeline } from '../server/pipeline/pipeline.ts';
import { DatabaseOpenError, openDatabase } from '../server/storage/db.ts';
import { createProjectQueries } from '../server/storage/projects.ts';

/** Progress is printed at most this often, in ms. */
const PRINT_EVERY_MS = 1_000;

function fail(line: string): never {
  console.error(`Sightline could not re-derive: ${line}`);
  process.exit(1);
}

let key: string | undefined;
try {
  key = parseArgs({ options: { project: { type: 'string' } } }).values.project;
} catch (error) {
  fail((error as Error).message);
}
if (!key) fail('name the project: npm run rederive -- --project KEY');

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  fail((error as Error).message);
}
let db: ReturnType<typeof openDatabase>;
try {
  db = openDatabase(config.dbPath);
} catch (error) {
  if (!(error instanceof DatabaseOpenError)) throw error;
  fail(`SIGHTLINE_DB=${error.path} ${error.reason}`);
}

const project = createProjectQueries(db).findByKey(key);
if (!project) fail(`no project has the key "${key}" in ${config.dbPath}`);

const pipeline = createPipeline(db, config);
const outcome = pipeline.rederive(project.id);
console.log(
  outcome.started
    ? `Re-deriving project "${key}" from its stored chunks, with page patterns ${JSON.stringify(project.pagePatterns)}`
    : `A re-derivation of project "${key}" is already running; deriving with it`,
);

let printedAt = 0;
function print(final = false): void {
  const { rederive } = pipeline.status(project!.id);
  if (rederive.state === 'running') {
    if (!final && Date.now() - printedAt < PRINT_EVERY_MS) return;
    printedAt = Date.now();
    const percent = Math.floor((100 * rederive.doneChunks) / Math.max(1, rederive.totalChunks));
    console.log(`${rederive.doneChunks} of ${rederive.totalChunks} chunks derived (${percent} %)`);
  } else if (final) {
    console.log(`Done: project "${key}" is derived again.`);
  }
}
pipeline.consumer.onBatch(() => print());
print(true);
await pipeline.consumer.drain();
const left = pipeline.status(project.id).rederive;
// Drained with chunks left: their windows failed (reported above) and stay queued for the server to retry.
if (left.state === 'running') {
  db.close();
  fail(`${left.totalChunks - left.doneChunks} chunks could not be derived; see the errors above`);
}
print(true);
db.close();
