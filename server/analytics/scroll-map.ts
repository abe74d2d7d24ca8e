/**
 * Scroll map: of the page views of one page, the share that saw each depth band of the document.
 *
 * A view's depth is the deepest bottom edge of its viewport over the document height, 0..1 (scroll-depth.ts). Band i
 * covers depths (i / bands, (i + 1) / bands]; a view reached it when its depth is above the band's top edge, so every
 * view reached band 0, and a view that saw exactly the top half did not reach the band starting at 50%.
 */
import type { ScrollBand } from '../../contract/insights.ts';

/** Number of page views that reached one depth (several views can share a depth). */
export interface DepthCount {
  depth: number;
  views: number;
}

export function scrollBands(depths: Iterable<DepthCount>, bandCount: number): ScrollBand[] {
  // Views whose deepest band is i: depth in (i / n, (i + 1) / n], and depth 0 in band 0.
  const deepest = new Array<number>(bandCount).fill(0);
  let total = 0;
  for (const { depth, views } of depths) {
    if (!Number.isFinite(depth) || views <= 0) continue;
    const clamped = Math.min(1, Math.max(0, depth));
    // Rounded first, so that 0.15 stored as 0.15000000000000002 is not pushed into the next band.
    const scaled = Math.round(clamped * bandCount * 1e9) / 1e9;
    const band = Math.min(bandCount - 1, Math.max(0, Math.ceil(scaled) - 1));
    deepest[band] += views;
    total += views;
  }
  const bands: ScrollBand[] = [];
  let reached = total;
  for (let band = 0; band < bandCount; band++) {
    bands.push({ from: band / bandCount, to: (band + 1) / bandCount, views: reached, share: total > 0 ? reached / total : 0 });
    reached -= deepest[band];
  }
  return bands;
}
