import { describe, expect, test } from 'vitest';
import type { NetworkPayload } from '../../../contract/protocol.ts';
import {
  consoleRows,
  currentKey,
  formatBytes,
  frameLine,
  matchesStatus,
  networkRows,
  outcomeOf,
  shortUrl,
  type StatusFilter,
} from '../../../viewer/src/lib/dev-log.ts';

const T0 = 1_700_000_000_000;
const custom = (at: number, tag: string, payload: unknown) => ({ type: 5, data: { tag, payload }, timestamp: T0 + at });
const request = (at: number, status: number, fields: Partial<NetworkPayload> = {}) =>
  custom(at, 'sl:network', { kind: 'fetch', method: 'GET', url: 'https://shop.test/api/x', status, durationMs: 200, requestBytes: 0, responseBytes: 10, ...fields });

describe('viewer | developer panel rows', () => {
  test('console lines on the replay clock, in time order; other events and unknown levels left out', () => {
    const rows = consoleRows([
      custom(3_000, 'sl:console', { level: 'warn', message: 'slow', frames: [] }),
      custom(1_000, 'sl:console', { level: 'error', message: 'boom', frames: [{ fn: 'pay', file: 'a.js', line: 1, column: 2 }], dropped: 4 }),
      custom(2_000, 'sl:console', { level: 'fatal', message: 'x', frames: [] }),
      custom(2_500, 'sl:track', { name: 'x', props: {} }),
      { type: 3, data: { source: 0 }, timestamp: T0 + 2_600 },
    ], T0);
    expect(rows.map(({ offsetMs, level, message, dropped }) => ({ offsetMs, level, message, dropped }))).toEqual([
      { offsetMs: 1_000, level: 'error', message: 'boom', dropped: 4 },
      { offsetMs: 3_000, level: 'warn', message: 'slow', dropped: 0 },
    ]);
    expect(rows[0]!.frames).toHaveLength(1);
  });

  test('a request sits where it was made: its event is recorded when it ended', () => {
    const rows = networkRows([request(5_000, 200, { durationMs: 1_500 }), request(1_000, 503, { durationMs: 100 })], T0);
    expect(rows.map(({ offsetMs, failed }) => ({ offsetMs, failed }))).toEqual([{ offsetMs: 900, failed: true }, { offsetMs: 3_500, failed: false }]);
  });

  test.each<[StatusFilter, number[]]>([
    ['all', [200, 304, 404, 500, 0, 0]],
    ['failed', [500, 0]],
    ['client', [404]],
    ['ok', [200, 304]],
  ])('the status filter %s keeps %j', (filter, expected) => {
    const rows = networkRows([
      request(1, 200), request(2, 304), request(3, 404), request(4, 500), request(5, 0, { failure: 'error' }), request(6, 0),
    ], T0);
    expect(rows.filter((row) => matchesStatus(row, filter)).map((row) => row.request.status)).toEqual(expected);
  });

  test('the current row is the last at or before the playhead', () => {
    const rows = [{ key: 'a', offsetMs: 100 }, { key: 'b', offsetMs: 200 }];
    expect([currentKey(rows, 50), currentKey(rows, 100), currentKey(rows, 199), currentKey(rows, 5_000)]).toEqual([null, 'a', 'a', 'b']);
  });

  test.each([
    [{ status: 503 }, '503'],
    [{ status: 0, failure: 'error' as const }, 'network error'],
    [{ status: 0, failure: 'abort' as const }, 'aborted'],
    [{ status: 0, failure: 'timeout' as const }, 'timed out'],
    [{ status: 0 }, 'opaque'],
  ])('outcome of %j reads %s', (request, expected) => {
    expect(outcomeOf(request)).toBe(expected);
  });

  test('formats URLs, sizes and frames as a person reads them', () => {
    expect(shortUrl('https://shop.test/api/cart?x=1', 'https://shop.test/checkout')).toBe('/api/cart?x=1');
    expect(shortUrl('https://pay.example/charge', 'https://shop.test/checkout')).toBe('https://pay.example/charge');
    expect([formatBytes(null), formatBytes(512), formatBytes(2_048), formatBytes(3 * 1024 * 1024)]).toEqual(['–', '512 B', '2.0 KB', '3.0 MB']);
    expect(frameLine({ fn: 'pay', file: 'https://shop.test/a.js', line: 3, column: 9 })).toBe('pay (https://shop.test/a.js:3:9)');
    expect(frameLine({ fn: '', file: 'https://shop.test/a.js', line: 3, column: 9 })).toBe('https://shop.test/a.js:3:9');
  });
});
