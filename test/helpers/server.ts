import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/app.ts';
import { defaultConfig, type Config } from '../../server/config.ts';
import { openDatabase, type Database } from '../../server/storage/db.ts';
import { createSqliteStore, type Store } from '../../server/storage/store.ts';

export interface TestServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:40123. */
  url: string;
  store: Store;
  db: Database;
  config: Config;
  close(): Promise<void>;
}

/**
 * Starts the real app over an in-memory database (or `overrides.dbPath`), with the default config plus
 * `overrides`, on a free port unless `overrides.port` names one (to restart a server where it was); the
 * environment is ignored so tests behave the same everywhere.
 */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const config: Config = { ...defaultConfig, dbPath: ':memory:', port: 0, ...overrides };
  const db = openDatabase(config.dbPath);
  const store = createSqliteStore(db);
  const app = createApp({ store, config });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(config.port, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    db,
    config: { ...config, port },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      db.close();
    },
  };
}
