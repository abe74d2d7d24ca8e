import { describe, expect, test } from 'vitest';
import { detectDeadClicks } from '../../../server/analytics/dead-clicks.ts';
import { clicksOf } from '../../../server/analytics/events.ts';
import { detectRageClicks } from '../../../server/analytics/rage-clicks.ts';
import { scrollDepthByPageView } from '../../../server/analytics/scroll-depth.ts';
import { computeSessionSignals, foldBursts } from '../../../server/analytics/session-signals.ts';
import type { RecordedEvent } from '../../../contract/protocol.ts';
import { MALFORMED_STREAM, listCorpusStreams, loadCorpusStream } from '../../helpers/corpus.ts';
import { T0, mouseMove, mutation, slClick, slError } from './factories.ts';

const COUNTER = MALFORMED_STREAM; // the one real, timestamped recording (its event 155 is malformed upstream)

describe('analytics | session signals', () => {
  test('a rage burst split across two batches is found once the batches are joined', () => {
    const firstBatch = [slClick(0), slClick(150), mouseMove(200)];
    const secondBatch = [slClick(300), slClick(450), mouseMove(3000)];
    expect(computeSessionSignals(firstBatch).rageClicks).toEqual([]);
    expect(computeSessionSignals(secondBatch).rageClicks).toEqual([]);
    const expected = [{ selector: '#buy', label: '', count: 4, ts: T0, lastTs: T0 + 450, deadClicks: 4, x: 100, y: 200 }];
    expect(computeSessionSignals([...firstBatch, ...secondBatch]).rageClicks).toEqual(expected);
    // Batches may be stored out of order (a retried batch lands late): the result must not change.
    expect(computeSessionSignals([...secondBatch, ...firstBatch]).rageClicks).toEqual(expected);
  });

  test('one window with each signal', () => {
    const events: RecordedEvent[] = [
      ...[0, 100, 200].map((at) => slClick(at, { selector: '#apply-coupon', x: 500 })),
      mutation(250),
      slClick(3000, { selector: '.hero-title', tag: 'h1', x: 300, y: 80 }),
      slClick(6000, { selector: '#pay' }),
      slError(6300, 'TypeError: Cannot read properties of undefined'),
      mutation(6400),
      mouseMove(9000),
    ];
    const signals = computeSessionSignals(events);
    const rage = signals.rageClicks.map(({ selector, count }) => ({ selector, count }));
    expect(rage).toEqual([{ selector: '#apply-coupon', count: 3 }]);
    const dead = signals.deadClicks.map(({ selector, ts }) => ({ selector, at: ts - T0 }));
    expect(dead).toEqual([{ selector: '.hero-title', at: 3000 }]);
    expect(signals.errorClicks.map(({ selector, message }) => ({ selector, message }))).toEqual([
      { selector: '#pay', message: 'TypeError: Cannot read properties of undefined' },
    ]);
  });
});

describe('analytics | one finding per burst', () => {
  const apply = { selector: '#apply-promo', label: '"Apply" button' };

  test('a rage burst on a button that does nothing is one rage click counting its dead clicks', () => {
    const events = [...[0, 100, 200, 300, 400].map((at) => slClick(at, apply)), mouseMove(5000)];
    const signals = computeSessionSignals(events);
    expect(signals.rageClicks).toEqual([
      { ...apply, count: 5, ts: T0, lastTs: T0 + 400, deadClicks: 5, x: 100, y: 200 },
    ]);
    expect(signals.deadClicks).toEqual([]);
  });

  test('a burst answered at its start counts only the presses the answer cannot have been for', () => {
    // A response answers clicks up to 300 ms after it (the press leads the click): those at 0-300 ms, not 400-900.
    const events = [...Array.from({ length: 10 }, (_, i) => slClick(i * 100, apply)), mutation(50), mouseMove(5000)];
    const signals = computeSessionSignals(events);
    expect(signals.rageClicks).toMatchObject([{ count: 10, deadClicks: 6 }]);
    expect(signals.deadClicks).toEqual([]);
  });

  const rage = { ...apply, count: 4, ts: T0 + 1000, lastTs: T0 + 1300, deadClicks: 0, x: 100, y: 200 };
  const dead = (at: number, selector = apply.selector) => ({ selector, tag: 'button', label: '', ts: T0 + at, x: 100, y: 200 });

  test.each([
    ['at the first click', dead(1000), true],
    ['between the clicks', dead(1150), true],
    ['at the last click', dead(1300), true],
    ['before the burst', dead(999), false],
    ['after the burst', dead(1301), false],
    ['on another element during the burst', dead(1150, '#pay'), false],
  ])('a dead click %s folds into the burst: %s', (_, click, folds) => {
    const folded = foldBursts({ rageClicks: [rage], deadClicks: [click], errorClicks: [] });
    expect(folded.rageClicks[0].deadClicks).toBe(folds ? 1 : 0);
    expect(folded.deadClicks).toEqual(folds ? [] : [click]);
  });

  test('folding leaves its input alone and error clicks as they are', () => {
    const input = { rageClicks: [rage], deadClicks: [dead(1100)], errorClicks: [] };
    const before = structuredClone(input);
    foldBursts(input);
    expect(input).toEqual(before);
  });
});

describe('analytics | corpus recordings', () => {
  test.each(listCorpusStreams())('%s runs through every detector', (name) => {
    const events = loadCorpusStream(name);
    const timestamps = events.map((event) => event.timestamp).filter((ts) => Number.isFinite(ts));
    const [first, last] = [Math.min(...timestamps), Math.max(...timestamps)];
    const signals = computeSessionSignals(events);
    for (const finding of [...signals.rageClicks, ...signals.deadClicks, ...signals.errorClicks]) {
      expect(finding.ts).toBeGreaterThanOrEqual(first);
      expect(finding.ts).toBeLessThanOrEqual(last);
    }
    for (const { depth } of scrollDepthByPageView(events)) {
      expect(depth === null || (depth >= 0 && depth <= 1)).toBe(true);
    }
  });

  test('the counter recording: rrweb clicks are the fallback, its double-clicks are not rage', () => {
    const events = loadCorpusStream(COUNTER);
    const clicks = clicksOf(events);
    expect(clicks).toHaveLength(13);
    const targets = new Set(clicks.map((click) => `${click.origin} ${click.selector}`));
    expect(targets).toEqual(new Set(['rrweb div#counter', 'rrweb div.wrapper']));
    // Clicks come in pairs (double-clicks) at least 1.9 s apart: never 3 within a second.
    expect(detectRageClicks(events)).toEqual([]);
    // The counter re-renders every second, so every click is followed by a DOM mutation.
    expect(detectDeadClicks(events)).toEqual([]);
  });

  test('the counter recording without its timer mutations: clicks with no scroll or selection are dead', () => {
    const start = loadCorpusStream(COUNTER)[0].timestamp;
    const withoutMutations = loadCorpusStream(COUNTER).filter(
      (event) => !(event.type === 3 && (event.data as { source?: number }).source === 0),
    );
    const dead = detectDeadClicks(withoutMutations).map(({ ts, selector }) => ({ at: ts - start, selector }));
    // The double-click at 49 062 / 49 262 ms selected text on its second press (49 163 ms), so it is answered.
    expect(dead).toEqual([
      { at: 5895, selector: 'div.wrapper' },
      { at: 45845, selector: 'div.wrapper' },
      { at: 55579, selector: 'div.wrapper' },
      { at: 55896, selector: 'div#counter' },
    ]);
  });

  test('the counter recording becomes a rage click when its clicks are hammered', () => {
    const events = loadCorpusStream(COUNTER);
    const isClick = (event: RecordedEvent) => {
      const data = event.data as { source?: number; type?: number };
      return event.type === 3 && data.source === 2 && data.type === 2;
    };
    const firstClick = events.find(isClick)!;
    const hammered = [1, 2, 3].map((i) => ({ ...firstClick, timestamp: firstClick.timestamp + i * 120 }));
    const found = detectRageClicks([...events, ...hammered]);
    expect(found).toEqual([
      { selector: 'div#counter', label: '', count: 4, ts: firstClick.timestamp, lastTs: firstClick.timestamp + 360, deadClicks: 0, x: 783, y: 372 },
    ]);
  });
});
