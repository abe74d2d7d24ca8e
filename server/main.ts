import { createApp } from './app.ts';
import { resolveAdminToken } from './auth/admin-token.ts';
import { loadConfig, type Config } from './config.ts';
import { listen, listenFailure } from './http/listen.ts';
import { createOutboundPolicy } from './outbound/policy.ts';
import { createPipeline } from './pipeline/pipeline.ts';
import { startRetentionSweeper } from './retention.ts';
import { DatabaseOpenError, openDatabase, type Database } from './storage/db.ts';
import { createSqliteStore } from './storage/store.ts';
import { createWebhookDispatcher } from './webhooks/dispatcher.ts';
import { resolvePublicUrl } from './webhooks/payload.ts';
import { startSessionCloser } from './webhooks/session-closer.ts';

/** A bad setting is the operator's to fix, not a crash in Sightline: one line naming the variable, no stack trace. */
function exitAtStartUp(line: string): never {
  console.error(`Sightline could not start: ${line}`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  // loadConfig only throws for a bad variable, and its message names it.
  exitAtStartUp((error as Error).message);
}
let db: Database;
try {
  db = openDatabase(config.dbPath);
} catch (error) {
  if (!(error instanceof DatabaseOpenError)) throw error;
  exitAtStartUp(`SIGHTLINE_DB=${error.path} ${error.reason}`);
}
const pipeline = createPipeline(db, config);
const store = createSqliteStore(db, { afterDeletion: (ids) => pipeline.forgetSessions(ids) });
// One policy for every request the server makes to a configured URL: webhook deliveries and the asset proxy.
const outbound = createOutboundPolicy(config.outbound);
// The app reads config.adminToken on every request; until it is set below, no request can sign in as the admin.
const app = createApp({ store, pipeline, config, outbound });
const server = await listen(app, config.port).catch((error: unknown) => {
  db.close();
  return exitAtStartUp(listenFailure(config.port, error));
});

// Only a server that holds its port resolves the admin token: a start that fails (a busy port) must not generate
// and store a token it then never shows again.
const admin = await resolveAdminToken(config.adminToken ?? undefined, store);
config.adminToken = admin.token;
// Printed only when generated: it is stored, and repeating it in every start-up log would leak it into log files.
if (admin.source === 'generated') {
  console.log(`Admin token (shown once): ${admin.token}\nKeep it: the viewer asks for it. Set SIGHTLINE_ADMIN_TOKEN to choose your own.`);
}
// Derives what ingest appends, starting with whatever was queued when the last process stopped (or was killed).
pipeline.consumer.start();
const stopSweeper = startRetentionSweeper(store, config.retentionSweepMs);
const stopCloser = startSessionCloser(store, {
  idleMs: config.sessionIdleMs,
  intervalMs: config.sessionCloseSweepMs,
  logRetentionMs: config.webhooks.logRetentionMs,
});
// Only a server that could listen delivers: a second copy started by mistake must not compete for the outbox.
const webhooks = createWebhookDispatcher(store, { ...config.webhooks, publicUrl: resolvePublicUrl(config), outbound });
webhooks.start();
const base = `http://localhost:${config.port}`;
console.log(`Sightline is running at ${base} — demo store at ${base}/demo/`);

/** Requests still running after this long at shutdown are cut; the recorder re-sends unacknowledged batches. */
const SHUTDOWN_GRACE_MS = 3000;

function shutDown(): void {
  // Stop taking requests, let running ones finish, then close the database so the WAL is checkpointed.
  stopSweeper();
  stopCloser();
  // Transactions are synchronous: none is cut short; what is still queued is derived after the next start.
  pipeline.consumer.stop();
  // Attempts in flight are cut and recorded as failed attempts before the database closes; they are retried later.
  const webhooksStopped = webhooks.stop();
  server.close(() => {
    void webhooksStopped.finally(() => {
      db.close();
      process.exit(0);
    });
  });
  setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
}
process.once('SIGINT', shutDown);
process.once('SIGTERM', shutDown);
