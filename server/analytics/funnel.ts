/**
 * Funnels: how many sessions went through ordered steps, each a page pattern or a tracked event name, within a
 * conversion window.
 *
 * Rules:
 * - A session's timeline is its page views and tracked events of every window (tab), in time order; at equal times
 *   page views come before tracked events, each in the order stored.
 * - A session reaches step k when steps 0..k occur in order (each strictly later in the timeline than the one before;
 *   equal timestamps keep timeline order) and step k occurs at most `windowMs` after the step 0 it started from
 *   (inclusive).
 * - Every occurrence of step 0 is tried as a start, and the start that gets deepest wins (the earliest on a tie):
 *   a visitor who browsed, left for an hour and came back to buy converts in the second visit. From a fixed start,
 *   taking the earliest match of each next step is optimal, so no other choice can get deeper.
 * - Dropped at step k (k ≥ 1): reached step k - 1 but not step k. Their last reached step's time is where a replay
 *   of the drop-off should start.
 *
 * computeFunnel below applies these rules straightforwardly, over timelines of plain objects: it is the reference
 * that the routes' packed computation (packed-funnel.ts) is tested against.
 */
import { median } from './form-report.ts';
import { pagePatternTester } from './page-key.ts';
import type { DroppedSession, FunnelStep, FunnelStepResult } from '../../contract/insights.ts';

/** One moment of a session's timeline: a page view (its URL) or a tracked event (its name). */
export type TimelineEntry = { ts: number; kind: 'page'; url: string } | { ts: number; kind: 'event'; name: string };

export interface SessionTimeline {
  sessionId: string;
  /** In any order; sorted by time inside (stable, so equal times keep this order). */
  entries: readonly TimelineEntry[];
}

export interface FunnelOptions {
  /** Sessions listed per step among those that dropped there, newest drop first. Defaults to 100. */
  maxDroppedListed: number;
}

export const defaultFunnelOptions: Readonly<FunnelOptions> = Object.freeze({ maxDroppedListed: 100 });

export interface FunnelResult {
  /** Sessions looked at (those that never reached step 0 included). */
  sessionsConsidered: number;
  steps: FunnelStepResult[];
}

/** How far one session got: the time of each step reached, in step order (empty when step 0 never occurred). */
export interface FunnelProgress {
  stepTs: number[];
}

/** Memoizes page-pattern matches per URL: sessions repeat the same URLs many times. */
export class StepMatcher {
  readonly #steps: readonly FunnelStep[];
  readonly #pageMatches = new Map<string, boolean[]>();

  constructor(steps: readonly FunnelStep[]) {
    this.#steps = steps;
  }

  matches(entry: TimelineEntry, stepIndex: number): boolean {
    const step = this.#steps[stepIndex];
    if (step.type === 'event') return entry.kind === 'event' && entry.name === step.name;
    if (entry.kind !== 'page') return false;
    let flags = this.#pageMatches.get(entry.url);
    if (!flags) {
      const matches = pagePatternTester(entry.url);
      flags = this.#steps.map((candidate) => candidate.type === 'page' && matches(candidate.pattern));
      this.#pageMatches.set(entry.url, flags);
    }
    return flags[stepIndex];
  }
}

function byTime(entries: readonly TimelineEntry[]): TimelineEntry[] {
  return [...entries].sort((a, b) => a.ts - b.ts);
}

export function funnelProgress(
  entries: readonly TimelineEntry[],
  stepCount: number,
  windowMs: number,
  matcher: StepMatcher,
): FunnelProgress {
  const sorted = byTime(entries);
  let best: number[] = [];
  for (let start = 0; start < sorted.length && best.length < stepCount; start++) {
    if (!matcher.matches(sorted[start], 0)) continue;
    const startTs = sorted[start].ts;
    const times = [startTs];
    let position = start;
    for (let step = 1; step < stepCount; step++) {
      let found = -1;
      for (let next = position + 1; next < sorted.length && sorted[next].ts - startTs <= windowMs; next++) {
        if (matcher.matches(sorted[next], step)) {
          found = next;
          break;
        }
      }
      if (found < 0) break;
      times.push(sorted[found].ts);
      position = found;
    }
    if (times.length > best.length) best = times;
  }
  return { stepTs: best };
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/**
 * Sums sessions' progress into a FunnelResult. The straightforward computation below and the packed one in
 * packed-funnel.ts both feed it, so they can only differ in how they find each session's progress.
 */
export class FunnelTally {
  readonly #steps: readonly FunnelStep[];
  readonly #maxDroppedListed: number;
  readonly #reached: number[];
  readonly #gaps: number[][];
  readonly #dropped: DroppedSession[][];

  constructor(steps: readonly FunnelStep[], options: Partial<FunnelOptions> = {}) {
    this.#steps = steps;
    this.#maxDroppedListed = { ...defaultFunnelOptions, ...options }.maxDroppedListed;
    this.#reached = steps.map(() => 0);
    this.#gaps = steps.map(() => []);
    this.#dropped = steps.map(() => []);
  }

  /** One session's progress: the time of each step it reached, the first `reachedCount` of `stepTs`. */
  add(sessionId: string, stepTs: ArrayLike<number>, reachedCount = stepTs.length): void {
    for (let step = 0; step < reachedCount; step++) {
      this.#reached[step] += 1;
      if (step > 0) this.#gaps[step].push(stepTs[step] - stepTs[step - 1]);
    }
    if (reachedCount > 0 && reachedCount < this.#steps.length) {
      this.#dropped[reachedCount].push({ sessionId, lastStepTs: stepTs[reachedCount - 1] });
    }
  }

  /** The result over the sessions added, out of `sessionsConsidered` (those that never reached step 0 included). */
  result(sessionsConsidered: number): FunnelResult {
    const reached = this.#reached;
    return {
      sessionsConsidered,
      steps: this.#steps.map((step, index) => ({
        step,
        sessions: reached[index],
        conversionFromPrevious: index === 0 ? null : ratio(reached[index], reached[index - 1]),
        conversionFromStart: ratio(reached[index], reached[0]),
        medianTimeFromPreviousMs: index === 0 ? null : median(this.#gaps[index]),
        droppedCount: this.#dropped[index].length,
        dropped: this.#dropped[index]
          .sort((a, b) => b.lastStepTs - a.lastStepTs || a.sessionId.localeCompare(b.sessionId))
          .slice(0, this.#maxDroppedListed),
      })),
    };
  }
}

export function computeFunnel(
  timelines: Iterable<SessionTimeline>,
  steps: readonly FunnelStep[],
  windowMs: number,
  options: Partial<FunnelOptions> = {},
): FunnelResult {
  const matcher = new StepMatcher(steps);
  const tally = new FunnelTally(steps, options);
  let sessionsConsidered = 0;
  for (const timeline of timelines) {
    sessionsConsidered += 1;
    tally.add(timeline.sessionId, funnelProgress(timeline.entries, steps.length, windowMs, matcher).stepTs);
  }
  return tally.result(sessionsConsidered);
}
