/**
 * Saved funnels for the session list's funnel filter: fetching them, and naming their steps in a select. The
 * funnels page has its own client; this one only reads.
 */
import type { FunnelList, FunnelStep, SavedFunnel } from '../../../contract/insights.ts';
import { apiRequest } from './api.ts';
import type { FunnelStepPick } from './filters.ts';

export function listSavedFunnels(signal?: AbortSignal): Promise<SavedFunnel[]> {
  return apiRequest<FunnelList>('/api/funnels', { signal }).then((list) => list.funnels);
}

export function stepLabel(step: FunnelStep): string {
  return step.type === 'page' ? step.pattern : `event ${step.name}`;
}

/** A step pick as a select's value: '' (entered the funnel), `reached:k` or `dropped:k`. */
export function funnelStepValue(pick: FunnelStepPick | null): string {
  if (!pick) return '';
  return 'reached' in pick ? `reached:${pick.reached}` : `dropped:${pick.droppedAt}`;
}

export function funnelStepFromValue(value: string): FunnelStepPick | null {
  const match = /^(reached|dropped):(\d{1,9})$/.exec(value);
  if (!match) return null;
  const step = Number(match[2]);
  if (match[1] === 'dropped') return step >= 1 ? { droppedAt: step } : null;
  return step > 0 ? { reached: step } : null;
}

export interface StepChoice {
  value: string;
  label: string;
}

/** Every way to slice a funnel's sessions, steps numbered from 1 as people count them. */
export function funnelStepChoices(funnel: SavedFunnel): StepChoice[] {
  const choices: StepChoice[] = [{ value: '', label: `Entered (step 1: ${stepLabel(funnel.steps[0])})` }];
  funnel.steps.forEach((step, index) => {
    if (index === 0) return;
    choices.push({ value: `reached:${index}`, label: `Reached step ${index + 1}: ${stepLabel(step)}` });
  });
  funnel.steps.forEach((step, index) => {
    if (index === 0) return;
    choices.push({ value: `dropped:${index}`, label: `Dropped before step ${index + 1}: ${stepLabel(step)}` });
  });
  return choices;
}
