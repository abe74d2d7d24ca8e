/**
 * Figure 4's derivation figures. Lag: batches sent at a steady rate by bench/paced-sender.ts in its own process,
 * and for each acknowledged one the first GET /api/status answer that proves it derived; the lag is the time from
 * its acknowledgement to that answer. Drain: how fast a backlog left by the ingest run is derived when nothing else
 * arrives. Both read only the status route, as a viewer or an operator would.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StatusResponse } from '../contract/api.ts';
import type { PacedSenderOptions, PacedSenderResult, StatusSample } from './paced-sender.ts';
import { repoRoot, sleep } from './shared.ts';

const execFileAsync = promisify(execFile);

/** The bound on the time from acknowledgement to derived, at half the acknowledgement rate, p99, in ms. */
export const LAG_TARGET_MS = 2_000;

/** A batch acknowledged at `ackAt` is proven derived by a status answer once this watermark has passed it. */
function watermark(sample: StatusSample): number {
  // Nothing waited: everything queued before the server measured (after askedAt) was derived.
  if (sample.pendingChunks === 0 || sample.oldestPendingAgeMs === null) return sample.askedAt;
  // The oldest waiting chunk was queued at (server now − age) ≥ askedAt − age: anything queued before is derived.
  return sample.askedAt - sample.oldestPendingAgeMs;
}

/** The value at the given share of the sorted samples (nearest rank), Infinity among the never-derived. */
export function percentile(sortedMs: readonly number[], share: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  // The epsilon keeps 0.99 × 200 (198.00000000000003 in some products) at rank 198.
  const rank = Math.max(1, Math.ceil(share * sortedMs.length - 1e-9));
  return sortedMs[Math.min(sortedMs.length, rank) - 1]!;
}

export interface LagSummary {
  /** Batches answered 200, and those answered anything else (or not at all). */
  acknowledged: number;
  refused: number;
  /** The refusals by answer status (0: no answer, the connection failed). */
  refusedBy: Record<string, number>;
  /** Acknowledged batches no status answer proved derived before the sender stopped asking. */
  neverDerived: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** From the last acknowledgement to the first answer, asked after it, with nothing waiting; null if none came. */
  drainedAfterMs: number | null;
  /**
   * Chunks waiting `graceMs` after the last acknowledgement: 0 if an answer asked by then saw none, else what the
   * first answer asked after that saw (null if the sender stopped asking before).
   */
  waitingAfterGrace: number | null;
  /** The most chunks any answer saw waiting while batches were being sent. */
  peakPending: number;
  /** Rate actually sent: batches over the time from the first to the last leaving. */
  sentPerSecond: number;
}

/**
 * Lag of each acknowledged batch: from its acknowledgement to the first status answer whose watermark has passed it
 * (the answer's arrival, so a lag is never under-stated by the time the question took). Pure.
 */
export function summarizeLag(result: PacedSenderResult, graceMs = LAG_TARGET_MS): LagSummary {
  const acks = result.batches.filter((batch) => batch.status === 200).map((batch) => batch.answeredAt).sort((a, b) => a - b);
  const samples = [...result.samples].sort((a, b) => a.askedAt - b.askedAt);
  // Once derived a chunk stays derived, so the proof is the first answer whose running-maximum watermark passed it.
  const lags: number[] = [];
  let best = -Infinity;
  let next = 0;
  for (const sample of samples) {
    best = Math.max(best, watermark(sample));
    while (next < acks.length && acks[next]! < best) lags.push(Math.max(0, sample.answeredAt - acks[next++]!));
  }
  const neverDerived = acks.length - next;
  for (let i = 0; i < neverDerived; i++) lags.push(Infinity);
  lags.sort((a, b) => a - b);
  const refusedBy: Record<string, number> = {};
  for (const batch of result.batches) if (batch.status !== 200) refusedBy[batch.status] = (refusedBy[batch.status] ?? 0) + 1;
  const drained = samples.find((sample) => sample.askedAt > result.lastAnsweredAt && sample.pendingChunks === 0);
  const graceEnd = result.lastAnsweredAt + graceMs;
  const afterGrace = samples.find((sample) => sample.askedAt >= graceEnd);
  const waitingAfterGrace = drained && drained.askedAt <= graceEnd ? 0 : (afterGrace?.pendingChunks ?? null);
  const sentTimes = result.batches.map((batch) => batch.sentAt);
  const spanMs = Math.max(...sentTimes) - Math.min(...sentTimes);
  return {
    acknowledged: acks.length,
    refused: result.batches.length - acks.length,
    refusedBy,
    neverDerived,
    p50Ms: percentile(lags, 0.5),
    p99Ms: percentile(lags, 0.99),
    maxMs: lags.at(-1) ?? Number.NaN,
    drainedAfterMs: drained ? drained.answeredAt - result.lastAnsweredAt : null,
    waitingAfterGrace,
    peakPending: Math.max(0, ...samples.filter((sample) => sample.askedAt <= result.lastAnsweredAt).map((sample) => sample.pendingChunks)),
    sentPerSecond: spanMs > 0 ? ((result.batches.length - 1) * 1000) / spanMs : Number.NaN,
  };
}

export type SteadyRunOptions = Omit<PacedSenderOptions, 'output'> & { dir: string };

/** Runs bench/paced-sender.ts in a child process (tsx as its loader) and reads back what it saw. */
export async function runPacedSenderProcess(options: SteadyRunOptions): Promise<PacedSenderResult> {
  const { dir, ...sender } = options;
  const optionsFile = join(dir, `paced-${sender.prefix}.json`);
  const output = join(dir, `paced-${sender.prefix}-result.json`);
  writeFileSync(optionsFile, JSON.stringify({ ...sender, output } satisfies PacedSenderOptions));
  await execFileAsync(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench/paced-sender.ts'), optionsFile], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(readFileSync(output, 'utf8')) as PacedSenderResult;
}

export interface DrainResult {
  /** Chunks waiting when the drain was first measured. */
  chunks: number;
  /** From that answer to the first with nothing waiting, ms. */
  durationMs: number;
  chunksPerSecond: number;
}

/**
 * Times the derivation of whatever waits, with nothing else arriving: the first status answer's count over the time
 * until one says nothing waits. Null when nothing waited; throws if it does not drain within `timeoutMs`.
 */
export async function measureDrain(status: () => Promise<StatusResponse>, timeoutMs: number, everyMs = 50): Promise<DrainResult | null> {
  const startedAt = performance.now();
  const first = await status();
  const chunks = first.derivation.pendingChunks;
  if (chunks === 0) return null;
  for (;;) {
    await sleep(everyMs);
    const current = await status();
    const elapsed = performance.now() - startedAt;
    if (current.derivation.pendingChunks === 0) return { chunks, durationMs: elapsed, chunksPerSecond: (chunks * 1000) / elapsed };
    if (elapsed > timeoutMs) {
      throw new Error(`derivation did not drain ${chunks} chunks in ${timeoutMs} ms (${current.derivation.pendingChunks} left)`);
    }
  }
}
