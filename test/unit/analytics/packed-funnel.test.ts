import { describe, expect, test } from 'vitest';
import {
  computeFunnel,
  funnelProgress,
  StepMatcher,
  type SessionTimeline,
  type TimelineEntry,
} from '../../../server/analytics/funnel.ts';
import type { FunnelStep } from '../../../contract/insights.ts';
import {
  computePackedFunnel,
  forEachProgress,
  labelsInUse,
  StepMaskBuilder,
  stepMasks,
} from '../../../server/analytics/packed-funnel.ts';
import type { FunnelLabel, PackedTimelines } from '../../../contract/rows.ts';
import {
  EVENT_NAMES,
  PATHS,
  pick,
  randomInt,
  randomSteps,
  seededRandom,
  TIME_GRID_MS,
  WINDOWS_MS,
} from '../../helpers/random-funnels.ts';

const T0 = 1_700_000_000_000;

/**
 * Packs timelines the way funnel_timelines holds them: entries stable-sorted by time, labelled by full URL or event
 * name (the store's shorter page labels are tested against the database). Sessions without entries stay out of the
 * buffer, as they have no row, but count in range.
 */
function pack(timelines: readonly SessionTimeline[]): PackedTimelines {
  const labels = new Map<string, FunnelLabel>();
  const labelId = (entry: TimelineEntry) => {
    const [kind, text] = entry.kind === 'page' ? (['page', entry.url] as const) : (['event', entry.name] as const);
    const key = `${kind} ${text}`;
    if (!labels.has(key)) labels.set(key, { id: 3 * labels.size + 7, kind, text });
    return labels.get(key)!.id;
  };
  const parts: Buffer[] = [];
  const sessionIds: string[] = [];
  for (const { sessionId, entries } of timelines) {
    if (entries.length === 0) continue;
    const sorted = [...entries].sort((a, b) => a.ts - b.ts);
    const part = Buffer.alloc(4 + 12 * sorted.length);
    part.writeUInt32BE(sorted.length, 0);
    sorted.forEach((entry, index) => {
      part.writeBigInt64BE(BigInt(entry.ts), 4 + 12 * index);
      part.writeUInt32BE(labelId(entry), 12 + 12 * index);
    });
    parts.push(part);
    sessionIds.push(sessionId);
  }
  return { sessionsInRange: timelines.length, sessionIds, entries: Buffer.concat(parts), labels: [...labels.values()] };
}

function randomTimelines(random: () => number, sessions: number): SessionTimeline[] {
  return Array.from({ length: sessions }, (_, index) => {
    const start = T0 + randomInt(random, -10, 10) * 60_000;
    const entries = Array.from({ length: randomInt(random, 0, 14) }, (): TimelineEntry => {
      const ts = start + randomInt(random, 0, 40) * TIME_GRID_MS;
      return random() < 0.65 ? { ts, kind: 'page', url: `https://shop.test${pick(random, PATHS)}` } : { ts, kind: 'event', name: pick(random, EVENT_NAMES) };
    });
    return { sessionId: `s${String(index).padStart(3, '0')}`, entries };
  });
}

/** Each session's step times as the packed walk finds them, by session id. */
function packedProgress(packed: PackedTimelines, steps: FunnelStep[], windowMs: number): Map<string, number[]> {
  const progress = new Map<string, number[]>();
  forEachProgress(packed, steps, windowMs, (index, stepTs, reached) => {
    progress.set(packed.sessionIds[index], Array.from(stepTs.subarray(0, reached)));
  });
  return progress;
}

describe('analytics | packed funnel', () => {
  test.each([1, 2, 3, 4, 5])('agrees with computeFunnel on random sessions and funnels (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const timelines = randomTimelines(random, 300);
    const packed = pack(timelines);
    for (let run = 0; run < 40; run++) {
      const steps = randomSteps(random);
      const windowMs = pick(random, WINDOWS_MS);
      const options = { maxDroppedListed: pick(random, [3, 100]) };
      const context = JSON.stringify({ steps, windowMs });

      expect(computePackedFunnel(packed, steps, windowMs, options), context).toEqual(computeFunnel(timelines, steps, windowMs, options));
      // Session by session too, so that two differences cannot cancel out in the counts.
      const matcher = new StepMatcher(steps);
      const progress = packedProgress(packed, steps, windowMs);
      for (const { sessionId, entries } of timelines) {
        const expected = funnelProgress(entries, steps.length, windowMs, matcher).stepTs;
        expect(progress.get(sessionId) ?? [], `${sessionId} ${context}`).toEqual(expected);
      }
    }
  });

  test('matches each label once: a page label by pattern, an event label by name, never across kinds', () => {
    const labels: FunnelLabel[] = [
      { id: 1, kind: 'page', text: 'https://shop.test/product/9?' },
      { id: 2, kind: 'event', text: 'purchase' },
      { id: 3, kind: 'event', text: '/product/9' },
      { id: 4, kind: 'page', text: 'https://shop.test/about' },
    ];
    const steps: FunnelStep[] = [
      { type: 'page', pattern: '/product/*' },
      { type: 'event', name: 'purchase' },
      { type: 'page', pattern: '/product/:id' },
    ];
    expect(stepMasks(labels, steps)).toEqual(new Map([[1, 0b101], [2, 0b010]]));
  });

  test('builds the same masks a slice at a time, each slice spending at least its steps unless it finishes', () => {
    const labels: FunnelLabel[] = Array.from({ length: 40 }, (_, index) => ({
      id: index,
      kind: index % 5 === 0 ? 'event' : 'page',
      text: index % 5 === 0 ? 'purchase' : `https://shop.test/product/${index}/${'a'.repeat(index)}`,
    }));
    const steps: FunnelStep[] = [
      { type: 'page', pattern: '/product/**' },
      { type: 'event', name: 'purchase' },
      { type: 'page', pattern: '/**/*a*/**' },
    ];
    const builder = new StepMaskBuilder(labels, steps);
    const SLICE = 200;
    let slices = 0;
    for (let before = 0; ; before = builder.work.steps) {
      slices += 1;
      const done = builder.advance(SLICE);
      if (done) break;
      expect(builder.work.steps - before).toBeGreaterThanOrEqual(SLICE);
    }
    expect(slices).toBeGreaterThan(5);
    expect(builder.masks).toEqual(stepMasks(labels, steps));
    expect(builder.advance(SLICE)).toBe(true);
  });

  test('labelsInUse keeps only the labels the timelines name', () => {
    const packed = pack([{ sessionId: 'a', entries: [{ ts: 1, kind: 'event', name: 'x' }, { ts: 2, kind: 'page', url: '/p' }] }]);
    const others: FunnelLabel[] = [{ id: 1000, kind: 'page', text: '/elsewhere' }, { id: 1001, kind: 'event', text: 'x' }];
    const used = labelsInUse({ ...packed, labels: [...packed.labels, ...others] });
    expect(used).toEqual(packed.labels);
    expect(used).toHaveLength(2);
  });

  test('refuses more steps than a mask has bits', () => {
    const steps: FunnelStep[] = Array.from({ length: 32 }, () => ({ type: 'event', name: 'a' }));
    expect(() => stepMasks([], steps)).toThrow(RangeError);
  });

  test('counts sessions in range without a timeline, and reads times before 1970 and after 2106', () => {
    const steps: FunnelStep[] = [{ type: 'event', name: 'a' }, { type: 'event', name: 'b' }];
    const timelines: SessionTimeline[] = [
      { sessionId: 'old', entries: [{ ts: -86_400_000, kind: 'event', name: 'a' }, { ts: -86_399_000, kind: 'event', name: 'b' }] },
      { sessionId: 'far', entries: [{ ts: 2 ** 42, kind: 'event', name: 'a' }, { ts: 2 ** 42 + 5, kind: 'event', name: 'b' }] },
      { sessionId: 'none', entries: [] },
    ];
    const result = computePackedFunnel(pack(timelines), steps, 60_000);
    expect(result).toEqual(computeFunnel(timelines, steps, 60_000));
    expect({ considered: result.sessionsConsidered, sessions: result.steps.map((step) => step.sessions) }).toEqual({
      considered: 3,
      sessions: [2, 2],
    });
  });

  test('fails loudly when the session ids do not match the packed sessions', () => {
    const packed = pack([{ sessionId: 'a', entries: [{ ts: 1, kind: 'event', name: 'x' }] }]);
    expect(() => computePackedFunnel({ ...packed, sessionIds: [] }, [{ type: 'event', name: 'x' }], 10)).toThrow(/1 sessions but 0/);
    expect(() => computePackedFunnel({ ...packed, entries: packed.entries.subarray(0, 10) }, [{ type: 'event', name: 'x' }], 10)).toThrow(
      /cut short/,
    );
  });
});
