/**
 * A synthetic recording at a shopper's pace, for figures that need long sessions a scripted browser cannot make in
 * time (an hour of replay, thousands of distinct ingest batches): rrweb events as the recorder emits them — a Meta,
 * full snapshot and sl:page per page view, mouse moves flushed every 500 ms while the mouse moves, scroll bursts,
 * clicks with their sl:click and the page's reaction, inputs, a carousel ticking — cut into batches by the
 * recorder's own flush policy. Pure and seeded: the same options give the same events.
 */
import { seededRandom } from '../demo/shopper.ts';
import { RrwebEventType, RrwebIncrementalSource, type ClickPayload, type RecordedEvent } from '../contract/protocol.ts';
import { buildPage, type SyntheticPage } from './synthetic-page.ts';

export interface SyntheticSessionOptions {
  /** Recorded time from the first event to the last, in ms. Defaults to 3,600,000 (60 minutes). */
  durationMs: number;
  /** Timestamp of the first event, ms since epoch. Defaults to 2025-03-03 10:00 UTC. */
  startTs: number;
  /** Seed of every choice. Defaults to 1. */
  seed: number;
  /** Mean time on one page before the next page view, in ms. Defaults to 120,000. */
  pageViewMs: number;
  /** Related-product cards per page, which sets the snapshot's size. Defaults to 24. */
  productCards: number;
  /** Viewport, in CSS px. Defaults to 1280×800. */
  viewport: { width: number; height: number };
}

export const defaultSessionOptions: SyntheticSessionOptions = {
  durationMs: 60 * 60_000,
  startTs: Date.UTC(2025, 2, 3, 10),
  seed: 1,
  pageViewMs: 120_000,
  productCards: 24,
  viewport: { width: 1280, height: 800 },
};

/** The simulation's clock step; rrweb's own samplers (scroll 100 ms, mouse 50 ms) fit in it. */
const TICK_MS = 100;
/** rrweb flushes buffered mouse positions this often while the mouse moves. */
const MOUSEMOVE_FLUSH_MS = 500;
/** Per-tick chances, chosen for a shopper's rates: a click every ~8 s, a scroll burst every ~5 s, a page change of the carousel every ~3 s. */
const CHANCE = { startMoving: 0.08, stopMoving: 0.1, scrollBurst: 0.02, click: 1 / 80, carousel: 1 / 30 } as const;
/** How long a toast stays before the page removes it again, in ms. */
const TOAST_MS = 3_000;
const PAGE_KINDS = ['index', 'product', 'product', 'cart', 'checkout'] as const;
const MOUSE_INTERACTION = { MouseUp: 0, MouseDown: 1, Click: 2 } as const;

export function syntheticSession(overrides: Partial<SyntheticSessionOptions> = {}): RecordedEvent[] {
  const options = { ...defaultSessionOptions, ...overrides };
  const { width: vw, height: vh } = options.viewport;
  const random = seededRandom(options.seed);
  const between = (min: number, max: number) => min + random() * (max - min);
  const events: RecordedEvent[] = [];
  const push = (timestamp: number, type: number, data: unknown) => events.push({ type, data, timestamp: Math.round(timestamp) });
  const incremental = (timestamp: number, source: number, data: Record<string, unknown>) =>
    push(timestamp, RrwebEventType.IncrementalSnapshot, { source, ...data });

  const end = options.startTs + options.durationMs;
  let page: SyntheticPage = buildPage('index', options.productCards);
  let nextPageAt = options.startTs;
  let pageNumber = 0;
  let scrollY = 0;
  let mouse = { x: vw / 2, y: vh / 2 };
  let moving = false;
  let positions: Array<{ x: number; y: number; id: number; timeOffset: number }> = [];
  let lastMoveFlush = options.startTs;
  let scrollTicksLeft = 0;
  let cartCount = 0;
  let activeSlide = 0;
  const toasts: Array<{ id: number; removeAt: number }> = [];

  function openPage(ts: number): void {
    const kind = PAGE_KINDS[pageNumber % PAGE_KINDS.length]!;
    page = buildPage(kind, options.productCards);
    scrollY = 0;
    toasts.length = 0;
    positions = [];
    const url = `https://shop.example.test/${kind === 'index' ? '' : `${kind}.html`}?visit=${pageNumber}`;
    push(ts, RrwebEventType.Meta, { href: url, width: vw, height: vh });
    push(ts + 5, RrwebEventType.FullSnapshot, { node: page.node, initialOffset: { top: 0, left: 0 } });
    push(ts + 6, RrwebEventType.Custom, { tag: 'sl:page', payload: { url, title: `${kind} · Lumen & Leaf`, referrer: '' } });
    pageNumber++;
    nextPageAt = ts + options.pageViewMs * between(0.5, 1.5);
  }

  function click(ts: number): void {
    const target = page.clickables[Math.floor(random() * page.clickables.length)]!;
    const ox = between(0.2, 0.8);
    const oy = between(0.2, 0.8);
    const x = target.x + target.width * ox;
    const y = target.y + target.height * oy;
    mouse = { x, y: y - scrollY };
    const at = { id: target.id, x: Math.round(mouse.x), y: Math.round(mouse.y), pointerType: 0 };
    incremental(ts, RrwebIncrementalSource.MouseInteraction, { type: MOUSE_INTERACTION.MouseDown, ...at });
    incremental(ts + 80, RrwebIncrementalSource.MouseInteraction, { type: MOUSE_INTERACTION.MouseUp, ...at });
    incremental(ts + 80, RrwebIncrementalSource.MouseInteraction, { type: MOUSE_INTERACTION.Click, ...at });
    const { selector, tag, label } = target;
    const payload: ClickPayload = { selector, tag, label, ox, oy, x, y, vw, vh, dw: vw, dh: page.documentHeight };
    push(ts + 81, RrwebEventType.Custom, { tag: 'sl:click', payload });
    if (target.selector === '#qty-increase' || target.selector === '#qty-decrease') {
      incremental(ts + 90, RrwebIncrementalSource.Input, { text: '********', isChecked: false, id: page.ids.inputs[0] });
      return;
    }
    // Add to cart: the badge counts up, a toast appears and goes again a few seconds later.
    cartCount++;
    const toastId = page.nextId;
    page.nextId += 2;
    const toast = { type: 2, tagName: 'p', attributes: { class: 'toast' }, childNodes: [
      { type: 3, textContent: `Added to your cart (${cartCount})`, id: toastId + 1 },
    ], id: toastId };
    incremental(ts + 95, RrwebIncrementalSource.Mutation, {
      texts: [{ id: page.ids.cartBadgeText, value: String(cartCount) }],
      attributes: [{ id: target.id, attributes: { class: 'button added' } }],
      removes: [],
      adds: [{ parentId: page.ids.toasts, nextId: null, node: toast }],
    });
    if (ts + TOAST_MS < nextPageAt) toasts.push({ id: toastId, removeAt: ts + TOAST_MS });
  }

  for (let ts = options.startTs; ts < end; ts += TICK_MS) {
    if (ts >= nextPageAt) openPage(ts);
    while (toasts.length > 0 && toasts[0]!.removeAt <= ts) {
      const toast = toasts.shift()!;
      incremental(toast.removeAt, RrwebIncrementalSource.Mutation, {
        texts: [], attributes: [], removes: [{ parentId: page.ids.toasts, id: toast.id }], adds: [],
      });
    }
    if (moving) {
      // Two samples per tick: rrweb samples mouse positions every 50 ms.
      for (const offset of [0, TICK_MS / 2]) {
        mouse = { x: Math.min(vw - 1, Math.max(0, mouse.x + between(-40, 40))), y: Math.min(vh - 1, Math.max(0, mouse.y + between(-30, 30))) };
        positions.push({ x: Math.round(mouse.x), y: Math.round(mouse.y), id: page.ids.body, timeOffset: ts + offset });
      }
      if (random() < CHANCE.stopMoving) moving = false;
    } else if (random() < CHANCE.startMoving) moving = true;
    if (positions.length > 0 && ts - lastMoveFlush >= MOUSEMOVE_FLUSH_MS) {
      // rrweb stores each position's time as an offset from the event that carries it.
      const flushAt = ts + TICK_MS - 1;
      incremental(flushAt, RrwebIncrementalSource.MouseMove, {
        positions: positions.map((position) => ({ ...position, timeOffset: position.timeOffset - flushAt })),
      });
      positions = [];
      lastMoveFlush = ts;
    }
    if (scrollTicksLeft === 0 && random() < CHANCE.scrollBurst) scrollTicksLeft = 3 + Math.floor(random() * 6);
    if (scrollTicksLeft > 0) {
      scrollTicksLeft--;
      scrollY = Math.min(page.documentHeight - vh, Math.max(0, scrollY + between(-60, 140)));
      incremental(ts + 10, RrwebIncrementalSource.Scroll, { id: 1, x: 0, y: Math.round(scrollY) });
    }
    // Not in the last moments of a page: the click's follow-ups would land on the next page's snapshot.
    if (random() < CHANCE.click && ts + 2 * TICK_MS < nextPageAt) click(ts + 20);
    if (random() < CHANCE.carousel) {
      const previous = activeSlide;
      activeSlide = (activeSlide + 1) % page.ids.slides.length;
      incremental(ts + 50, RrwebIncrementalSource.Mutation, {
        texts: [], removes: [], adds: [],
        attributes: [
          { id: page.ids.slides[previous], attributes: { class: 'slide' } },
          { id: page.ids.slides[activeSlide], attributes: { class: 'slide active' } },
        ],
      });
    }
  }
  // Follow-ups (a mouse-up, a toast's removal) may be stamped after events of the next ticks; rrweb emits in time order.
  return events.sort((a, b) => a.timestamp - b.timestamp);
}

/** The recorder's flush policy (recorder/batcher.ts); its defaults are the recorder's. */
export interface BatchPolicy {
  /** Longest wait of an event in the buffer, in ms. Defaults to 5000. */
  flushIntervalMs: number;
  /** Events per batch at most. Defaults to 500. */
  maxBatchEvents: number;
  /** Uncompressed JSON per batch at most, in bytes. Defaults to 524288. */
  maxBatchBytes: number;
}

export const recorderBatchPolicy: BatchPolicy = { flushIntervalMs: 5_000, maxBatchEvents: 500, maxBatchBytes: 512 * 1024 };

/**
 * Cuts events into the batches the recorder would send: at the age limit, the event limit, before the byte limit,
 * and at every page view (a new document starts a new recorder; the old one sends what it holds as it unloads).
 */
export function cutIntoBatches(events: readonly RecordedEvent[], policy: BatchPolicy = recorderBatchPolicy): RecordedEvent[][] {
  const batches: RecordedEvent[][] = [];
  let current: RecordedEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = JSON.stringify(event).length;
    const first = current[0];
    const tooOld = first !== undefined && event.timestamp - first.timestamp >= policy.flushIntervalMs;
    const newPage = event.type === RrwebEventType.Meta;
    if (current.length > 0 && (tooOld || newPage || bytes + size > policy.maxBatchBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
    if (current.length >= policy.maxBatchEvents || bytes >= policy.maxBatchBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
