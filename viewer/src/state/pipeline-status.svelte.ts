/**
 * The project's derivation status (GET /api/status) as reactive state, for the header's "behind" notice, the
 * processing badges and a re-derivation's progress bar. It is asked once at sign-in and then only while there is a
 * reason: chunks wait, a re-derivation runs, a page waits for its sessions to be derived, or a progress bar is shown.
 */
import type { StatusResponse } from '../../../contract/api.ts';
import { REDERIVE_POLL_MS, STATUS_POLL_MS, derivedSince, fetchStatus, hasPendingWork } from '../lib/pipeline-status.ts';

interface DerivedWatch {
  /** performance.now() when the page received what it saw processing. */
  seenAt: number;
  ondone: () => void;
}

class PipelineStatus {
  /** The latest answer; null until the first arrives. */
  current = $state.raw<StatusResponse | null>(null);
  /** Why the last ask failed; null once one succeeds. */
  problem = $state<string | null>(null);

  #running = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** performance.now() the pending ask is due at; Infinity when none is. */
  #dueAt = Infinity;
  #abort: AbortController | null = null;
  #watches = new Set<DerivedWatch>();
  /** Bumped by refresh(): an answer to an ask made before it is stale (it may predate a re-derivation's start). */
  #generation = 0;
  #progressViews = 0;

  /** Starts asking (the app shell, once signed in); the returned function stops it. */
  start(): () => void {
    this.#running = true;
    this.#askSoon(0);
    return () => {
      this.#running = false;
      clearTimeout(this.#timer);
      this.#abort?.abort();
      this.#abort = null;
    };
  }

  /**
   * Calls `ondone` once everything a page saw processing at `seenAt` (performance.now() when its answer arrived) is
   * derived, asking the status until then. The returned function cancels.
   */
  whenDerived(seenAt: number, ondone: () => void): () => void {
    const watch = { seenAt, ondone };
    this.#watches.add(watch);
    this.#askSoon(STATUS_POLL_MS);
    return () => this.#watches.delete(watch);
  }

  /** While a progress bar is on screen the status is asked every REDERIVE_POLL_MS; the returned function ends it. */
  followProgress(): () => void {
    this.#progressViews += 1;
    this.#askSoon(REDERIVE_POLL_MS);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#progressViews -= 1;
    };
  }

  /** Asks now, whatever the schedule (after starting a re-derivation, or being told one runs). */
  refresh(): void {
    this.#generation += 1;
    this.#askSoon(0);
  }

  /** Takes in a status learnt otherwise (POST /api/rederive's answer) without waiting for the next ask. */
  learnt(update: Partial<StatusResponse>): void {
    if (this.current) this.current = { ...this.current, ...update };
  }

  #interval(): number | null {
    if (this.#progressViews > 0) return REDERIVE_POLL_MS;
    if (this.#watches.size > 0 || (this.current && hasPendingWork(this.current))) return STATUS_POLL_MS;
    return null;
  }

  /** Makes sure an ask is due within `withinMs` (sooner if one already is), unless one is under way. */
  #askSoon(withinMs: number): void {
    if (!this.#running || this.#abort) return;
    const dueAt = performance.now() + withinMs;
    if (this.#timer !== undefined && this.#dueAt <= dueAt) return;
    clearTimeout(this.#timer);
    this.#dueAt = dueAt;
    this.#timer = setTimeout(() => void this.#ask(), withinMs);
  }

  async #ask(): Promise<void> {
    this.#timer = undefined;
    this.#dueAt = Infinity;
    const abort = new AbortController();
    this.#abort = abort;
    // Measured before asking: every chunk still waiting then was appended after `seenAt` if its age is shorter.
    const askedAt = performance.now();
    const generation = this.#generation;
    try {
      const status = await fetchStatus(abort.signal);
      if (abort.signal.aborted) return;
      if (generation !== this.#generation) {
        this.#abort = null;
        this.#askSoon(0);
        return;
      }
      this.current = status;
      this.problem = null;
      for (const watch of [...this.#watches]) {
        // An ask made before the page's answer arrived says nothing about what that answer showed.
        if (watch.seenAt > askedAt || !derivedSince(status, askedAt - watch.seenAt)) continue;
        this.#watches.delete(watch);
        watch.ondone();
      }
    } catch (failure) {
      // A failed ask keeps the last answer; the next one is tried at the usual interval, if there is a reason.
      if (abort.signal.aborted) return;
      this.problem = failure instanceof Error ? failure.message : String(failure);
    } finally {
      if (this.#abort === abort) this.#abort = null;
    }
    const interval = this.#interval();
    if (interval !== null) this.#askSoon(interval);
  }
}

export const pipelineStatus = new PipelineStatus();
