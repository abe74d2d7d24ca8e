import {
  ACTIVITY_WRITE_INTERVAL_MS,
  CONSOLE_COUNT_KEY,
  NETWORK_COUNT_KEY,
  EXPIRED_RECHECK_INTERVAL_MS,
  SESSION_STORAGE_KEY,
  SHARED_TEXTS_STORAGE_KEY,
  WINDOW_ALIVE_KEY,
  WINDOW_STORAGE_KEY,
} from './constants.ts';
import { readJson, type KeyValueStore } from './storage.ts';

/** A visitor's session, in localStorage so that all their tabs share it. */
export interface SessionState {
  id: string;
  startedAt: number;
  lastActivityAt: number;
  /** Decided once, when the session starts, so that all tabs agree on recording it. */
  sampled: boolean;
}

/** One tab, in sessionStorage so that a reload keeps its id and its seq counter. */
export interface WindowState {
  id: string;
  /** The session `seq` counts in; a new session starts again at 0. */
  sessionId: string;
  /** The next batch number to hand out. */
  seq: number;
}

/** A session has expired once `idleTimeoutMs` passed without user activity; exactly at the timeout counts as expired. */
export function isSessionExpired(state: Pick<SessionState, 'lastActivityAt'>, now: number, idleTimeoutMs: number): boolean {
  return now - state.lastActivityAt >= idleTimeoutMs;
}

/** Removes every key the recorder keeps in the browser (consent denied, or a privacy signal). */
export function forgetStoredState(shared: Pick<KeyValueStore, 'remove'>, tab: Pick<KeyValueStore, 'remove'>): void {
  shared.remove(SESSION_STORAGE_KEY);
  shared.remove(CONSOLE_COUNT_KEY);
  shared.remove(NETWORK_COUNT_KEY);
  tab.remove(WINDOW_STORAGE_KEY);
  tab.remove(WINDOW_ALIVE_KEY);
  tab.remove(SHARED_TEXTS_STORAGE_KEY);
}

/** RFC 4122 version 4 UUID; `crypto.randomUUID` exists only in secure contexts, getRandomValues everywhere. */
export function randomId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Each template digit d becomes d XOR random bits; 4 (version) and 8 (variant) keep their required bits.
  return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (digit) =>
    (Number(digit) ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (Number(digit) / 4)))).toString(16),
  );
}

function isSessionState(value: unknown): value is SessionState {
  const v = value as SessionState;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.startedAt === 'number' &&
    typeof v.lastActivityAt === 'number' && typeof v.sampled === 'boolean';
}

function isWindowState(value: unknown): value is WindowState {
  const v = value as WindowState;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.sessionId === 'string' &&
    Number.isInteger(v.seq) && v.seq >= 0;
}

export interface SessionTrackerConfig {
  /** A session ends after this long without user activity, in ms. */
  idleTimeoutMs: number;
  /** Share of new sessions that are recorded, 0..1. */
  sampleRate: number;
}

export interface SessionTrackerDeps {
  /** Shared by the visitor's tabs (localStorage). */
  shared: KeyValueStore;
  /** This tab only (sessionStorage). */
  tab: KeyValueStore;
  now: () => number;
  random: () => number;
  newId: () => string;
}

export interface SessionTracker {
  readonly session: Readonly<SessionState>;
  readonly windowId: string;
  /**
   * Records user activity at `now`. Returns true when this tab moved to another session: a new one after the
   * idle timeout, or one another tab started meanwhile. The caller then cuts its batch and snapshots again.
   */
  noteActivity(now: number): boolean;
  /**
   * True while this session has ended for lack of activity. Activity in other tabs keeps it alive; a different
   * live session started by another tab also counts as ended here until this tab sees activity of its own.
   */
  isExpired(now: number): boolean;
  /** Hands out the next batch number for `sessionId` in this tab, persisted first so a reload never reuses it. */
  nextSeq(sessionId: string): number;
  /** On pagehide: writes the latest activity, and marks the tab closed so its next page keeps the window id. */
  suspend(): void;
  /** On pageshow from the back/forward cache: the page lives again. */
  resume(): void;
}

/**
 * Owns the session and window ids. The session only changes inside `noteActivity`, which the client calls from
 * its own event listeners, never from inside rrweb's emit: a rollover takes a full snapshot, and that must not
 * happen re-entrantly.
 */
export function createSessionTracker(config: SessionTrackerConfig, deps: SessionTrackerDeps): SessionTracker {
  const { shared, tab } = deps;
  const { idleTimeoutMs } = config;
  let lastWriteAt = -Infinity;
  let lastRecheckAt = -Infinity;

  const newSession = (now: number): SessionState =>
    ({ id: deps.newId(), startedAt: now, lastActivityAt: now, sampled: deps.random() < config.sampleRate });

  function readLiveStored(now: number): SessionState | undefined {
    const stored = readJson(shared, SESSION_STORAGE_KEY);
    return isSessionState(stored) && !isSessionExpired(stored, now, idleTimeoutMs) ? stored : undefined;
  }

  function persistSession(now: number): void {
    lastWriteAt = now;
    shared.set(SESSION_STORAGE_KEY, JSON.stringify(state));
  }

  const saveWindow = () => tab.set(WINDOW_STORAGE_KEY, JSON.stringify(tabWindow));

  const startedAt = deps.now();
  const storedLive = readLiveStored(startedAt);
  // A page load is user activity: it extends a live session, or starts a new one.
  let state: SessionState = storedLive ? { ...storedLive, lastActivityAt: startedAt } : newSession(startedAt);
  persistSession(startedAt);

  const storedWindow = readJson(tab, WINDOW_STORAGE_KEY);
  // Browsers copy sessionStorage into a duplicated tab; a page still alive with our id means we are the copy.
  const duplicated = tab.get(WINDOW_ALIVE_KEY) !== null;
  tab.set(WINDOW_ALIVE_KEY, '1');
  let tabWindow: WindowState = isWindowState(storedWindow) && !duplicated
    ? storedWindow
    : { id: deps.newId(), sessionId: state.id, seq: 0 };
  saveWindow();

  return {
    get session() {
      return state;
    },
    get windowId() {
      return tabWindow.id;
    },
    noteActivity(now) {
      const previousId = state.id;
      if (isSessionExpired(state, now, idleTimeoutMs)) {
        const stored = readLiveStored(now);
        state = stored ? { ...stored, lastActivityAt: now } : newSession(now);
        persistSession(now);
        return state.id !== previousId;
      }
      state.lastActivityAt = now;
      if (now - lastWriteAt < ACTIVITY_WRITE_INTERVAL_MS) return false;
      // Another tab may have rolled over while we were busy; the newer live session wins in every tab.
      const stored = readLiveStored(now);
      if (stored && stored.id !== state.id && stored.startedAt >= state.startedAt) state = { ...stored, lastActivityAt: now };
      persistSession(now);
      return state.id !== previousId;
    },
    isExpired(now) {
      if (!isSessionExpired(state, now, idleTimeoutMs)) return false;
      if (now - lastRecheckAt < EXPIRED_RECHECK_INTERVAL_MS) return true;
      lastRecheckAt = now;
      const stored = readLiveStored(now);
      if (stored?.id !== state.id) return true;
      state.lastActivityAt = stored.lastActivityAt;
      return false;
    },
    nextSeq(sessionId) {
      if (tabWindow.sessionId !== sessionId) tabWindow = { ...tabWindow, sessionId, seq: 0 };
      const seq = tabWindow.seq++;
      saveWindow();
      return seq;
    },
    suspend() {
      persistSession(deps.now());
      tab.remove(WINDOW_ALIVE_KEY);
    },
    resume() {
      tab.set(WINDOW_ALIVE_KEY, '1');
    },
  };
}
