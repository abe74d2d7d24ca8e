/** Heatmaps from stored buckets (see contract/buckets.ts for what a bucket is). */
import type { CellRow } from '../../contract/buckets.ts';
import type { HeatmapElement } from '../../contract/insights.ts';

export interface AggregatedHeatmap {
  /** Points in the map. */
  total: number;
  /** The `limit` elements with most points, most first (ties by selector): the most-clicked elements table. */
  elements: HeatmapElement[];
  /** Elements and points left out by the limit. */
  otherElements: number;
  otherCount: number;
}

/**
 * Groups bucket rows by selector. A point is in both an element bucket and a page bucket, so an element's count is
 * taken from its page buckets (mouse moves have no others).
 */
export function aggregateHeatmap(rows: Iterable<CellRow>, limit: number): AggregatedHeatmap {
  const bySelector = new Map<string, HeatmapElement>();
  let total = 0;
  for (const row of rows) {
    if (row.count <= 0) continue;
    let element = bySelector.get(row.selector);
    if (!element) {
      element = { selector: row.selector, count: 0, share: 0, cells: [], pageCells: [] };
      bySelector.set(row.selector, element);
    }
    if (row.anchor === 'element') {
      element.cells.push({ cx: row.cx, cy: row.cy, count: row.count });
    } else {
      element.pageCells.push({ documentWidth: row.documentWidth, cx: row.cx, cy: row.cy, count: row.count });
      element.count += row.count;
      total += row.count;
    }
  }
  const ranked = [...bySelector.values()].sort(
    (a, b) => b.count - a.count || (a.selector < b.selector ? -1 : a.selector > b.selector ? 1 : 0),
  );
  const elements = ranked.slice(0, Math.max(0, limit));
  for (const element of elements) {
    element.share = total > 0 ? element.count / total : 0;
    element.cells.sort((a, b) => a.cy - b.cy || a.cx - b.cx);
    element.pageCells.sort((a, b) => a.documentWidth - b.documentWidth || a.cy - b.cy || a.cx - b.cx);
  }
  const otherCount = ranked.slice(elements.length).reduce((sum, element) => sum + element.count, 0);
  return { total, elements, otherElements: ranked.length - elements.length, otherCount };
}
