/**
 * A generated multi-session workload for the pipeline's differential and crash tests: shoppers with one or two tabs
 * who load pages (product pages with ids, for page patterns), move, scroll, resize, click (rage bursts that straddle
 * batch boundaries, dead clicks, clicks followed by errors), fill and abandon or submit forms, track cart and
 * purchase events and identify themselves, cut into batches as a recorder sends them. Seeded, so every run builds
 * the same batches.
 */
import type { IngestBatch, RecordedEvent } from '../../contract/protocol.ts';
import { visit } from '../api/shop-events.ts';

/** mulberry32: a small seeded generator. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A copy of `items` in random order (Fisher–Yates over `random`). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

export interface WorkloadOptions {
  sessions: number;
  seed: number;
  /** Event time of the first session's start, ms since epoch. */
  start: number;
  project?: string;
}

/** One tab's recording: a few page visits, each with the events a shopper leaves on it. */
function tabEvents(random: () => number, start: number, width: number): RecordedEvent[] {
  const v = visit(start, width, width < 768 ? 844 : 800);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const events: RecordedEvent[] = [];
  let at = 0;
  const pages = 2 + Math.floor(random() * 3);
  for (let page = 0; page < pages; page++) {
    const path = pick(['/', `/product/${1 + Math.floor(random() * 40)}`, `/product/${1 + Math.floor(random() * 40)}`, '/cart', '/checkout']);
    events.push(...v.load(at, path));
    at += 200;
    const actions = 4 + Math.floor(random() * 8);
    for (let action = 0; action < actions; action++) {
      at += 150 + Math.floor(random() * 900);
      const roll = random();
      if (roll < 0.2) {
        for (let step = 0; step < 4; step++) events.push(v.move(at + step * 40, Math.floor(random() * width), Math.floor(random() * 2000)));
      } else if (roll < 0.3) {
        events.push(v.scroll(at, Math.floor(random() * 2400)));
      } else if (roll < 0.4) {
        // A rage burst: four quick clicks on the same button, and no answer from the page.
        for (let click = 0; click < 4; click++) events.push(v.click(at + click * 220, '#promo', { x: 300, y: 400 + click }));
        at += 900;
      } else if (roll < 0.5) {
        events.push(v.click(at, pick(['#buy', '#add', '#size-m'])), v.mutation(at + 120));
      } else if (roll < 0.55) {
        events.push(v.click(at, '#banner'));
      } else if (roll < 0.62) {
        events.push(v.click(at, '#pay'), v.error(at + 300, 'TypeError: payment is undefined'));
      } else if (roll < 0.75) {
        const field = pick(['#email', '#name', '#card']);
        events.push(v.field(at, 'focus', field), v.field(at + 400, 'change', field), v.field(at + 450, 'blur', field));
        if (random() < 0.4) events.push(v.submit(at + 600));
      } else if (roll < 0.85) {
        events.push(v.track(at, pick(['add_to_cart', 'purchase', 'signup']), { value: Math.floor(random() * 90) + 10 }));
      } else if (roll < 0.9) {
        events.push({ type: 5, data: { tag: 'sl:identify', payload: { userId: `user-${Math.floor(random() * 5)}`, traits: {} } }, timestamp: v.ts(at) });
      } else {
        const resized = pick([390, 820, 1280, 1440]);
        events.push({ type: 3, data: { source: 4, width: resized, height: 800 }, timestamp: v.ts(at) });
      }
    }
    at += 2000 + Math.floor(random() * 8000);
  }
  return events;
}

/** Cuts events into batches of random sizes (3 to 14 events), with seq 0, 1, 2, … */
function cut(random: () => number, events: RecordedEvent[], fields: Pick<IngestBatch, 'project' | 'sessionId' | 'windowId'>): IngestBatch[] {
  const batches: IngestBatch[] = [];
  for (let index = 0; index < events.length; ) {
    const size = 3 + Math.floor(random() * 12);
    const part = events.slice(index, index + size);
    index += size;
    batches.push({ v: 1, ...fields, seq: batches.length, sentAt: part.at(-1)!.timestamp, events: part });
  }
  return batches;
}

/** Every batch of the workload, each tab's in seq order, tabs one after another. */
export function generateWorkload({ sessions, seed, start, project = 'demo' }: WorkloadOptions): IngestBatch[] {
  const random = seededRandom(seed);
  const batches: IngestBatch[] = [];
  for (let session = 0; session < sessions; session++) {
    const sessionId = `gen-${seed}-${session}`;
    const sessionStart = start + session * 97_000;
    const tabs = random() < 0.35 ? 2 : 1;
    for (let tab = 0; tab < tabs; tab++) {
      const width = [390, 820, 1280, 1440][Math.floor(random() * 4)]!;
      const events = tabEvents(random, sessionStart + tab * 7_000, width);
      batches.push(...cut(random, events, { project, sessionId, windowId: `${sessionId}-tab-${tab}` }));
    }
  }
  return batches;
}
