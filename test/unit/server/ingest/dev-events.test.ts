import { describe, expect, test } from 'vitest';
import type { ConsolePayload, NetworkPayload, RecordedEvent } from '../../../../contract/protocol.ts';
import { checkDevEvents, cleanText, withoutCredentials } from '../../../../server/ingest/dev-events.ts';

const custom = (tag: string, payload: unknown): RecordedEvent => ({ type: 5, timestamp: 1, data: { tag, payload } });
const consoleEvent = (payload: Partial<ConsolePayload> = {}) =>
  custom('sl:console', { level: 'error', message: 'Payment failed', frames: [{ fn: 'pay', file: 'https://shop.example/a.js', line: 1, column: 2 }], ...payload });
const request = (payload: Partial<NetworkPayload> = {}) =>
  custom('sl:network', {
    kind: 'fetch', method: 'POST', url: 'https://shop.example/api/pay', status: 500, durationMs: 12.5, requestBytes: 10, responseBytes: null, ...payload,
  });

describe('ingest | developer events', () => {
  test('well-formed console and network events pass as they are, in the same array', () => {
    const events = [consoleEvent(), request(), request({ status: 0, failure: 'abort', requestHeaders: { 'x-step': 'pay' }, responseBody: '{}' })];
    expect(checkDevEvents(events)).toBe(events);
  });

  test.each<[string, RecordedEvent, RegExp]>([
    ['an unknown level', consoleEvent({ level: 'fatal' as 'error' }), /^events\[0\]\.data\.payload\.level: /],
    ['a message that is not text', consoleEvent({ message: 42 as unknown as string }), /^events\[0\]\.data\.payload\.message: /],
    ['a frame without a line', consoleEvent({ frames: [{ fn: '', file: 'a.js' } as never] }), /^events\[0\]\.data\.payload\.frames\[0\]\.line: /],
    ['too many frames', consoleEvent({ frames: Array.from({ length: 51 }, () => ({ fn: '', file: 'a', line: 1, column: 1 })) }), /frames: /],
    ['a message past 20,000 characters', consoleEvent({ message: 'x'.repeat(20_001) }), /message: /],
    ['no payload at all', custom('sl:console', undefined), /^events\[0\]\.data\.payload: /],
    ['a method with a space', request({ method: 'GET <script>' }), /method: expected an HTTP method/],
    ['a status past 999', request({ status: 1_000 }), /status: /],
    ['a negative duration', request({ durationMs: -1 }), /durationMs: /],
    ['an unknown failure', request({ failure: 'offline' as 'error' }), /failure: /],
    ['a size that is no count', request({ requestBytes: 1.5 }), /requestBytes: /],
    ['headers that are not text', request({ requestHeaders: { a: 1 } as unknown as Record<string, string> }), /requestHeaders\.a: /],
    ['sl:error frames that are no list', custom('sl:error', { message: 'x', frames: 'at a.js:1:1' }), /^events\[0\]\.data\.payload\.frames: /],
  ])('refuses %s with schema_mismatch naming the path', (_name, event, message) => {
    expect(() => checkDevEvents([event])).toThrow(expect.objectContaining({ code: 'schema_mismatch', status: 400, message: expect.stringMatching(message) }));
  });

  test('an sl:error without frames (an older recorder) passes', () => {
    const events = [custom('sl:error', { message: 'x', source: '', line: 0, column: 0 })];
    expect(checkDevEvents(events)).toBe(events);
  });

  test('control characters and direction overrides leave every text, in a copy; other events stay the same objects', () => {
    const page = custom('sl:page', { url: 'https://shop.example/', title: 'a\u202eb', referrer: '' });
    const events = [page, consoleEvent({ message: 'total\u0000 \u202egnp.exe\u2069\nnext\tcol' }), request({ url: 'https://shop.example/\u0007x', responseHeaders: { 'x-\u202eid': 'v\u0008' } })];
    const checked = checkDevEvents(events);
    expect(checked).not.toBe(events);
    expect(checked[0]).toBe(page);
    expect((checked[1]!.data as { payload: ConsolePayload }).payload.message).toBe('total gnp.exe\nnext\tcol');
    expect((checked[2]!.data as { payload: NetworkPayload }).payload).toMatchObject({ url: 'https://shop.example/x', responseHeaders: { 'x-id': 'v' } });
    // The input is never changed.
    expect((events[1]!.data as { payload: ConsolePayload }).payload.message).toContain('\u0000');
  });

  test.each([
    ['\u0000\u001f\u007f\u0085\u009f', ''],
    ['\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069', ''],
    ['tab\tand\nnewline stay', 'tab\tand\nnewline stay'],
    ['émoji ✓ and 中文 stay', 'émoji ✓ and 中文 stay'],
  ])('cleanText(%j) is %j', (text, expected) => {
    expect(cleanText(text)).toBe(expected);
  });

  test.each([
    ['https://admin:hunter2@shop.example/api', 'https://shop.example/api'],
    ['https://admin@shop.example/api', 'https://shop.example/api'],
    ['HTTPS://ADMIN:pw@SHOP.example:8443/a?b=1', 'https://shop.example:8443/a?b=1'],
    ['https://:pw@shop.example/', 'https://shop.example/'],
    ['https://shop.example/mail/a@b.example', 'https://shop.example/mail/a@b.example'],
    ['not a url', 'not a url'],
  ])('a request URL %s is stored as %s', (url, expected) => {
    expect(withoutCredentials({ url }).url).toBe(expected);
    const [checked] = checkDevEvents([request({ url })]);
    expect((checked!.data as { payload: NetworkPayload }).payload.url).toBe(expected);
  });
});
