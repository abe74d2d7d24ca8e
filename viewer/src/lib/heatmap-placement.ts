/**
 * Where a heatmap's points go on a rebuilt snapshot. A click is anchored to its element: found again by selector in
 * the rebuilt page, its offset bucket is placed inside the element's current box, so the point lands on the same
 * button at any width. Points whose element is gone fall back to their page position, x scaled from the document
 * width they were recorded at to the current one (the layout reflows sideways; y is kept, being the best guess left).
 */
import type { HeatmapElement } from '../../../contract/insights.ts';

/** A box in document coordinates (CSS px from the document's top left), as the overlay is laid out. */
export interface DocRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** One weighted point for heatmap.js, in whole document px. */
export interface HeatPoint {
  x: number;
  y: number;
  value: number;
}

export interface Placement {
  /** Points with equal positions merged, their values summed. */
  points: HeatPoint[];
  /** All points placed (sum of counts). */
  total: number;
  /** Points placed inside their element. */
  byElement: number;
  /** Points placed by page position because their element was not found (or has no element, as mouse moves). */
  byPage: number;
  /** Selectors with points whose element the snapshot lacks. */
  missing: string[];
}

export interface PlacementOptions {
  /** Offset buckets per side inside an element (the API's elementGrid). */
  elementGrid: number;
  /** Side of a page bucket in CSS px (the API's pageCellPx). */
  pageCellPx: number;
  /** Size of the rebuilt document, CSS px; points are clamped inside it. */
  documentWidth: number;
  documentHeight: number;
  /** The element's box in the rebuilt document, or null when it is missing or not displayed. */
  locate: (selector: string) => DocRect | null;
}

const clamp = (value: number, max: number) => Math.min(Math.max(0, max - 1), Math.max(0, Math.round(value)));

export function placePoints(elements: readonly HeatmapElement[], options: PlacementOptions): Placement {
  const { elementGrid, pageCellPx, documentWidth, documentHeight } = options;
  const merged = new Map<string, HeatPoint>();
  const add = (x: number, y: number, value: number) => {
    const point = { x: clamp(x, documentWidth), y: clamp(y, documentHeight), value };
    const key = `${point.x},${point.y}`;
    const existing = merged.get(key);
    if (existing) existing.value += value;
    else merged.set(key, point);
  };
  let byElement = 0;
  let byPage = 0;
  const missing: string[] = [];

  for (const element of elements) {
    const rect = element.selector && element.cells.length > 0 ? options.locate(element.selector) : null;
    if (rect) {
      for (const cell of element.cells) {
        add(
          rect.left + ((cell.cx + 0.5) / elementGrid) * rect.width,
          rect.top + ((cell.cy + 0.5) / elementGrid) * rect.height,
          cell.count,
        );
        byElement += cell.count;
      }
      continue;
    }
    if (element.selector) missing.push(element.selector);
    for (const cell of element.pageCells) {
      const scaleX = cell.documentWidth > 0 ? documentWidth / cell.documentWidth : 1;
      add((cell.cx + 0.5) * pageCellPx * scaleX, (cell.cy + 0.5) * pageCellPx, cell.count);
      byPage += cell.count;
    }
  }
  return { points: [...merged.values()], total: byElement + byPage, byElement, byPage, missing };
}

/** The largest merged value: heatmap.js's `max`, so the hottest spot is fully red. */
export function maxValue(points: readonly HeatPoint[]): number {
  let max = 0;
  for (const point of points) max = Math.max(max, point.value);
  return max;
}

/** The minimal DOM a locator needs: a document and the scroll offset of its window. */
export interface LocatableDocument {
  querySelector(selector: string): { getBoundingClientRect(): DocRect } | null;
  defaultView: { scrollX: number; scrollY: number } | null;
}

/**
 * Finds elements in a rebuilt document. An invalid selector (recorded from a page that allowed odd ids) or an element
 * with an empty box counts as missing, so its points fall back instead of piling up at the top left.
 */
export function locatorFor(doc: LocatableDocument): (selector: string) => DocRect | null {
  return (selector) => {
    let element: ReturnType<LocatableDocument['querySelector']>;
    try {
      element = doc.querySelector(selector);
    } catch {
      return null;
    }
    if (!element) return null;
    const box = element.getBoundingClientRect();
    if (box.width <= 0 || box.height <= 0) return null;
    const scrollX = doc.defaultView?.scrollX ?? 0;
    const scrollY = doc.defaultView?.scrollY ?? 0;
    return { left: box.left + scrollX, top: box.top + scrollY, width: box.width, height: box.height };
  };
}

/** "12 of 340 clicks placed by page position: their element is gone"; null when every point found its element. */
export function fallbackNote(placement: Placement, noun: string): string | null {
  if (placement.byPage === 0 || placement.missing.length === 0) return null;
  return `${placement.byPage} of ${placement.total} ${noun} placed by page position: their element is gone`;
}
