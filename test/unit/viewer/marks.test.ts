import { describe, expect, test } from 'vitest';
import type { TimelineMark } from '../../../contract/api.ts';
import { placeMarks } from '../../../viewer/src/lib/marks.ts';

describe('viewer | replay marks', () => {
  const marks: TimelineMark[] = [
    { ts: 1_000, windowId: 'tab-1', kind: 'page', label: '/checkout' },
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
});
