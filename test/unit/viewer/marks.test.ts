import { describe, expect, test } from 'vitest';
import type { SessionSignal, TimelineMark } from '../../../contract/api.ts';
import { placeMarks, urlAt } from '../../../viewer/src/lib/marks.ts';

describe('viewer | replay marks', () => {
  const marks: TimelineMark[] = [
    { ts: 1_000, windowId: 'tab-1', kind: 'page', label: 'https://shop.test/checkout' },
    { ts: 2_000, windowId: 'tab-2', kind: 'track', label: 'add_to_cart' },
    { ts: 3_000, windowId: '', kind: 'track', label: 'purchase', server: true },
  ];

  test("shows the backend's events on every tab's timeline, flagged as sent by the server", () => {
    for (const windowId of ['tab-1', 'tab-2']) {
      const placed = placeMarks(marks, windowId, 500);
      expect(placed.filter((mark) => mark.server).map(({ label, offsetMs }) => ({ label, offsetMs }))).toEqual([
        { label: 'purchase', offsetMs: 2_500 },
      ]);
    }
    expect(placeMarks(marks, 'tab-1', 500).map((mark) => [mark.label, mark.server])).toEqual([
      ['/checkout', false],
      ['purchase', true],
    ]);
  });

  test('a page reads as its path with the whole URL on demand, and urlAt still knows the URL', () => {
    const [page] = placeMarks(marks, 'tab-1', 500);
    expect(page).toMatchObject({ label: '/checkout', full: 'https://shop.test/checkout', code: false });
    expect(urlAt(placeMarks(marks, 'tab-1', 500), 600, '')).toBe('https://shop.test/checkout');
  });

  test('a signal reads as its element label with the selector on demand, or as its selector without a label', () => {
    const signal: SessionSignal = {
      kind: 'rage', windowId: 'tab-1', ts: 1_500, selector: '#apply', label: '"Apply" button', count: 5, deadClicks: 5,
      x: 0, y: 0, page: '/checkout', message: '', outcome: '5 clicks, nothing happened',
    };
    const [labelled] = placeMarks([], 'tab-1', 500, [signal]);
    expect(labelled).toMatchObject({ label: '"Apply" button', full: '#apply', code: false, detail: '5 clicks, nothing happened' });
    const [bare] = placeMarks([], 'tab-1', 500, [{ ...signal, label: '' }]);
    expect(bare).toMatchObject({ label: '#apply', full: '', code: true });
  });
});
