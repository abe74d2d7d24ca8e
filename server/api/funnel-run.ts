/**
 * Feeds stored timelines to the funnel computation, for the funnel query and the session list's funnel filter.
 *
 * Matching step patterns against recorded URLs is the one part of a funnel whose cost an outsider sets: anyone with
 * the public ingest key can record thousands of distinct long URLs, and each costs every page step a match. So it is
 * bounded twice (issue 10): it runs in slices of MATCH_SLICE_STEPS with the event loop free between them, so other
 * requests are answered meanwhile, and past the configured budget (config.funnelMatchSteps) the query stops with 422
 * funnel_too_costly rather than running on. Chosen over caching (pattern, label) answers: a cache makes a repeated
 * query cheap but not a new one, and every query brings new patterns if its sender wants.
 */
import type { FunnelQueryResponse, FunnelStep } from '../../contract/insights.ts';
import type { PackedTimelines } from '../../contract/rows.ts';
import { computePackedFunnel, forEachProgress, labelsInUse, StepMaskBuilder } from '../analytics/packed-funnel.ts';
import { HttpError } from '../http/errors.ts';
import type { SessionRange, Store } from '../storage/store.ts';

/** Match steps between two turns of the event loop: a few milliseconds of one core. */
export const MATCH_SLICE_STEPS = 200_000;

export interface FunnelRun {
  steps: FunnelStep[];
  windowMs: number;
  range: SessionRange;
  /** Most match steps the run may spend (config.funnelMatchSteps). */
  matchBudget: number;
}

async function timelinesFor(store: Store, { steps, range }: FunnelRun) {
  const eventNames = steps.flatMap((step) => (step.type === 'event' ? [step.name] : []));
  const withPages = steps.some((step) => step.type === 'page');
  return store.funnelTimelines(range, { eventNames, withPages });
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Each label's step mask, a slice at a time; 422 funnel_too_costly once the budget is spent with labels left. */
async function matchLabels(packed: PackedTimelines, { steps, matchBudget }: FunnelRun): Promise<Map<number, number>> {
  const builder = new StepMaskBuilder(labelsInUse(packed), steps);
  while (!builder.advance(MATCH_SLICE_STEPS)) {
    if (builder.work.steps >= matchBudget) {
      throw new HttpError(
        422,
        'funnel_too_costly',
        `Matching these steps against the recorded URLs needs more than ${matchBudget} steps ` +
          '(SIGHTLINE_FUNNEL_MATCH_STEPS): narrow the time range or use fewer page steps',
      );
    }
    await nextTurn();
  }
  return builder.masks;
}

export async function runFunnel(store: Store, run: FunnelRun): Promise<FunnelQueryResponse> {
  const packed = await timelinesFor(store, run);
  const masks = await matchLabels(packed, run);
  return { windowMs: run.windowMs, ...computePackedFunnel(packed, run.steps, run.windowMs, {}, masks) };
}

/** Which sessions of a funnel to keep: those that reached step k, or those that reached k - 1 and not k. */
export type FunnelPick = { reachedStep: number } | { droppedAtStep: number };

export async function funnelSessionIds(store: Store, run: FunnelRun, pick: FunnelPick): Promise<string[]> {
  const packed = await timelinesFor(store, run);
  const masks = await matchLabels(packed, run);
  const ids: string[] = [];
  const keep = (index: number, _stepTs: Float64Array, reached: number) => {
    const kept = 'reachedStep' in pick ? reached > pick.reachedStep : reached === pick.droppedAtStep;
    if (kept) ids.push(packed.sessionIds[index]);
  };
  forEachProgress(packed, run.steps, run.windowMs, keep, masks);
  return ids;
}
