/**
 * Session metadata from one chunk of rrweb events: a pure function, so every rule here is unit-tested
 * without a database. The store adds the result to the session row.
 */
import type { DeviceClass } from '../../contract/vocabulary.ts';
import {
  RrwebEventType,
  RrwebIncrementalSource,
  SlTag,
  type RecordedEvent,
  type SlTagName,
} from '../../contract/protocol.ts';
import { isFailedRequest, requestLine, slPayload } from '../analytics/events.ts';
import type { CustomEventRecord, SessionCarry, SessionDelta } from '../storage/model.ts';

export interface SummaryOptions {
  /** Gaps between consecutive user inputs longer than this are idle time, in ms. Defaults to 5000 (Config). */
  activityGapMs: number;
}

/** Viewport widths below these are mobile and tablet, in CSS px. */
export const MOBILE_MAX_WIDTH_EXCLUSIVE = 768;
export const TABLET_MAX_WIDTH_EXCLUSIVE = 1024;

/** rrweb's MouseInteraction type for a click. */
const MOUSE_INTERACTION_CLICK = 2;

const inputSources: ReadonlySet<number> = new Set([
  RrwebIncrementalSource.MouseMove,
  RrwebIncrementalSource.MouseInteraction,
  RrwebIncrementalSource.Scroll,
  RrwebIncrementalSource.Input,
  RrwebIncrementalSource.TouchMove,
]);

export function deviceClass(viewportWidth: number): DeviceClass {
  if (viewportWidth < MOBILE_MAX_WIDTH_EXCLUSIVE) return 'mobile';
  if (viewportWidth < TABLET_MAX_WIDTH_EXCLUSIVE) return 'tablet';
  return 'desktop';
}

type Fields = Record<string, unknown>;

const asFields = (value: unknown): Fields | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const asSize = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : undefined;

/** The tags kept in custom_events, with the payload field that names each one. */
const customEventNames: Partial<Record<SlTagName, string>> = {
  [SlTag.Page]: 'url',
  [SlTag.Track]: 'name',
  [SlTag.Identify]: 'userId',
  [SlTag.Error]: 'message',
};

export function summarizeEvents(
  events: readonly RecordedEvent[],
  carry: SessionCarry,
  options: SummaryOptions,
): SessionDelta {
  let firstTs = Infinity;
  let lastTs = -Infinity;
  let lastInputTs = carry.lastInputTs;
  let activeMs = 0;
  let clickCount = 0;
  let errorCount = 0;
  let consoleErrorCount = 0;
  let failedRequestCount = 0;
  let slPageEntry: SessionDelta['entry'] = null;
  let metaEntry: SessionDelta['entry'] = null;
  let viewport: SessionDelta['viewport'] = null;
  let userId: string | null = null;
  const pages = new Map<string, number>();
  const customEvents: CustomEventRecord[] = [];

  const visit = (url: string, ts: number) => pages.set(url, Math.min(pages.get(url) ?? ts, ts));
  const resize = (fields: Fields) => {
    const width = asSize(fields.width);
    const height = asSize(fields.height);
    if (width !== undefined && height !== undefined) viewport = { width, height, device: deviceClass(width) };
  };

  for (const event of events) {
    const ts = event.timestamp;
    firstTs = Math.min(firstTs, ts);
    lastTs = Math.max(lastTs, ts);
    const data = asFields(event.data);
    if (!data) continue;

    if (event.type === RrwebEventType.IncrementalSnapshot) {
      const source = data.source;
      if (typeof source === 'number' && inputSources.has(source)) {
        if (lastInputTs !== null) {
          const gap = ts - lastInputTs;
          if (gap > 0 && gap <= options.activityGapMs) activeMs += gap;
        }
        // max(): recordings can hold out-of-order timestamps; going back in time must not count twice.
        lastInputTs = lastInputTs === null ? ts : Math.max(lastInputTs, ts);
      }
      if (source === RrwebIncrementalSource.MouseInteraction && data.type === MOUSE_INTERACTION_CLICK) clickCount++;
      if (source === RrwebIncrementalSource.ViewportResize) resize(data);
    } else if (event.type === RrwebEventType.Meta) {
      const href = asString(data.href);
      if (href) {
        visit(href, ts);
        metaEntry ??= { url: href, ts };
      }
      resize(data);
    } else if (event.type === RrwebEventType.Custom) {
      const tag = asString(data.tag) as SlTagName | undefined;
      // Console errors and failed requests are kept as marks and counted; other console lines and requests are not.
      const logged = tag === SlTag.Console ? slPayload({ ...event, data }, SlTag.Console) : null;
      if (logged?.level === 'error') {
        consoleErrorCount++;
        customEvents.push({ ts, tag: SlTag.Console, name: logged.message, props: data.payload });
      }
      const request = tag === SlTag.Network ? slPayload({ ...event, data }, SlTag.Network) : null;
      if (request && isFailedRequest(request)) {
        failedRequestCount++;
        customEvents.push({ ts, tag: SlTag.Network, name: requestLine(request), props: data.payload });
      }
      const nameField = tag && customEventNames[tag];
      if (!tag || !nameField) continue;
      const payload = asFields(data.payload) ?? {};
      const name = asString(payload[nameField]) ?? '';
      if (tag === SlTag.Error) errorCount++;
      if (tag === SlTag.Page && name) {
        visit(name, ts);
        slPageEntry ??= { url: name, ts };
      }
      if (tag === SlTag.Identify && name) userId = name;
      customEvents.push({ ts, tag, name, props: data.payload ?? null });
    }
  }

  return {
    firstTs,
    lastTs,
    activeMs,
    lastInputTs,
    // The recorder's own page event knows the URL the visitor saw; rrweb's Meta is the fallback.
    entry: slPageEntry ?? metaEntry,
    pages: [...pages].map(([url, pageFirstTs]) => ({ url, firstTs: pageFirstTs })),
    clickCount,
    errorCount,
    consoleErrorCount,
    failedRequestCount,
    eventCount: events.length,
    viewport,
    userId,
    customEvents,
  };
}
