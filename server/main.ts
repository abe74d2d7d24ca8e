import { createApp } from './app.ts';
import { resolveAdminToken } from './auth/admin-token.ts';
import { loadConfig, type Config } from './config.ts';
import { createOutboundPolicy } from './outbound/policy.ts';
import { startRetentionSweeper } from './retention.ts';
import { openDatabase } from './storage/db.ts';
import { createSqliteStore } from './storage/store.ts';
import { createWebhookDispatcher } from './webhooks/dispatcher.ts';
import { resolvePublicUrl } from './webhooks/payload.ts';
import { startSessionCloser } from './webhooks/session-closer.ts';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    // One line naming the variable, not a stack trace: the operator's typo is not a crash in Sightline.
    console.error(`Sightline could not start: ${(error as Error).message}`);
    process.exit(1);
  }
}

const config = configOrExit();
const db = openDatabase(config.dbPath);
const store = createSqliteStore(db);
const admin = await resolveAdminToken(config.adminToken ?? undefined, store);
config.adminToken = admin.token;
// Printed only when generated: it is stored, and repeating it in every start-up log would leak it into log files.
if (admin.source === 'generated') {
  console.log(`Admin token (shown once): ${admin.token}\nKeep it: the viewer asks for it. Set SIGHTLINE_ADMIN_TOKEN to choose your own.`);
}
// One policy for every request the server makes to a configured URL: webhook deliveries and the asset proxy.
const outbound = createOutboundPolicy(config.outbound);
const app = createApp({ store, config, outbound });
const stopSweeper = startRetentionSweeper(store, config.retentionSweepMs);
const stopCloser = startSessionCloser(store, {
  idleMs: config.sessionIdleMs,
  intervalMs: config.sessionCloseSweepMs,
  logRetentionMs: config.webhooks.logRetentionMs,
});
const webhooks = createWebhookDispatcher(store, { ...config.webhooks, publicUrl: resolvePublicUrl(config), outbound });

const server = app.listen(config.port, (error?: Error) => {
  if (error) {
    console.error(`Sightline could not listen on port ${config.port}: ${error.message}`);
    stopSweeper();
    stopCloser();
    db.close();
    process.exit(1);
  }
  // Only a server that could listen delivers: a second copy started by mistake must not compete for the outbox.
  webhooks.start();
  const base = `http://localhost:${config.port}`;
  console.log(`Sightline is running at ${base} — demo store at ${base}/demo/`);
});

/** Requests still running after this long at shutdown are cut; the recorder re-sends unacknowledged batches. */
const SHUTDOWN_GRACE_MS = 3000;

function shutDown(): void {
  // Stop taking requests, let running ones finish, then close the database so the WAL is checkpointed.
  stopSweeper();
  stopCloser();
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
