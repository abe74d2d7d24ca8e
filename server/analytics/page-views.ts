/**
 * A window's events cut into page views. A view begins where a navigation (rrweb Meta or sl:page) enters a URL other
 * than the current view's; the same URL again continues the view. That merges the Meta and sl:page that both mark a
 * page load, and rrweb's periodic re-snapshots (Meta with the same href), at the price of also merging a reload
 * into the view before it.
 */
import { navigationUrlOf, timeline, type TimedEvent } from './events.ts';

export interface PageView {
  /** The URL entered; '' while no navigation has said where the events happen. */
  url: string;
  /** Time of the view's first event (ms since epoch). */
  startTs: number;
  /** The view's events in time order, starting with the one that opened it. */
  events: TimedEvent[];
}

export function splitPageViews(events: readonly unknown[]): PageView[] {
  const views: PageView[] = [];
  let current: PageView | undefined;
  for (const event of timeline(events)) {
    const url = navigationUrlOf(event);
    if (current === undefined || (url !== null && url !== current.url && current.url !== '')) {
      current = { url: url ?? '', startTs: event.timestamp, events: [] };
      views.push(current);
    } else if (url !== null && current.url === '') {
      // Events recorded before the first navigation (DomContentLoaded, Load) belong to the page it names.
      current.url = url;
    }
    current.events.push(event);
  }
  return views;
}
