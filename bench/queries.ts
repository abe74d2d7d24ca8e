/**
 * Figure 5, heatmap, funnel and checkout metrics queries over 1,000,000 clicks and 100,000 sessions:
 * bench/heatmap.ts builds the data and times the routes; this turns its medians into the table's rows.
 */
import { defaultHeatmapOptions, runHeatmapBench, type BenchOptions } from './heatmap.ts';
import type { FigureResult } from './report.ts';

/** Each report query must answer within this, median over runs. */
export const QUERY_TARGET_MS = 200;

export async function runQueries(options: BenchOptions = defaultHeatmapOptions): Promise<FigureResult> {
  const result = await runHeatmapBench(options);
  const { built } = result;
  const ms = (value: number) => ({ value, unit: 'ms' as const });
  const target = { on: 'value', op: '<', limit: QUERY_TARGET_MS } as const;
  const count = (n: number) => n.toLocaleString('en');
  return {
    rows: [
      {
        figure: '5 queries',
        what: `GET /api/heatmaps, ${count(built.clicks)} clicks`,
        measured: ms(result.heatmapMs),
        baseline: { what: 'raw clicks grouped, SQL only', measured: ms(result.heatmapBaselineMs) },
        target,
      },
      {
        figure: '5 queries',
        what: `POST /api/funnels/query, 5 steps, ${count(built.sessions)} sessions`,
        measured: ms(result.funnelMs),
        baseline: { what: 'one scan of page_views, SQL only', measured: ms(result.funnelBaselineMs) },
        target,
      },
      {
        figure: '5 queries',
        what: `GET /api/metrics, ${count(built.sessions)} sessions`,
        measured: ms(result.metricsMs),
        baseline: { what: 'sessions joined with their checkout events, SQL only', measured: ms(result.metricsBaselineMs) },
        target,
      },
    ],
    notes: [
      `Queries: medians of ${options.runs} over HTTP after a warm-up; built ${count(built.sessions)} sessions and ` +
        `${count(built.clicks)} clicks (${count(built.cells)} heatmap buckets, ${(built.databaseBytes / 1e6).toFixed(0)} MB) ` +
        `in ${((built.sessionsMs + built.clicksMs) / 1000).toFixed(0)} s. Other routes: ` +
        result.figures
          .slice(1)
          .filter(([name]) => !name.startsWith('baseline') && !/^(POST \/api\/funnels|GET \/api\/metrics)/.test(name))
          .map(([name, value]) => `${name} ${Math.round(value)} ms`)
          .join(', '),
    ],
    details: { figures: Object.fromEntries(result.figures), built },
  };
}
