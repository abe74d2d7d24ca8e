import { createApp } from './app.ts';
import { resolveAdminToken } from './auth/admin-token.ts';
import { loadConfig } from './config.ts';
import { startRetentionSweeper } from './retention.ts';
import { openDatabase } from './storage/db.ts';
import { createSqliteStore } from './storage/store.ts';

const config = loadConfig();
const db = openDatabase(config.dbPath);
const store = createSqliteStore(db);
const admin = await resolveAdminToken(config.adminToken ?? undefined, store);
config.adminToken = admin.token;
// Printed only when generated: it is stored, and repeating it in every start-up log would leak it into log files.
if (admin.source === 'generated') {
  console.log(`Admin token (shown once): ${admin.token}\nKeep it: the viewer asks for it. Set SIGHTLINE_ADMIN_TOKEN to choose your own.`);
}
const app = createApp({ store, config });
const stopSweeper = startRetentionSweeper(store, config.retentionSweepMs);

const server = app.listen(config.port, (error?: Error) => {
  if (error) {
    console.error(`Sightline could not listen on port ${config.port}: ${error.message}`);
    stopSweeper();
    db.close();
    process.exit(1);
  }
  const base = `http://localhost:${config.port}`;
  console.log(`Sightline is running at ${base} — demo store at ${base}/demo/`);
});

/** Requests still running after this long at shutdown are cut; the recorder re-sends unacknowledged batches. */
const SHUTDOWN_GRACE_MS = 3000;

function shutDown(): void {
  // Stop taking requests, let running ones finish, then close the database so the WAL is checkpointed.
  stopSweeper();
  server.close(() => {
    db.close();
    process.exit(0);
  });
  setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
}
process.once('SIGINT', shutDown);
process.once('SIGTERM', shutDown);
