/**
 * Loads one session for replay: its detail, then pages of events until replay can start, then the rest in the
 * background, handed to the player as they arrive. A long session starts playing after its first page.
 */
import type { SessionDetail } from '../../../contract/api.ts';
import { api as defaultApi, type ApiClient } from '../lib/api.ts';
import { canStartReplay, isDevEvent, isReplayEvent, type ReplayEvent } from '../lib/recording.ts';

export interface ReplayLoadOptions {
  /** Client for the read API. Defaults to the same-origin client. */
  api?: ApiClient;
  /** Events asked for per request. Defaults to 1000. */
  pageSize?: number;
}

/**
 * `loading` until the first events are in; `playable` once replay can start; `unplayable` when the recording
 * has too little to replay; `error` when the session or its first events could not be loaded.
 */
export type LoadPhase = 'loading' | 'playable' | 'unplayable' | 'error';

export class ReplayLoad {
  phase = $state<LoadPhase>('loading');
  detail = $state.raw<SessionDetail | null>(null);
  /** The window being replayed: the one asked for if the session has it, else the first. */
  windowId = $state<string | null>(null);
  /** What the player is created with; later pages go to the sink given to `attach`. */
  startEvents = $state.raw<ReplayEvent[]>([]);
  /** Why the load failed (phase `error`) or why the background load stopped (phase `playable`). */
  error = $state.raw<Error | null>(null);
  /** Events fetched so far, across all pages. */
  loadedCount = $state(0);
  /** Timestamp of the latest event fetched so far. */
  loadedUntil = $state(0);
  /** True once the last page has been fetched. */
  done = $state(false);
  /** The console and network events fetched so far (sl:console, sl:network), for the developer panel. */
  devEvents = $state.raw<ReplayEvent[]>([]);

  readonly sessionId: string;
  readonly #requestedWindow: string | null;
  readonly #api: ApiClient;
  readonly #pageSize: number;
  readonly #abort = new AbortController();
  #cursor: string | null = null;
  #sink: ((events: ReplayEvent[]) => void) | null = null;
  // Pages that arrive before the player exists wait here, in order.
  #pending: ReplayEvent[] = [];

  constructor(sessionId: string, requestedWindow: string | null, options: ReplayLoadOptions = {}) {
    this.sessionId = sessionId;
    this.#requestedWindow = requestedWindow;
    this.#api = options.api ?? defaultApi;
    this.#pageSize = options.pageSize ?? 1000;
  }

  /** Total events expected for the replayed window, when the summary can tell (one window only). */
  get expectedCount(): number | null {
    const session = this.detail?.session;
    if (!session || session.windows.length > 1) return null;
    return Math.max(session.eventCount, this.loadedCount);
  }

  async start(): Promise<void> {
    const signal = this.#abort.signal;
    try {
      const detail = await this.#api.getSession(this.sessionId, signal);
      const windows = detail.session.windows;
      this.windowId =
        this.#requestedWindow !== null && windows.includes(this.#requestedWindow)
          ? this.#requestedWindow
          : (windows[0] ?? null);
      this.detail = detail;

      const first: ReplayEvent[] = [];
      do {
        first.push(...(await this.#fetchPage()));
      } while (this.#cursor !== null && !canStartReplay(first));
      if (!canStartReplay(first)) {
        this.phase = 'unplayable';
        return;
      }
      this.startEvents = first;
      this.phase = 'playable';
    } catch (error) {
      if (signal.aborted) return;
      this.error = error instanceof Error ? error : new Error(String(error));
      this.phase = 'error';
      return;
    }
    await this.#loadRest();
  }

  /** Retries the background load from the page that failed. */
  resume(): void {
    if (this.phase !== 'playable' || this.done || this.error === null) return;
    this.error = null;
    void this.#loadRest();
  }

  /** Hands every later event to `sink`, starting with those that arrived before it. */
  attach(sink: (events: ReplayEvent[]) => void): void {
    this.#sink = sink;
    if (this.#pending.length > 0) {
      const pending = this.#pending;
      this.#pending = [];
      sink(pending);
    }
  }

  stop(): void {
    this.#abort.abort();
    this.#sink = null;
  }

  async #loadRest(): Promise<void> {
    const signal = this.#abort.signal;
    try {
      while (this.#cursor !== null) {
        const events = await this.#fetchPage();
        if (events.length === 0) continue;
        if (this.#sink) this.#sink(events);
        else this.#pending.push(...events);
      }
      this.done = true;
    } catch (error) {
      if (signal.aborted) return;
      this.error = error instanceof Error ? error : new Error(String(error));
    }
  }

  async #fetchPage(): Promise<ReplayEvent[]> {
    const page = await this.#api.getEvents(
      this.sessionId,
      { window: this.windowId ?? undefined, cursor: this.#cursor ?? undefined, limit: this.#pageSize },
      this.#abort.signal,
    );
    const events = page.events.filter(isReplayEvent);
    this.#cursor = page.nextCursor;
    if (this.#cursor === null) this.done = true;
    this.loadedCount += events.length;
    for (const event of events) this.loadedUntil = Math.max(this.loadedUntil, event.timestamp);
    const developer = events.filter(isDevEvent);
    if (developer.length > 0) this.devEvents = [...this.devEvents, ...developer];
    return events;
  }
}
