import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { registerCheckoutFunctions } from '../../../../server/storage/checkout-days.ts';
import { openDatabase } from '../../../../server/storage/db.ts';
import { registerSubjectFunctions } from '../../../../server/storage/deletion-subject.ts';
import { migrations } from '../../../../server/storage/migrations.ts';

/** The version before checkout totals: the last one that shipped without them. */
const BEFORE = migrations.findIndex((sql) => sql.includes('CREATE TABLE checkout_days'));
const DAY = 86_400_000;

describe('storage | the checkout totals migration', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  test('sums the sessions and carts already stored per project, start day and device, and lists the orders', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sightline-checkout-'));
    folders.push(folder);
    const path = join(folder, 'old.db');
    const old = new BetterSqlite3(path);
    registerSubjectFunctions(old);
    registerCheckoutFunctions(old);
    for (const sql of migrations.slice(0, BEFORE)) old.exec(sql);
    old.pragma(`user_version = ${BEFORE}`);
    const session = old.prepare(
      `INSERT INTO sessions (id, project_id, started_at, ended_at, device, created_at, updated_at) VALUES (?, 1, ?, ?, ?, 0, 0)`,
    );
    session.run('a', 10 * DAY + 5, 10 * DAY + 9, 'mobile');
    session.run('b', 10 * DAY + 7, 10 * DAY + 9, 'mobile');
    session.run('c', 11 * DAY, 11 * DAY, 'desktop');
    const track = old.prepare(
      `INSERT INTO custom_events (session_id, window_id, ts, tag, name, props) VALUES (?, 'w', 1, 'sl:track', ?, ?)`,
    );
    const props = (value: unknown) => JSON.stringify({ name: 'x', props: { value } });
    track.run('a', 'add_to_cart', props(10.5));
    track.run('a', 'add_to_cart', props('4.5'));
    track.run('a', 'purchase', props(99));
    track.run('c', 'add_to_cart', props('free'));
    old.prepare(
      `INSERT INTO custom_events (session_id, window_id, ts, tag, name, props, source) VALUES ('b', '', 2, 'sl:track', 'refund', ?, 'server')`,
    ).run(JSON.stringify({ name: 'refund', props: { value: '5', orderId: 1001 } }));
    old.close();

    const db = openDatabase(path);
    expect(db.prepare('SELECT session_id, carts, value FROM session_carts ORDER BY session_id').all()).toEqual([
      { session_id: 'a', carts: 2, value: 15 },
      { session_id: 'c', carts: 1, value: 0 },
    ]);
    expect(db.prepare('SELECT day, device, sessions, cart_sessions, cart_value FROM checkout_days ORDER BY day').all()).toEqual([
      { day: 10, device: 'mobile', sessions: 2, cart_sessions: 1, cart_value: 15 },
      { day: 11, device: 'desktop', sessions: 1, cart_sessions: 1, cart_value: 0 },
    ]);
    expect(db.prepare('SELECT session_id, started_at, device, refund, source, value, order_key FROM order_events ORDER BY event_id').all()).toEqual([
      { session_id: 'a', started_at: 10 * DAY + 5, device: 'mobile', refund: 0, source: 'browser', value: 99, order_key: null },
      { session_id: 'b', started_at: 10 * DAY + 7, device: 'mobile', refund: 1, source: 'server', value: 5, order_key: '1001' },
    ]);
  });
});
