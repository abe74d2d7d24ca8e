import {
  KEEPALIVE_BUDGET_BYTES,
  LEAVE_GRACE_MS,
  RETRY_AFTER_MAX_MS,
  RETRY_BASE_DELAY_MS,
  RETRY_MAX_DELAY_MS,
} from './constants.ts';
import { canGzip, gzip, utf8 } from './body.ts';
import { SightlineError, type Reporter } from './errors.ts';
import { realTimers, type Timers } from './timers.ts';

/**
 * Sends batches in order, one at a time, and retries failures with exponential backoff and full jitter.
 * A batch keeps its seq and its exact body through every retry, so the server can store it once.
 * - 2xx: delivered. Network errors, 5xx, 408 and 429: kept and retried (429 and 503 honour Retry-After: a server
 *   too far behind answers 503 with it, and all tabs then come back when it asked rather than at their backoff).
 * - Any other 4xx: the server will never accept it; dropped and reported.
 * - The queue is bounded by maxQueueBytes; beyond it the oldest unsent batch is dropped and reported.
 * - While the page is being left for another document, a keepalive send that fails with a network error is held, not
 *   retried: Chromium rejects the leaving page's keepalive fetches when the next page commits, yet their requests go on
 *   (that is what keepalive is for), so sending them again on pagehide would only send them twice. They are retried if
 *   the page stays after all.
 */

export interface OutgoingBatch {
  sessionId: string;
  windowId: string;
  seq: number;
  /** The IngestBatch as JSON text. */
  json: string;
}

export interface TransportConfig {
  /** Full URL of the ingest endpoint. */
  endpoint: string;
  /** Gzip bodies when CompressionStream exists. */
  gzip: boolean;
  /** Unsent batches kept, in uncompressed bytes; the oldest go first beyond it. */
  maxQueueBytes: number;
}

export interface TransportDeps {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  /** Used on page exit when fetch with keepalive is missing or refuses. */
  sendBeacon?: (url: string, body: Blob) => boolean;
  timers: Timers;
  /** 0..1, for the jitter. */
  random: () => number;
  report: Reporter;
  /** Called for each batch the server acknowledged (2xx), so stored; not for beacons, which get no answer. */
  acknowledged?: (batch: OutgoingBatch) => void;
}

type Outcome =
  /** `answered`: by the server (2xx), not a beacon the browser merely took. */
  | { kind: 'delivered'; answered: boolean }
  | { kind: 'rejected'; status: number }
  /** `lostAnswer`: a keepalive request whose fetch failed without an answer, so it may have arrived all the same. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number; lostAnswer?: boolean };

interface QueueItem {
  id: number;
  batch: OutgoingBatch;
  /** The gzipped or plain body, once prepared. */
  body?: Uint8Array;
  prepared: Promise<void>;
  /**
   * queued → preparing (claimed by the pump while gzip runs) → sending; back to queued after a failure, or held
   * (while the page is being left, a keepalive send lost its answer) until the page stays after all.
   */
  state: 'queued' | 'preparing' | 'sending' | 'held';
}

/** Full jitter: a uniform wait between 0 and min(cap, base · 2^(failures-1)). */
export function backoffDelay(failures: number, random: () => number): number {
  const ceiling = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** Math.max(0, failures - 1));
  return Math.floor(random() * ceiling);
}

/** `Retry-After` as seconds or an HTTP date, in ms from `now`, capped; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1_000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(RETRY_AFTER_MAX_MS, Math.max(0, ms)) : undefined;
}

export interface Transport {
  /** Batches not yet delivered (queued, in flight or waiting for a retry). */
  readonly pending: number;
  enqueue(batch: OutgoingBatch): void;
  /**
   * Sends what is queued now, without waiting out a pending backoff. Resolves once those batches are delivered
   * or dropped, or as soon as a send fails (they stay queued for retry). Never rejects.
   */
  flush(): Promise<void>;
  /**
   * On page exit: starts, synchronously, keepalive sends of queued batches that fit in the browser's keepalive
   * budget, skipping those that do not (they stay queued in case the page survives). Batches whose gzip has not
   * finished go as plain JSON, taken over from the pump if need be: there is no time left to wait for gzip.
   */
  sendOnExit(): void;
  /** Consent withdrawn: drops every unsent batch and sends nothing more (a send already under way cannot be recalled). */
  discard(): void;
  /** A navigation to another document has begun: the page is about to go, with its keepalive requests in flight. */
  leaving(): void;
  /** The page stayed after all (back from the back/forward cache, a navigation that did not leave): held batches are retried. */
  stayed(): void;
}

export function createTransport(config: TransportConfig, deps: TransportDeps): Transport {
  const queue: QueueItem[] = [];
  let queuedBytes = 0;
  let nextId = 0;
  /** A pump-started send is under way; the pump sends one batch at a time, which keeps their order. */
  let sending = false;
  let retryTimer: unknown;
  let failures = 0;
  let keepaliveBytesInFlight = 0;
  let waiters: Array<{ untilId: number; resolve: () => void }> = [];
  let discarded = false;
  let leaving = false;
  let leaveTimer: unknown;

  function retryNow(): void {
    if (retryTimer !== undefined) {
      deps.timers.clearTimeout(retryTimer);
      retryTimer = undefined;
    }
    pump();
  }

  function pump(): void {
    if (sending || retryTimer !== undefined || discarded) return;
    const item = queue.find((candidate) => candidate.state === 'queued');
    if (!item) return;
    sending = true;
    item.state = 'preparing';
    void item.prepared.then(() => {
      if (item.state !== 'preparing') {
        // sendOnExit took it over while gzip ran.
        sending = false;
        pump();
        return;
      }
      const body = item.body || utf8(item.batch.json);
      void send(item, body, keepaliveBytesInFlight + body.byteLength <= KEEPALIVE_BUDGET_BYTES).then((outcome) => {
        sending = false;
        settle(item, outcome);
      });
    });
  }

  async function send(item: QueueItem, body: Uint8Array, keepalive: boolean): Promise<Outcome> {
    item.state = 'sending';
    if (keepalive) keepaliveBytesInFlight += body.byteLength;
    try {
      // text/plain keeps this a CORS "simple request" (no preflight); the server sniffs gzip by its magic bytes.
      const response = await deps.fetch(config.endpoint, {
        method: 'POST',
        body: body as BodyInit,
        headers: { 'Content-Type': 'text/plain' },
        credentials: 'omit',
        keepalive,
      });
      const status = response.status;
      if (status >= 200 && status < 300) return { kind: 'delivered', answered: true };
      if (status >= 500 || status === 408 || status === 429) {
        const asked = status === 429 || status === 503;
        const retryAfterMs = asked ? parseRetryAfter(response.headers.get('Retry-After'), deps.timers.now()) : undefined;
        return { kind: 'retry', reason: `HTTP ${status}`, retryAfterMs };
      }
      return { kind: 'rejected', status };
    } catch (error) {
      return { kind: 'retry', reason: error instanceof Error ? error.message : String(error), lostAnswer: keepalive };
    } finally {
      if (keepalive) keepaliveBytesInFlight -= body.byteLength;
    }
  }

  function settle(item: QueueItem, outcome: Outcome): void {
    const { seq, sessionId } = item.batch;
    item.state = 'queued';
    if (outcome.kind === 'retry' && outcome.lostAnswer && leaving) {
      item.state = 'held';
      resolveWaiters(true);
      return;
    }
    if (outcome.kind === 'retry') {
      failures++;
      // Once per outage, not once per attempt.
      if (failures === 1) deps.report(new SightlineError('send_failed', `batch ${seq} failed (${outcome.reason}); will retry`));
      if (retryTimer === undefined) {
        retryTimer = deps.timers.setTimeout(() => {
          retryTimer = undefined;
          pump();
        }, outcome.retryAfterMs ?? backoffDelay(failures, deps.random));
      }
      resolveWaiters(true);
      return;
    }
    if (outcome.kind === 'rejected') {
      deps.report(new SightlineError('batch_rejected', `batch ${seq} of session ${sessionId} refused with HTTP ${outcome.status}; dropped`));
    } else {
      failures = 0;
      if (outcome.answered) deps.acknowledged?.(item.batch);
    }
    remove(item);
    pump();
  }

  function remove(item: QueueItem): void {
    const index = queue.indexOf(item);
    if (index < 0) return;
    queue.splice(index, 1);
    queuedBytes -= item.batch.json.length;
    resolveWaiters(false);
  }

  function dropOverflow(): void {
    // The newest batch always stays, even alone over the cap: it is the freshest part of the recording.
    while (queuedBytes > config.maxQueueBytes) {
      const victim = queue.find((item) => item.state === 'queued' && item !== queue[queue.length - 1]);
      if (!victim) return;
      remove(victim);
      deps.report(new SightlineError('queue_overflow', `retry queue over ${config.maxQueueBytes} bytes; dropped batch ${victim.batch.seq}`));
    }
  }

  function resolveWaiters(all: boolean): void {
    // The queue is in id order, so everything below its first id has left it.
    const firstId = queue.length > 0 ? queue[0].id : Infinity;
    waiters = waiters.filter((waiter) => {
      const done = all || waiter.untilId < firstId;
      if (done) waiter.resolve();
      return !done;
    });
  }

  function stayed(): void {
    deps.timers.clearTimeout(leaveTimer);
    leaving = false;
    for (const item of queue) if (item.state === 'held') item.state = 'queued';
    pump();
  }

  return {
    get pending() {
      return queue.length;
    },
    enqueue(batch) {
      const item: QueueItem = { id: nextId++, batch, state: 'queued', prepared: Promise.resolve() };
      const plain = () => void (item.body = utf8(batch.json));
      item.prepared = config.gzip && canGzip()
        ? gzip(batch.json).then(
            (body) => void (item.body = body),
            (error) => {
              deps.report(error);
              plain();
            },
          )
        : item.prepared.then(plain);
      queue.push(item);
      queuedBytes += batch.json.length;
      dropOverflow();
      pump();
    },
    flush() {
      const last = queue[queue.length - 1];
      if (!last) return Promise.resolve();
      return new Promise((resolve) => {
        waiters.push({ untilId: last.id, resolve });
        retryNow();
      });
    },
    sendOnExit() {
      // A copy: a beacon settles synchronously, which removes the item from the queue.
      for (const item of [...queue]) {
        if (item.state === 'sending' || item.state === 'held') continue;
        const body = item.body || utf8(item.batch.json);
        if (keepaliveBytesInFlight + body.byteLength > KEEPALIVE_BUDGET_BYTES) continue;
        if (typeof deps.fetch === 'function') {
          void send(item, body, true).then((outcome) => settle(item, outcome));
        } else if (deps.sendBeacon?.(config.endpoint, new Blob([body as BlobPart], { type: 'text/plain' }))) {
          // A beacon reports no answer: once the browser took it, count it delivered.
          settle(item, { kind: 'delivered', answered: false });
        }
      }
    },
    discard() {
      discarded = true;
      deps.timers.clearTimeout(retryTimer);
      deps.timers.clearTimeout(leaveTimer);
      for (const item of queue.filter((candidate) => candidate.state !== 'sending')) {
        item.state = 'queued'; // a batch still in gzip must not be sent once its gzip ends
        remove(item);
      }
      resolveWaiters(true);
    },
    leaving() {
      leaving = true;
      deps.timers.clearTimeout(leaveTimer);
      // A navigation that never commits (a download, a 204, one cancelled) fires nothing reliable: give up waiting.
      leaveTimer = deps.timers.setTimeout(stayed, LEAVE_GRACE_MS);
    },
    stayed,
  };
}
