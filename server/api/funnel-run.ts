/** Feeds stored timelines to the funnel computation, for the funnel query and the session list's funnel filter. */
import type { FunnelQueryResponse, FunnelStep } from '../../contract/insights.ts';
import { computePackedFunnel, forEachProgress } from '../analytics/packed-funnel.ts';
import type { SessionRange, Store } from '../storage/store.ts';

export interface FunnelRun {
  steps: FunnelStep[];
  windowMs: number;
  range: SessionRange;
}

async function timelinesFor(store: Store, { steps, range }: FunnelRun) {
  const eventNames = steps.flatMap((step) => (step.type === 'event' ? [step.name] : []));
  const withPages = steps.some((step) => step.type === 'page');
  return store.funnelTimelines(range, { eventNames, withPages });
}

export async function runFunnel(store: Store, run: FunnelRun): Promise<FunnelQueryResponse> {
  const result = computePackedFunnel(await timelinesFor(store, run), run.steps, run.windowMs);
  return { windowMs: run.windowMs, ...result };
}

/** Which sessions of a funnel to keep: those that reached step k, or those that reached k - 1 and not k. */
export type FunnelPick = { reachedStep: number } | { droppedAtStep: number };

export async function funnelSessionIds(store: Store, run: FunnelRun, pick: FunnelPick): Promise<string[]> {
  const packed = await timelinesFor(store, run);
  const ids: string[] = [];
  forEachProgress(packed, run.steps, run.windowMs, (index, _stepTs, reached) => {
    const keep = 'reachedStep' in pick ? reached > pick.reachedStep : reached === pick.droppedAtStep;
    if (keep) ids.push(packed.sessionIds[index]);
  });
  return ids;
}
