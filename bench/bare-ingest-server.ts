/**
 * The ceiling for figure 4: a bare Node http server that writes each request body into a SQLite table, one insert
 * (one transaction) per request, in WAL mode. By default with synchronous FULL, as Sightline's database (each commit
 * synced before the answer, so both promise the same durability); with NORMAL as a reference for what that costs. No
 * parsing, no validation, no derivation: what any ingest on this machine, in Node and SQLite, cannot beat.
 */
import BetterSqlite3 from 'better-sqlite3';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BareIngestServer {
  url: string;
  db: BetterSqlite3.Database;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

export interface BareIngestOptions {
  /** SQLite's synchronous setting: FULL syncs the WAL at every commit, NORMAL only at checkpoints. Defaults to FULL. */
  synchronous: 'FULL' | 'NORMAL';
}

export async function startBareIngestServer(dbPath: string, { synchronous }: BareIngestOptions = { synchronous: 'FULL' }): Promise<BareIngestServer> {
  const db = new BetterSqlite3(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec('CREATE TABLE IF NOT EXISTS batches (id TEXT PRIMARY KEY, body BLOB NOT NULL, received_at INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO batches (id, body, received_at) VALUES (?, ?, ?)');
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      // The identity travels in a header (see bench/ingest.lua), so acknowledging it costs no parsing.
      const id = String(req.headers['x-bench-id'] ?? '');
      insert.run(id, body, Date.now());
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true, id }));
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          db.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
