import { describe, expect, test } from 'vitest';
import {
  computeFunnel,
  funnelProgress,
  StepMatcher,
  type SessionTimeline,
  type TimelineEntry,
} from '../../../server/analytics/funnel.ts';
import type { FunnelStep } from '../../../contract/insights.ts';

const MINUTE = 60_000;
const T0 = 1_700_000_000_000;
const page = (at: number, path: string): TimelineEntry => ({ ts: T0 + at, kind: 'page', url: `https://shop.test${path}` });
const event = (at: number, name: string): TimelineEntry => ({ ts: T0 + at, kind: 'event', name });

const shopFunnel: FunnelStep[] = [
  { type: 'page', pattern: '/' },
  { type: 'page', pattern: '/product/*' },
  { type: 'event', name: 'add_to_cart' },
  { type: 'event', name: 'purchase' },
];

function reached(entries: TimelineEntry[], steps: FunnelStep[] = shopFunnel, windowMs = 30 * MINUTE): number[] {
  return funnelProgress(entries, steps.length, windowMs, new StepMatcher(steps)).stepTs.map((ts) => ts - T0);
}

describe('analytics | funnel progress of one session', () => {
  test.each([
    { name: 'no step 0 at all', entries: [page(0, '/product/1'), event(10, 'purchase')], expected: [] },
    { name: 'only step 0', entries: [page(0, '/')], expected: [0] },
    {
      name: 'every step in order',
      entries: [page(0, '/'), page(10, '/product/7'), event(20, 'add_to_cart'), event(30, 'purchase')],
      expected: [0, 10, 20, 30],
    },
    {
      name: 'steps out of order count only up to the first gap',
      entries: [page(0, '/'), event(5, 'add_to_cart'), page(10, '/product/7'), event(30, 'purchase')],
      expected: [0, 10],
    },
    {
      name: 'a step at the same time as the one before still follows it in recorded order',
      entries: [page(0, '/'), page(10, '/product/7'), event(10, 'add_to_cart')],
      expected: [0, 10, 10],
    },
    {
      name: 'unrelated pages and events in between are ignored',
      entries: [page(0, '/'), page(3, '/about'), event(4, 'newsletter'), page(10, '/product/x-1'), event(20, 'add_to_cart')],
      expected: [0, 10, 20],
    },
    {
      name: 'the query and trailing slash of a URL do not matter',
      entries: [page(0, '/?utm=mail'), page(10, '/product/7/?ref=home')],
      expected: [0, 10],
    },
  ])('$name', ({ entries, expected }) => {
    expect(reached(entries)).toEqual(expected);
  });

  test.each([
    { lastAt: 30 * MINUTE, expected: [0, 10, 20, 30 * MINUTE] },
    { lastAt: 30 * MINUTE + 1, expected: [0, 10, 20] },
  ])('the conversion window is inclusive: a purchase at $lastAt ms after step 0', ({ lastAt, expected }) => {
    const entries = [page(0, '/'), page(10, '/product/7'), event(20, 'add_to_cart'), event(lastAt, 'purchase')];
    expect(reached(entries)).toEqual(expected);
  });

  test('a later start of step 0 wins when it gets deeper within the window', () => {
    const entries = [
      page(0, '/'),
      page(40 * MINUTE, '/'),
      page(41 * MINUTE, '/product/7'),
      event(42 * MINUTE, 'add_to_cart'),
    ];
    expect(reached(entries)).toEqual([40 * MINUTE, 41 * MINUTE, 42 * MINUTE]);
  });

  test('of two starts that get equally deep, the earliest wins', () => {
    const entries = [page(0, '/'), page(1 * MINUTE, '/'), page(2 * MINUTE, '/product/1')];
    expect(reached(entries)).toEqual([0, 2 * MINUTE]);
  });

  test('entries arrive in any order and are sorted by time', () => {
    const entries = [event(30, 'purchase'), event(20, 'add_to_cart'), page(0, '/'), page(10, '/product/7')];
    expect(reached(entries)).toEqual([0, 10, 20, 30]);
  });

  test('a step repeated in the funnel needs a second occurrence', () => {
    const steps: FunnelStep[] = [
      { type: 'event', name: 'add_to_cart' },
      { type: 'event', name: 'add_to_cart' },
    ];
    expect(reached([event(0, 'add_to_cart')], steps)).toEqual([0]);
    expect(reached([event(0, 'add_to_cart'), event(5, 'add_to_cart')], steps)).toEqual([0, 5]);
  });
});

describe('analytics | computeFunnel', () => {
  const sessions: SessionTimeline[] = [
    // a: buys. b: adds to cart, no purchase. c: views a product, leaves. d: home only. e: never on the home page.
    { sessionId: 'a', entries: [page(0, '/'), page(1000, '/product/1'), event(3000, 'add_to_cart'), event(9000, 'purchase')] },
    { sessionId: 'b', entries: [page(0, '/'), page(2000, '/product/2'), event(6000, 'add_to_cart')] },
    { sessionId: 'c', entries: [page(100, '/'), page(4100, '/product/3')] },
    { sessionId: 'd', entries: [page(500, '/')] },
    { sessionId: 'e', entries: [page(0, '/product/1')] },
  ];

  test('counts sessions per step with conversions and median times', () => {
    const result = computeFunnel(sessions, shopFunnel, 30 * MINUTE);
    expect(result.sessionsConsidered).toBe(5);
    expect(
      result.steps.map(({ sessions, conversionFromPrevious, conversionFromStart, medianTimeFromPreviousMs, droppedCount }) => ({
        sessions,
        conversionFromPrevious,
        conversionFromStart,
        medianTimeFromPreviousMs,
        droppedCount,
      })),
    ).toEqual([
      { sessions: 4, conversionFromPrevious: null, conversionFromStart: 1, medianTimeFromPreviousMs: null, droppedCount: 0 },
      // Gaps 1000, 2000, 4000 ms: median 2000.
      { sessions: 3, conversionFromPrevious: 0.75, conversionFromStart: 0.75, medianTimeFromPreviousMs: 2000, droppedCount: 1 },
      // Gaps 2000, 4000 ms: median 3000.
      { sessions: 2, conversionFromPrevious: 2 / 3, conversionFromStart: 0.5, medianTimeFromPreviousMs: 3000, droppedCount: 1 },
      { sessions: 1, conversionFromPrevious: 0.5, conversionFromStart: 0.25, medianTimeFromPreviousMs: 6000, droppedCount: 1 },
    ]);
  });

  test('lists who dropped at each step with the time of their last reached step', () => {
    const result = computeFunnel(sessions, shopFunnel, 30 * MINUTE);
    expect(result.steps.map((step) => step.dropped)).toEqual([
      [],
      [{ sessionId: 'd', lastStepTs: T0 + 500 }],
      [{ sessionId: 'c', lastStepTs: T0 + 4100 }],
      [{ sessionId: 'b', lastStepTs: T0 + 6000 }],
    ]);
  });

  test('lists at most maxDroppedListed sessions per step, newest drop first, but counts them all', () => {
    const many = Array.from({ length: 5 }, (_, index) => ({ sessionId: `s${index}`, entries: [page(index * 1000, '/')] }));
    const step = computeFunnel(many, shopFunnel, 30 * MINUTE, { maxDroppedListed: 2 }).steps[1];
    expect(step.droppedCount).toBe(5);
    expect(step.dropped.map((dropped) => dropped.sessionId)).toEqual(['s4', 's3']);
  });

  test('answers null conversions and medians when nobody got there', () => {
    const result = computeFunnel([{ sessionId: 'e', entries: [page(0, '/product/1')] }], shopFunnel, 30 * MINUTE);
    expect(result.steps[0]).toMatchObject({ sessions: 0, conversionFromStart: null, conversionFromPrevious: null });
    expect(result.steps[1]).toMatchObject({ sessions: 0, conversionFromPrevious: null, medianTimeFromPreviousMs: null });
  });
});
