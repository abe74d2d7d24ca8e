/** Client of the heatmap routes: pages to pick from, a page's point map, its scroll map and its recorded snapshot. */
import type { DeviceClass, HeatmapKind } from '../../../contract/vocabulary.ts';
import type {
  HeatmapPagesResponse,
  HeatmapResponse,
  HeatmapSnapshotResponse,
  PageErrorsResponse,
  ScrollmapResponse,
} from '../../../contract/insights.ts';
import { api, apiRequest, toQueryString } from './api.ts';

/** The scope every heatmap route takes; times are ms since epoch. */
export interface HeatmapScope {
  device?: DeviceClass;
  from?: number;
  to?: number;
}

export function fetchHeatmapPages(scope: HeatmapScope, signal?: AbortSignal): Promise<HeatmapPagesResponse> {
  return apiRequest(`/api/heatmaps/pages${toQueryString(scope)}`, { signal });
}

export function fetchHeatmap(
  page: string,
  kind: HeatmapKind,
  scope: HeatmapScope,
  signal?: AbortSignal,
): Promise<HeatmapResponse> {
  return apiRequest(`/api/heatmaps${toQueryString({ page, kind, ...scope })}`, { signal });
}

/** The page's most frequent uncaught and console errors in the scope. */
export function fetchPageErrors(page: string, scope: HeatmapScope, signal?: AbortSignal): Promise<PageErrorsResponse> {
  return apiRequest(`/api/heatmaps/errors${toQueryString({ page, ...scope })}`, { signal });
}

export function fetchScrollmap(page: string, scope: HeatmapScope, signal?: AbortSignal): Promise<ScrollmapResponse> {
  return apiRequest(`/api/scrollmap${toQueryString({ page, ...scope })}`, { signal });
}

/** The page's latest recorded full snapshot for the scope, or null when none was recorded (404 snapshot_not_found). */
export async function fetchSnapshot(
  page: string,
  scope: HeatmapScope,
  signal?: AbortSignal,
): Promise<HeatmapSnapshotResponse | null> {
  try {
    return await apiRequest<HeatmapSnapshotResponse>(`/api/heatmaps/snapshot${toQueryString({ page, ...scope })}`, {
      signal,
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'snapshot_not_found') return null;
    throw error;
  }
}

/** Sessions whose start times are looked up at most per map: the table's replay links need no more. */
const MAX_SESSION_LOOKUPS = 50;

/**
 * Start times (ms since epoch) of the sessions a map's replay links point into: a replay link's `t` is an offset
 * from the session's start, while the API gives the moment as a time. Sessions that fail to load are left out.
 */
export async function fetchSessionStarts(sessionIds: Iterable<string>, signal?: AbortSignal): Promise<Map<string, number>> {
  const ids = [...new Set(sessionIds)].slice(0, MAX_SESSION_LOOKUPS);
  const starts = new Map<string, number>();
  await Promise.all(
    ids.map(async (id) => {
      try {
        const detail = await api.getSession(id, signal);
        starts.set(id, detail.session.startedAt);
      } catch {
        // A session deleted since the map was computed just gets no link.
      }
    }),
  );
  return starts;
}
