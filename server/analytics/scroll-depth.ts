/**
 * Scroll depth per page view: how far down the document the visitor saw, as a fraction of its height.
 *
 * Seen bottom = document scroll offset + viewport height, at the view's start (offset from the full snapshot's
 * initialOffset, else 0) and after every page scroll or viewport change; the view's depth is its deepest seen bottom
 * over the tallest document height an sl:click reported in that view (documents grow as content loads, so the
 * tallest is the honest denominator), capped at 1. rrweb never records the document height, so a view without an
 * sl:click has depth null. Page scrolls are rrweb Scroll events on the document node: the full snapshot's root id,
 * 1 until a full snapshot says otherwise (rrweb numbers the document 1 in a fresh recording). Viewport heights come
 * from rrweb Meta, ViewportResize or sl:click, and carry over into the next view.
 */
import { SlTag } from '../../contract/protocol.ts';
import { fullSnapshotOf, scrollOf, slPayload, viewportOf } from './events.ts';
import { splitPageViews } from './page-views.ts';

export interface ScrollDepth {
  /** The page view's URL ('' when unknown). */
  url: string;
  /** When the page view began (ms since epoch). */
  startTs: number;
  /** Deepest document scroll offset reached, in CSS px. */
  maxScrollY: number;
  /** Deepest bottom edge of the viewport reached, in CSS px; null while no viewport height was recorded. */
  maxSeenBottom: number | null;
  /** Tallest document height reported by an sl:click in the view, in CSS px; null when none did. */
  documentHeight: number | null;
  /** maxSeenBottom / documentHeight, capped at 1; null when either is unknown. */
  depth: number | null;
}

/** rrweb's id for the document node in a fresh recording, used until a full snapshot names it. */
const DEFAULT_DOCUMENT_NODE_ID = 1;

function deeper(seenBottom: number | null, scrollY: number, viewportHeight: number | null): number | null {
  if (viewportHeight === null) return seenBottom;
  return Math.max(seenBottom ?? 0, scrollY + viewportHeight);
}

export function scrollDepthByPageView(events: readonly unknown[]): ScrollDepth[] {
  let documentNodeId = DEFAULT_DOCUMENT_NODE_ID;
  let viewportHeight: number | null = null;
  const depths: ScrollDepth[] = [];
  for (const view of splitPageViews(events)) {
    let scrollY = 0;
    let maxScrollY = 0;
    let maxSeenBottom: number | null = null;
    let documentHeight: number | null = null;
    maxSeenBottom = deeper(maxSeenBottom, scrollY, viewportHeight);
    for (const event of view.events) {
      const snapshot = fullSnapshotOf(event);
      if (snapshot) {
        documentNodeId = snapshot.documentNodeId;
        scrollY = snapshot.initialScrollY;
      }
      const scroll = scrollOf(event);
      if (scroll && scroll.id === documentNodeId) scrollY = scroll.y;
      const viewport = viewportOf(event);
      if (viewport) viewportHeight = viewport.height;
      const click = slPayload(event, SlTag.Click);
      if (click && click.dh > 0) documentHeight = Math.max(documentHeight ?? 0, click.dh);
      maxScrollY = Math.max(maxScrollY, scrollY);
      maxSeenBottom = deeper(maxSeenBottom, scrollY, viewportHeight);
    }
    const depth =
      maxSeenBottom !== null && documentHeight !== null ? Math.min(1, maxSeenBottom / documentHeight) : null;
    depths.push({ url: view.url, startTs: view.startTs, maxScrollY, maxSeenBottom, documentHeight, depth });
  }
  return depths;
}
