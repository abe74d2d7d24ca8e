import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { recordedMinutes, uniqueBatches, weighBatches } from '../../../bench/bytes.ts';
import { SAME_TEXT_FIELD, sharedTextKey } from '../../../contract/texts.ts';
import { posthogSnapshotEvents, recordedCounts, sentryReplayEvents, type RrwebEvent } from '../../../bench/peers.ts';

const meta = (timestamp: number): RrwebEvent => ({ type: 4, timestamp, data: { href: 'https://shop.example/' } });
const move = (timestamp: number): RrwebEvent => ({ type: 3, timestamp, data: { source: 1 } });
const click = (timestamp: number): RrwebEvent => ({ type: 3, timestamp, data: { source: 2, type: 2 } });

describe('bench | bytes of a recording', () => {
  test('weighs the wire against the same events as raw JSON and as one gzip stream; a batch sent twice counts once', () => {
    const batch = (seq: number, timestamps: number[]) =>
      JSON.stringify({ v: 1, sessionId: 's', windowId: 'w', seq, events: timestamps.map((timestamp) => ({ type: 3, timestamp, data: {} })) });
    const bodies = [batch(0, [0, 30_000]), batch(1, [60_000, 120_000]), batch(1, [60_000, 120_000])];
    const wire = [gzipSync(bodies[0]!).length, Buffer.byteLength(bodies[1]!), Buffer.byteLength(bodies[2]!)];
    const weight = weighBatches(bodies, wire);
    const events = JSON.stringify([0, 30_000, 60_000, 120_000].map((timestamp) => ({ type: 3, timestamp, data: {} })));
    expect(weight).toMatchObject({
      wire: wire[0]! + wire[1]! + wire[2]!,
      rawJson: events.length,
      gzip6: gzipSync(events, { level: 6 }).length,
      events: 4,
      requests: 3,
      resent: 1,
      plainRequests: 2,
      plainBytes: wire[1]! + wire[2]!,
    });
  });

  test('the reference weighs the recording as stored: a text sent once per window is counted on every page', () => {
    const css = 'a { color: red; }\n'.repeat(100);
    const snapshot = (seq: number, link: Record<string, unknown>) => JSON.stringify({
      v: 1, sessionId: 's', windowId: 'w', seq,
      events: [{ type: 2, timestamp: seq, data: { node: { type: 2, id: 1, tagName: 'link', attributes: { _cssText: '' }, childNodes: [], ...link } } }],
    });
    const bodies = [snapshot(1, { [SAME_TEXT_FIELD]: `0:${sharedTextKey(css)}` }), snapshot(0, { attributes: { _cssText: css } })];
    const [later, first] = uniqueBatches(bodies);
    expect(later!.events).toEqual(first!.events.map((event) => ({ ...event, timestamp: 1 })));
  });

  test('a recorded minute counts each page that arrived, from its Meta event to its last event, and nothing between pages', () => {
    // Page one 0..20 s, a lost page's time 20..50 s, page three 50..80 s; out of order as batches can be.
    const events = [move(80_000), meta(0), move(20_000), meta(50_000), click(10_000)];
    expect(recordedMinutes(events)).toBeCloseTo(50 / 60);
    expect(recordedMinutes([move(5_000)])).toBe(0); // events of no page that arrived
  });

  test('pages are Meta events and clicks are mouse interactions of type Click', () => {
    const events = [meta(0), click(1), { type: 3, timestamp: 2, data: { source: 2, type: 1 } }, move(3), meta(4), click(5)];
    expect(recordedCounts(events)).toEqual({ pages: 2, clicks: 2 });
  });
});

describe('bench | what the peers send', () => {
  const recorded = [meta(1), click(2)];

  test('posthog-js: gzipped $snapshot events, one or an array, hold the rrweb events; other events are not counted', () => {
    const snapshot = { event: '$snapshot', properties: { $snapshot_data: recorded } };
    expect(posthogSnapshotEvents(gzipSync(JSON.stringify([snapshot, { event: '$pageview', properties: {} }])))).toEqual(recorded);
    expect(posthogSnapshotEvents(Buffer.from(JSON.stringify(snapshot)))).toEqual(recorded);
  });

  test('Sentry: the replay_recording item of an envelope, after its segment header, is the compressed rrweb events', () => {
    const recording = Buffer.concat([Buffer.from('{"segment_id":3}\n'), deflateSync(JSON.stringify(recorded))]);
    const replayEvent = JSON.stringify({ type: 'replay_event', segment_id: 3 });
    const envelope = Buffer.concat([
      Buffer.from(`{"event_id":"e1","sent_at":"2026-01-01T00:00:00Z"}\n{"type":"replay_event"}\n${replayEvent}\n`),
      Buffer.from(`{"type":"replay_recording","length":${recording.length}}\n`),
      recording,
    ]);
    expect(sentryReplayEvents(envelope)).toEqual(recorded);
    expect(sentryReplayEvents(Buffer.from('{"event_id":"e2"}\n{"type":"session"}\n{"status":"ok"}\n'))).toBeNull();
  });
});
