/**
 * The funnel over timelines packed as the store keeps them (see the funnel_timelines table): the same rules and the
 * same FunnelTally as computeFunnel, but each page pattern is matched once per distinct label rather than once per
 * page view, and the walk reads integers from one buffer instead of building an object per entry.
 *
 * Packed format, big-endian, sessions one after another: a u32 entry count, then per entry its time as an i64
 * (high i32, low u32; ms since epoch) and the u32 id of its label, in timeline order.
 */
import { FunnelTally, type FunnelOptions, type FunnelResult } from './funnel.ts';
import type { FunnelStep } from '../../contract/insights.ts';
import { pagePatternTester } from './page-key.ts';
import type { MatchWork } from './url-pattern.ts';
import type { FunnelLabel, PackedTimelines } from '../../contract/rows.ts';

/** An entry: i64 time and u32 label id; a session starts with its u32 entry count. */
const ENTRY_BYTES = 12;
const HEADER_BYTES = 4;
const HIGH_WORD = 2 ** 32;
/** Steps are one bit each in a 32-bit mask. */
export const MAX_PACKED_STEPS = 31;

/**
 * The labels the timelines name. Labels are shared by every project, so matching all of them would let one project's
 * recorded URLs (anyone with its public ingest key can add some) cost every other project's funnels.
 */
export function labelsInUse(packed: PackedTimelines): FunnelLabel[] {
  const { entries } = packed;
  const view = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
  const used = new Set<number>();
  let offset = 0;
  while (offset + HEADER_BYTES <= entries.byteLength) {
    const end = Math.min(entries.byteLength, offset + HEADER_BYTES + view.getUint32(offset) * ENTRY_BYTES);
    for (offset += HEADER_BYTES; offset + ENTRY_BYTES <= end; offset += ENTRY_BYTES) used.add(view.getUint32(offset + 8));
    offset = end;
  }
  return packed.labels.filter((label) => used.has(label.id));
}

/**
 * Per label id, a bit mask of the steps it matches (bit k for step k; labels matching none are left out), built a
 * slice at a time: each call to `advance` matches labels until it has spent a given number of steps, so a caller can
 * let other work run between slices and stop once a budget is spent. `work` counts every step so far.
 */
export class StepMaskBuilder {
  readonly masks = new Map<number, number>();
  readonly work: MatchWork = { steps: 0 };
  readonly #labels: readonly FunnelLabel[];
  readonly #steps: readonly FunnelStep[];
  #next = 0;

  constructor(labels: readonly FunnelLabel[], steps: readonly FunnelStep[]) {
    if (steps.length > MAX_PACKED_STEPS) throw new RangeError(`A funnel has at most ${MAX_PACKED_STEPS} steps`);
    this.#labels = labels;
    this.#steps = steps;
  }

  get done(): boolean {
    return this.#next >= this.#labels.length;
  }

  /** Matches whole labels until at least `sliceSteps` more steps are spent or none is left; true when none is left. */
  advance(sliceSteps = Infinity): boolean {
    const until = this.work.steps + sliceSteps;
    while (!this.done && this.work.steps < until) this.#match(this.#labels[this.#next++]);
    return this.done;
  }

  #match(label: FunnelLabel): void {
    const { work } = this;
    let mask = 0;
    const matchesPage = label.kind === 'page' ? pagePatternTester(label.text, work) : undefined;
    this.#steps.forEach((step, index) => {
      work.steps += 1;
      const matches =
        step.type === 'page'
          ? matchesPage !== undefined && matchesPage(step.pattern)
          : label.kind === 'event' && label.text === step.name;
      if (matches) mask |= 1 << index;
    });
    if (mask !== 0) this.masks.set(label.id, mask);
  }
}

/** Every label's step mask at once (StepMaskBuilder without slices). */
export function stepMasks(labels: readonly FunnelLabel[], steps: readonly FunnelStep[]): Map<number, number> {
  const builder = new StepMaskBuilder(labels, steps);
  builder.advance();
  return builder.masks;
}

/**
 * How far a session got, as funnelProgress finds it, over its entries that match some step (in timeline order):
 * writes the time of each step reached into `out` and returns how many were reached.
 */
function walk(ts: Float64Array, masks: Int32Array, count: number, stepCount: number, windowMs: number, out: Float64Array, times: Float64Array): number {
  let best = 0;
  for (let start = 0; start < count && best < stepCount; start++) {
    if ((masks[start] & 1) === 0) continue;
    const startTs = ts[start];
    times[0] = startTs;
    let reached = 1;
    let position = start;
    while (reached < stepCount) {
      const bit = 1 << reached;
      let next = position + 1;
      while (next < count && ts[next] - startTs <= windowMs && (masks[next] & bit) === 0) next++;
      if (next >= count || ts[next] - startTs > windowMs) break;
      times[reached++] = ts[next];
      position = next;
    }
    if (reached > best) {
      best = reached;
      out.set(times.subarray(0, reached));
    }
  }
  return best;
}

/**
 * Calls `visit` with each packed session's progress: its index in `sessionIds`, the time of each step reached (only
 * valid during the call) and how many steps it reached. `labelMasks` may come from a StepMaskBuilder run in slices.
 */
export function forEachProgress(
  packed: PackedTimelines,
  steps: readonly FunnelStep[],
  windowMs: number,
  visit: (sessionIndex: number, stepTs: Float64Array, reachedCount: number) => void,
  labelMasks: ReadonlyMap<number, number> = stepMasks(labelsInUse(packed), steps),
): void {
  const { entries, sessionIds } = packed;
  const view = new DataView(entries.buffer, entries.byteOffset, entries.byteLength);
  const out = new Float64Array(steps.length);
  const times = new Float64Array(steps.length);
  let ts = new Float64Array(64);
  let masks = new Int32Array(64);
  let offset = 0;
  let session = 0;
  while (offset < entries.byteLength) {
    const count = view.getUint32(offset);
    offset += HEADER_BYTES;
    if (offset + count * ENTRY_BYTES > entries.byteLength) throw new Error('Packed funnel timeline cut short');
    if (count > ts.length) {
      ts = new Float64Array(count);
      masks = new Int32Array(count);
    }
    // Entries matching no step cannot change the walk, so only the others are kept.
    let kept = 0;
    for (let entry = 0; entry < count; entry++, offset += ENTRY_BYTES) {
      const mask = labelMasks.get(view.getUint32(offset + 8));
      if (mask === undefined) continue;
      ts[kept] = view.getInt32(offset) * HIGH_WORD + view.getUint32(offset + 4);
      masks[kept++] = mask;
    }
    visit(session++, out, walk(ts, masks, kept, steps.length, windowMs, out, times));
  }
  if (session !== sessionIds.length) {
    throw new Error(`Packed funnel timelines hold ${session} sessions but ${sessionIds.length} session ids`);
  }
}

/** computeFunnel over packed timelines; `labelMasks` as forEachProgress takes them. */
export function computePackedFunnel(
  packed: PackedTimelines,
  steps: readonly FunnelStep[],
  windowMs: number,
  options: Partial<FunnelOptions> = {},
  labelMasks?: ReadonlyMap<number, number>,
): FunnelResult {
  const tally = new FunnelTally(steps, options);
  const add = (index: number, stepTs: Float64Array, reached: number) => tally.add(packed.sessionIds[index], stepTs, reached);
  forEachProgress(packed, steps, windowMs, add, labelMasks);
  return tally.result(packed.sessionsInRange);
}
