import { describe, expect, test } from 'vitest';
import { SESSION_STORAGE_KEY } from '../../../recorder/constants.ts';
import { createSessionTracker, isSessionExpired, randomId, type SessionTrackerDeps } from '../../../recorder/session.ts';
import { memoryStore, safeStore, type KeyValueStore } from '../../../recorder/storage.ts';

const IDLE = 30 * 60_000;
const T0 = 1_700_000_000_000;

describe('recorder | isSessionExpired', () => {
  test.each([
    ['just active', 0, false],
    ['one ms before the timeout', IDLE - 1, false],
    ['exactly at the timeout', IDLE, true],
    ['past the timeout', IDLE + 1, true],
    ['with a clock that went backwards', -5_000, false],
  ])('%s → %s', (_case, idleFor, expired) => {
    expect(isSessionExpired({ lastActivityAt: T0 }, T0 + idleFor, IDLE)).toBe(expired);
  });
});

/** A visitor: localStorage shared by tabs; each tab its own sessionStorage; one clock. */
function visitor(options: { sampleRate?: number; random?: () => number } = {}) {
  const clock = { now: T0 };
  const shared = memoryStore();
  let ids = 0;
  const tab = (tabStore: KeyValueStore = memoryStore(), random = options.random ?? (() => 0)) => {
    const deps: SessionTrackerDeps = { shared, tab: tabStore, now: () => clock.now, random, newId: () => `id-${++ids}` };
    return { tracker: createSessionTracker({ idleTimeoutMs: IDLE, sampleRate: options.sampleRate ?? 1 }, deps), store: tabStore };
  };
  return { clock, shared, tab };
}

describe('recorder | session tracker', () => {
  test('starts a session in localStorage and a window in this tab', () => {
    const { shared, tab } = visitor();
    const { tracker } = tab();
    expect(tracker.session).toMatchObject({ startedAt: T0, lastActivityAt: T0, sampled: true });
    expect(JSON.parse(shared.get(SESSION_STORAGE_KEY)!)).toEqual(tracker.session);
    expect(tracker.windowId).not.toBe(tracker.session.id);
  });

  test('a second tab joins the live session with a window of its own', () => {
    const { clock, tab } = visitor();
    const first = tab().tracker;
    clock.now += 60_000;
    const second = tab().tracker;
    expect(second.session.id).toBe(first.session.id);
    expect(second.windowId).not.toBe(first.windowId);
  });

  test('a reload of the tab keeps its window id and continues seq', () => {
    const { clock, tab } = visitor();
    const before = tab();
    expect([before.tracker.nextSeq(before.tracker.session.id), before.tracker.nextSeq(before.tracker.session.id)]).toEqual([0, 1]);
    before.tracker.suspend(); // pagehide
    clock.now += 1_000;
    const after = tab(before.store).tracker;
    expect(after.windowId).toBe(before.tracker.windowId);
    expect(after.session.id).toBe(before.tracker.session.id);
    expect(after.nextSeq(after.session.id)).toBe(2);
  });

  test('a duplicated tab (sessionStorage copied from a live page) gets a new window id', () => {
    const { tab } = visitor();
    const original = tab();
    const copy = memoryStore();
    for (const key of ['sl:window', 'sl:window-alive']) copy.set(key, original.store.get(key)!);
    const duplicate = tab(copy).tracker;
    expect(duplicate.windowId).not.toBe(original.tracker.windowId);
    expect(duplicate.nextSeq(duplicate.session.id)).toBe(0);
  });

  test('idle past the timeout: the next activity starts a new session, and seq starts over', () => {
    const { clock, tab } = visitor();
    const { tracker } = tab();
    const firstId = tracker.session.id;
    tracker.nextSeq(firstId);
    tracker.nextSeq(firstId);
    clock.now += IDLE - 1;
    expect(tracker.isExpired(clock.now)).toBe(false);
    clock.now += 1;
    expect(tracker.isExpired(clock.now)).toBe(true);
    expect(tracker.noteActivity(clock.now)).toBe(true);
    expect(tracker.session.id).not.toBe(firstId);
    expect(tracker.session.startedAt).toBe(clock.now);
    expect(tracker.nextSeq(tracker.session.id)).toBe(0);
  });

  test('activity in another tab keeps the session alive in an idle one', () => {
    const { clock, tab } = visitor();
    const idle = tab().tracker;
    const busy = tab().tracker;
    clock.now += IDLE - 10_000;
    busy.noteActivity(clock.now);
    clock.now += 20_000; // idle tab: 30 min 10 s without its own activity
    expect(idle.isExpired(clock.now)).toBe(false);
    expect(idle.noteActivity(clock.now)).toBe(false);
    expect(idle.session.id).toBe(busy.session.id);
  });

  test('a tab that wakes after another tab rolled over joins the new session instead of starting a third', () => {
    const { clock, tab } = visitor();
    const a = tab().tracker;
    const b = tab().tracker;
    clock.now += IDLE + 1;
    expect(a.noteActivity(clock.now)).toBe(true);
    expect(b.isExpired(clock.now)).toBe(true); // b has seen no activity of its own yet
    clock.now += 1_000;
    expect(b.noteActivity(clock.now)).toBe(true);
    expect(b.session.id).toBe(a.session.id);
  });

  test('lastActivityAt is written at most every 5 s, not on every mousemove', () => {
    const { clock, shared, tab } = visitor();
    const { tracker } = tab();
    const stored = () => JSON.parse(shared.get(SESSION_STORAGE_KEY)!).lastActivityAt;
    for (let i = 1; i <= 49; i++) tracker.noteActivity(T0 + i * 100);
    expect(stored()).toBe(T0);
    tracker.noteActivity(T0 + 5_000);
    expect(stored()).toBe(T0 + 5_000);
    clock.now = T0 + 6_000;
    tracker.suspend(); // pagehide writes through
    expect(stored()).toBe(T0 + 5_000);
    tracker.noteActivity(T0 + 6_500);
    tracker.suspend();
    expect(stored()).toBe(T0 + 6_500);
  });

  test('sampling is decided once per session and shared by its tabs', () => {
    const { tab } = visitor({ sampleRate: 0.5 });
    const first = tab(memoryStore(), () => 0.7).tracker;
    const second = tab(memoryStore(), () => 0.1).tracker;
    expect(first.session.sampled).toBe(false);
    expect(second.session.sampled).toBe(false);
  });

  test('unreadable stored state counts as absent', () => {
    const { shared, tab } = visitor();
    shared.set(SESSION_STORAGE_KEY, '{not json');
    const { tracker } = tab();
    expect(tracker.session.startedAt).toBe(T0);
  });

  test('storage that throws falls back to ids in memory', () => {
    const throwing = safeStore(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    const deps: SessionTrackerDeps = { shared: throwing, tab: throwing, now: () => T0, random: () => 0, newId: randomId };
    const tracker = createSessionTracker({ idleTimeoutMs: IDLE, sampleRate: 1 }, deps);
    expect(tracker.session.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([tracker.nextSeq(tracker.session.id), tracker.nextSeq(tracker.session.id)]).toEqual([0, 1]);
  });

  test('storage that starts failing later (quota) keeps working in memory', () => {
    let full = false;
    const values = new Map<string, string>();
    const storage = {
      getItem: (key: string) => values.get(key) ?? null,
      setItem: (key: string, value: string) => {
        if (full) throw new DOMException('full', 'QuotaExceededError');
        values.set(key, value);
      },
      removeItem: (key: string) => void values.delete(key),
    } as Storage;
    const store = safeStore(() => storage);
    store.set('a', '1');
    full = true;
    store.set('a', '2');
    expect(store.get('a')).toBe('2');
  });
});
