/**
 * The pipeline as the server runs it: the consumer over the batch deriver, the cache ingest fills with the chunks it
 * appends, the backlog bound ingest checks, the status the API reports and re-derivation.
 */
import type { StatusResponse } from '../../contract/api.ts';
import type { Config } from '../config.ts';
import type { Database } from '../storage/db.ts';
import { createDeriveQueue } from '../storage/derive-queue.ts';
import type { AppendedChunk } from '../storage/model.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { pageKeysWithinBudget } from './derive-rows.ts';
import { ChunkEventCache } from './chunk-event-cache.ts';
import { createConsumer, type Consumer, type ConsumerOptions } from './consumer.ts';
import { createBatchDeriver, type AfterWindowHook } from './derive-batch.ts';
import { createRederive, type RederiveStart } from './rederive.ts';

/** Derivation counts as behind once its oldest waiting chunk has waited longer than this, in ms. */
export const BEHIND_AFTER_MS = 5_000;
/** While the backlog is full, the queue is counted again at most this often, in ms. */
const BACKLOG_RECOUNT_MS = 100;
/** caughtUp() looks at the queue this often, in ms. */
const CAUGHT_UP_POLL_MS = 20;

export interface Pipeline {
  readonly consumer: Consumer;
  /** Ingest stored and queued a chunk: cache its events for the consumer and wake it. */
  appended(chunk: AppendedChunk): void;
  /** Whether keying the pages the events navigate to with these patterns stays within `config.maxPageKeySteps`. */
  pageKeysWithin(events: readonly RecordedEvent[], patterns: readonly string[]): boolean;
  /** Whether acknowledged chunks waiting for derivation (all projects) have reached `config.maxBacklog`. */
  backlogFull(): boolean;
  status(projectId: number, now?: number): StatusResponse;
  /** Starts re-deriving the project's history unless one is running (then `started` is false). */
  rederive(projectId: number): RederiveStart;
  /** Forgets what memory holds of deleted sessions. */
  forgetSessions(sessionIds: readonly string[]): void;
  /**
   * Resolves true once every chunk ingest had queued when it was called is derived, false if that takes longer than
   * `timeoutMs` (what reads derived columns to act, like deleting a user's sessions, waits for it).
   */
  caughtUp(timeoutMs: number): Promise<boolean>;
}

export interface PipelineOptions {
  consumer?: Partial<ConsumerOptions>;
}

/**
 * config.testKillDerivation: SIGKILL, which no code of ours can catch or finish, at a chosen point of the Nth
 * transaction that derives something. Inside it, the writes of its first window are made and nothing is committed.
 */
function killSwitch(point: Config['testKillDerivation']) {
  let transactions = 0;
  let counted = false;
  const kill = () => process.kill(process.pid, 'SIGKILL');
  return {
    beforeBatch: () => (counted = false),
    afterWindow: (() => {
      if (!counted) transactions += 1;
      counted = true;
      if (point?.at === 'inside' && transactions === point.transaction) kill();
    }) satisfies AfterWindowHook,
    afterCommit: () => {
      if (point?.at === 'after' && transactions === point.transaction) kill();
    },
  };
}

export function createPipeline(
  db: Database,
  config: Pick<Config, 'activityGapMs' | 'maxBacklog' | 'maxPageKeySteps' | 'testKillDerivation'>,
  options: PipelineOptions = {},
): Pipeline {
  const cache = new ChunkEventCache();
  const queue = createDeriveQueue(db);
  const kill = config.testKillDerivation ? killSwitch(config.testKillDerivation) : undefined;
  const deriver = createBatchDeriver(db, cache, config, kill?.afterWindow);
  const rederive = createRederive(db);
  const deriveBatch: typeof deriver.deriveBatch = (limits) => {
    kill?.beforeBatch();
    const result = deriver.deriveBatch(limits);
    kill?.afterCommit();
    return result;
  };
  const consumer = createConsumer({ deriveBatch, claimable: (limit) => queue.claimPending(limit) }, options.consumer);
  // Counted in memory between recounts, so ingest does not count the queue for every batch.
  let backlog = queue.liveCounts().chunks;
  let recountedAt = 0;
  consumer.onBatch((result) => {
    backlog = Math.max(0, backlog - result.liveChunks);
  });

  return {
    consumer,

    appended(chunk) {
      const { sessionId, windowId, seq, events, eventsGz, rawBytes } = chunk;
      cache.put(sessionId, windowId, seq, { eventsGz, events, rawBytes });
      backlog += 1;
      consumer.wake('append');
    },

    pageKeysWithin(events, patterns) {
      return pageKeysWithinBudget(events, patterns, config.maxPageKeySteps);
    },

    backlogFull() {
      if (backlog < config.maxBacklog) return false;
      // Another process (npm run rederive) may have derived some: trust only a fresh count before refusing.
      const now = Date.now();
      if (now - recountedAt >= BACKLOG_RECOUNT_MS) {
        recountedAt = now;
        backlog = queue.liveCounts().chunks;
      }
      return backlog >= config.maxBacklog;
    },

    status(projectId, now = Date.now()) {
      const { chunks, oldestQueuedAt } = queue.liveCounts(projectId);
      const oldestPendingAgeMs = oldestQueuedAt === null ? null : Math.max(0, now - oldestQueuedAt);
      return {
        derivation: {
          pendingChunks: chunks,
          oldestPendingAgeMs,
          behind: oldestPendingAgeMs !== null && oldestPendingAgeMs > BEHIND_AFTER_MS,
          backlogLimit: config.maxBacklog,
        },
        rederive: rederive.state(projectId),
      };
    },

    rederive(projectId) {
      const outcome = rederive.start(projectId);
      if (outcome.started) consumer.wake();
      return outcome;
    },

    forgetSessions(sessionIds) {
      cache.forgetSessions(new Set(sessionIds));
    },

    async caughtUp(timeoutMs) {
      const since = Date.now();
      consumer.wake();
      for (;;) {
        const { oldestQueuedAt } = queue.liveCounts();
        if (oldestQueuedAt === null || oldestQueuedAt > since) return true;
        if (Date.now() - since >= timeoutMs) return false;
        await new Promise((resolve) => setTimeout(resolve, CAUGHT_UP_POLL_MS));
      }
    },
  };
}
