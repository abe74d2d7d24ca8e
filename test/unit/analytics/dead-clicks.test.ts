import { describe, expect, test } from 'vitest';
import { detectDeadClicks, hasTimeBetween } from '../../../server/analytics/dead-clicks.ts';
import { resolveThresholds } from '../../../server/analytics/thresholds.ts';
import type { RecordedEvent } from '../../../contract/protocol.ts';
import {
  T0,
  fullSnapshot,
  inputChange,
  meta,
  mouseMove,
  mutation,
  rrwebClick,
  scroll,
  selection,
  slClick,
  slField,
  slPage,
  slTrack,
  styleSheetRule,
} from './factories.ts';

/** A click at 0, the given events, and a mouse move at 5 s so the recording runs past the click's window. */
function clickThen(...after: RecordedEvent[]): RecordedEvent[] {
  return [slClick(0), ...after, mouseMove(5000)];
}

describe('analytics | dead clicks', () => {
  test.each([
    { at: 0, dead: false },
    { at: 900, dead: false },
    { at: 999, dead: false },
    { at: 1000, dead: false },
    { at: 1001, dead: true },
    { at: 1100, dead: true },
  ])('a mutation $at ms after the click → dead: $dead', ({ at, dead }) => {
    expect(detectDeadClicks(clickThen(mutation(at)))).toHaveLength(dead ? 1 : 0);
  });

  test.each([
    { at: -301, dead: true },
    { at: -300, dead: false },
    { at: -50, dead: false },
  ])('a mutation $at ms before the click (answering its press) → dead: $dead', ({ at, dead }) => {
    expect(detectDeadClicks([mutation(at), slClick(0), mouseMove(5000)])).toHaveLength(dead ? 1 : 0);
  });

  test.each([
    { response: 'a page scroll', event: scroll(400, 600) },
    { response: 'a scroll inside an element', event: scroll(400, 120, 42) },
    { response: 'an sl:page (SPA navigation)', event: slPage(300, 'https://shop.test/cart') },
    { response: 'an rrweb Meta (new document)', event: meta(300, 'https://shop.test/cart') },
    { response: 'a full snapshot', event: fullSnapshot(300) },
    { response: 'a field getting focus', event: slField(200, 'focus', '#coupon') },
    { response: 'a checkbox toggled (rrweb Input)', event: inputChange(50) },
    { response: 'text selected', event: selection(50, 1) },
    { response: 'a style sheet rule change', event: styleSheetRule(600) },
  ])('$response within the window rescues the click', ({ event }) => {
    expect(detectDeadClicks(clickThen(event))).toEqual([]);
  });

  test.each([
    { nonResponse: 'nothing', events: [] },
    { nonResponse: 'mouse moves', events: [mouseMove(100), mouseMove(600)] },
    { nonResponse: 'a selection cleared (no ranges)', events: [selection(50, 0)] },
    { nonResponse: 'a track() call', events: [slTrack(100, 'clicked_banner')] },
    { nonResponse: 'a field blur', events: [slField(100, 'blur', '#email')] },
    { nonResponse: 'another click', events: [slClick(300, { selector: '#other', x: 600 })] },
  ])('$nonResponse after the click leaves it dead', ({ events }) => {
    const found = detectDeadClicks(clickThen(...events));
    expect(found[0]).toEqual({ selector: '#buy', tag: 'button', label: '', ts: T0, x: 100, y: 200 });
  });

  test.each([
    { target: 'text field', selector: '#email', tag: 'input' },
    { target: 'select', selector: '#country', tag: 'select' },
    { target: 'textarea', selector: '#note', tag: 'textarea' },
    { target: 'video', selector: 'video', tag: 'video' },
    { target: 'page background', selector: 'body', tag: 'body' },
  ])('a click on a $target is not judged', ({ selector, tag }) => {
    expect(detectDeadClicks([slClick(0, { selector, tag }), mouseMove(5000)])).toEqual([]);
  });

  test('a click on plain text with no response is dead (it looked clickable)', () => {
    expect(detectDeadClicks([slClick(0, { selector: '.price', tag: 'span' }), mouseMove(5000)])).toHaveLength(1);
  });

  test.each([
    { lastEventAt: null, judged: false },
    { lastEventAt: 1000, judged: false },
    { lastEventAt: 1001, judged: true },
  ])('recording ending at $lastEventAt ms: judged $judged', ({ lastEventAt, judged }) => {
    const events = lastEventAt === null ? [slClick(0)] : [slClick(0), mouseMove(lastEventAt)];
    expect(detectDeadClicks(events)).toHaveLength(judged ? 1 : 0);
  });

  test('a response arriving in the next batch rescues the click once the batches are joined', () => {
    const firstBatch = [slClick(0), mouseMove(1500)];
    const secondBatch = [mutation(700), mouseMove(2500)];
    expect(detectDeadClicks(firstBatch)).toHaveLength(1);
    expect(detectDeadClicks([...firstBatch, ...secondBatch])).toEqual([]);
  });

  test('the window follows deadClickWindowMs and deadClickPressLeadMs', () => {
    const late = clickThen(mutation(1500));
    expect(detectDeadClicks(late)).toHaveLength(1);
    expect(detectDeadClicks(late, resolveThresholds({ deadClickWindowMs: 2000 }))).toEqual([]);
    const early = [mutation(-100), slClick(0), mouseMove(5000)];
    expect(detectDeadClicks(early, resolveThresholds({ deadClickPressLeadMs: 0 }))).toHaveLength(1);
  });

  test('each silent click of several is reported', () => {
    const events = [
      slClick(0),
      slClick(2000, { selector: '.hero img', tag: 'img', x: 400 }),
      mutation(2100),
      slClick(4000),
      mouseMove(9000),
    ];
    expect(detectDeadClicks(events).map(({ ts, selector }) => ({ at: ts - T0, selector }))).toEqual([
      { at: 0, selector: '#buy' },
      { at: 4000, selector: '#buy' },
    ]);
  });

  test('rrweb fallback: a click on an input (known from the snapshot) is not judged, one on a div is', () => {
    const events = [
      fullSnapshot(0, [
        [20, 'input', { type: 'email', id: 'email' }],
        [21, 'div', { class: 'promo banner' }],
      ]),
      rrwebClick(1000, 20),
      rrwebClick(3000, 21, 300, 40),
      mouseMove(9000),
    ];
    expect(detectDeadClicks(events)).toEqual([{ selector: 'div.promo.banner', tag: 'div', label: '', ts: T0 + 3000, x: 300, y: 40 }]);
  });

  test.each([
    { times: [], from: 0, to: 10, found: false },
    { times: [5], from: 5, to: 5, found: true },
    { times: [1, 4, 11], from: 5, to: 10, found: false },
    { times: [1, 4, 10, 11], from: 5, to: 10, found: true },
  ])('hasTimeBetween($times, $from, $to) → $found', ({ times, from, to, found }) => {
    expect(hasTimeBetween(times, from, to)).toBe(found);
  });
});
