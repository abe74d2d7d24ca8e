/**
 * Crash safety of derivation: the real server, in its own process, SIGKILLs itself at a chosen point of its
 * derivation (SIGHTLINE_TEST_KILL_DERIVATION: inside the Nth transaction, after its first window's writes and
 * before the commit; or right after the Nth commit) while a workload streams in or is being derived. Restarted on the same file, it
 * derives what was left, the senders re-send what was not acknowledged, and every derived table, the webhook outbox
 * included, equals that of a server that was never interrupted: nothing missed, nothing counted twice.
 */
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { IngestBatch } from '../../contract/protocol.ts';
import { postBatch } from '../api/support.ts';
import { startChildServer, type ChildServer } from '../helpers/child-server.ts';
import { dumpDerivedTables, type TableDump } from '../helpers/derived-tables.ts';
import { ALLOW_LOCAL_RECEIVERS, ALLOW_LOCAL_RECEIVERS_ENV } from '../../support/outbound.ts';
import { adminFetch, startTestServer, waitForDerivation } from '../../support/server.ts';
import { generateWorkload } from '../helpers/workload.ts';

const dir = mkdtempSync(join(tmpdir(), 'sightline-derive-crash-'));
// Recent, so the child servers accept the events with the production window of event times.
const workload = generateWorkload({ sessions: 16, seed: 21, start: Date.now() - 2 * 3_600_000 });
/** A receiver nobody listens on: delivery is off in the children (SIGHTLINE_WEBHOOK_POLL_MS=0), the outbox is what counts. */
const HOOK = { url: 'http://127.0.0.1:9/hooks', events: ['rage_click', 'error_click'] };
const CHILD_ENV = { ...ALLOW_LOCAL_RECEIVERS_ENV, SIGHTLINE_WEBHOOK_POLL_MS: '0', SIGHTLINE_SESSION_CLOSE_SWEEP_MS: '0' };

async function createHook(url: string): Promise<void> {
  const response = await adminFetch(`${url}/api/webhooks`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(HOOK),
  });
  expect(response.status, await response.text()).toBe(201);
}

/** Each session's batches in order, the sessions at once; stops a session at its first failed send. */
async function sendAll(url: string): Promise<number> {
  const bySession = new Map<string, IngestBatch[]>();
  for (const batch of workload) bySession.set(batch.sessionId, [...(bySession.get(batch.sessionId) ?? []), batch]);
  let acked = 0;
  await Promise.all(
    [...bySession.values()].map(async (batches) => {
      for (const batch of batches) {
        try {
          const response = await postBatch(url, batch, { gzip: true });
          if (response.status !== 200) return;
          await response.json();
          acked++;
        } catch {
          return;
        }
      }
    }),
  );
  return acked;
}

/** The outbox as what it announces: type and the signal's session, window, time and element. */
function outbox(db: BetterSqlite3.Database): string[] {
  return db
    .prepare<[], { type: string; session_id: string; window_id: string; data: string }>('SELECT type, session_id, window_id, data FROM webhook_events')
    .all()
    .map(({ type, session_id, window_id, data }) => {
      const { at, selector } = JSON.parse(data) as { at: number; selector: string };
      return `${type} ${session_id} ${window_id} ${at} ${selector}`;
    })
    .sort();
}

function readFile(dbPath: string): { integrity: string; dump: TableDump; outbox: string[]; windows: number; queued: number } {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      dump: dumpDerivedTables(db),
      outbox: outbox(db),
      windows: db.prepare('SELECT count(*) FROM window_carry').pluck().get() as number,
      queued: db.prepare('SELECT count(*) FROM derive_queue').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

describe('e2e | SIGKILL during derivation', () => {
  const children: ChildServer[] = [];
  let reference: { dump: TableDump; outbox: string[] };

  beforeAll(async () => {
    const server = await startTestServer(ALLOW_LOCAL_RECEIVERS);
    try {
      await createHook(server.url);
      expect(await sendAll(server.url)).toBe(workload.length);
      await server.waitForDerivation();
      reference = { dump: dumpDerivedTables(server.db), outbox: outbox(server.db) };
    } finally {
      await server.close();
    }
    expect(reference.outbox.length).toBeGreaterThan(3);
  }, 60_000);
  afterAll(async () => {
    for (const child of children) await child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test.each(['inside:1', 'inside:2', 'after:1', 'after:3'])('killed at %s, restarted: the derived tables equal an uninterrupted run', async (point) => {
    const dbPath = join(dir, `${point.replace(':', '-')}.db`);
    const first = await startChildServer({ dbPath, env: { ...CHILD_ENV, SIGHTLINE_TEST_KILL_DERIVATION: point } });
    children.push(first);
    await createHook(first.url);
    await sendAll(first.url);
    // It kills itself, while the workload streams in or while it derives what it acknowledged: the test never does.
    await expect.poll(() => first.process.signalCode, { timeout: 30_000 }).toBe('SIGKILL');

    const crashed = readFile(dbPath);
    expect(crashed.integrity).toBe('ok');
    // Killed inside a transaction: its chunks are still queued (nothing of it committed). Killed after a commit: what
    // it derived is stored and no longer queued, so the restart must not derive it again.
    if (point.startsWith('inside')) expect(crashed.queued).toBeGreaterThan(0);
    else expect(crashed.windows).toBeGreaterThan(0);
    if (point === 'inside:1') expect(crashed.windows).toBe(0);

    const second = await startChildServer({ dbPath, port: first.port, env: CHILD_ENV });
    children.push(second);
    // The recorder re-sends what it holds unacknowledged; here every batch is sent again.
    expect(await sendAll(second.url)).toBe(workload.length);
    await waitForDerivation(second.url);
    const final = readFile(dbPath);
    expect(final.integrity).toBe('ok');
    for (const table of Object.keys(reference.dump)) expect(final.dump[table], table).toEqual(reference.dump[table]);
    expect(final.outbox).toEqual(reference.outbox);
    await second.kill('SIGTERM');
  }, 120_000);
});
