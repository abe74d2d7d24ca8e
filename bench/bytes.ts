/**
 * Figure 3, bytes per recorded minute: scripted shoppers (a purchase, a browse, a checkout abandoned) walk the demo
 * store at a human pace with Sightline recording, through an ingest tap that counts every body as it left the browser (keepalive sends included). The
 * same events as raw rrweb JSON, and that JSON gzipped at level 6 in one piece, are the baselines.
 */
import { gzipSync } from 'node:zlib';
import { flushRecorder } from '../demo/human.ts';
import { abandonAtCard, browseAndLeave, completePurchase, type Journey } from '../demo/journeys.ts';
import { createShopper } from '../demo/shopper.ts';
import type { IngestBatch } from '../contract/protocol.ts';
import { launchChromium } from '../support/browser.ts';
import { startIngestTap } from '../support/ingest-tap.ts';
import type { FigureResult } from './report.ts';
import { sleep, startBenchServer } from './shared.ts';

/** The shoppers' journeys, one after another, each in a fresh context (so a fresh session). */
const JOURNEYS: Journey[] = [completePurchase, browseAndLeave, abandonAtCard];

export interface BytesOptions {
  /** How many shoppers, taking the journeys above in turn. Defaults to 3. */
  shoppers: number;
  /** The shoppers' pace; 1 is human-ish, and bytes per minute only mean something at a human pace. Defaults to 1. */
  pace: number;
}

export const defaultBytesOptions: BytesOptions = { shoppers: 3, pace: 1 };

/** What the recorded events weigh, by how they are encoded; sizes in bytes. */
export interface Encodings {
  /** The bodies as they travelled (gzipped by the recorder). */
  wire: number;
  /** The same events as one JSON array. */
  rawJson: number;
  /** That array gzipped at level 6 in one piece: the most a stream could gain from gzip. */
  gzip6: number;
  /** Each batch's JSON gzipped at level 6 on its own: what sending in batches allows at best. */
  gzip6PerBatch: number;
  /** Recorded time, first event to last, summed over the sessions, in minutes. */
  minutes: number;
  events: number;
  requests: number;
  /** Requests whose body travelled as plain JSON (the recorder sends unfinished gzips plain when a page unloads). */
  plainRequests: number;
  /** The bytes those plain bodies took. */
  plainBytes: number;
}

/** Weighs the batches of some sessions (each body the gunzipped JSON of one batch, with its size as sent). */
export function weighBatches(bodies: readonly string[], wireBytes: readonly number[]): Encodings {
  const batches = bodies.map((body) => JSON.parse(body) as IngestBatch);
  const sessions = new Map<string, { first: number; last: number; events: unknown[] }>();
  for (const batch of batches) {
    const session = sessions.get(batch.sessionId) ?? { first: Infinity, last: -Infinity, events: [] };
    for (const event of batch.events) {
      session.first = Math.min(session.first, event.timestamp);
      session.last = Math.max(session.last, event.timestamp);
      session.events.push(event);
    }
    sessions.set(batch.sessionId, session);
  }
  let rawJson = 0;
  let gzip6 = 0;
  let minutes = 0;
  let events = 0;
  for (const session of sessions.values()) {
    const json = JSON.stringify(session.events);
    rawJson += Buffer.byteLength(json);
    gzip6 += gzipSync(json, { level: 6 }).length;
    minutes += (session.last - session.first) / 60_000;
    events += session.events.length;
  }
  const gzip6PerBatch = bodies.reduce((sum, body) => sum + gzipSync(body, { level: 6 }).length, 0);
  const wire = wireBytes.reduce((sum, bytes) => sum + bytes, 0);
  // A gzipped body always differs in size from its JSON; an equal size means it went plain.
  const plain = bodies.map((body, index) => (Buffer.byteLength(body) === wireBytes[index] ? wireBytes[index]! : 0));
  const plainBytes = plain.reduce((sum, bytes) => sum + bytes, 0);
  return { wire, rawJson, gzip6, gzip6PerBatch, minutes, events, requests: bodies.length, plainRequests: plain.filter(Boolean).length, plainBytes };
}

export async function runBytes(options: BytesOptions = defaultBytesOptions): Promise<FigureResult> {
  const server = await startBenchServer();
  const tap = await startIngestTap(server.url);
  const browser = await launchChromium();
  try {
    for (let index = 0; index < options.shoppers; index++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const journey = JOURNEYS[index % JOURNEYS.length]!;
      await journey(page, `${tap.url}/demo/`, createShopper({ index, seed: 21 + index, pace: options.pace }));
      await flushRecorder(page);
      // Closing sends what is left with keepalive, as a real tab does on leaving.
      await context.close();
    }
    await sleep(500);
    const weight = weighBatches(tap.bodies, tap.wireBytes);
    const perMinute = (bytes: number) => ({ value: bytes / weight.minutes, unit: 'bytes_per_min' as const });
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    return {
      rows: [
        {
          figure: '3 bytes',
          what: 'Sightline on the wire per recorded minute',
          measured: perMinute(weight.wire),
          baseline: { what: 'gzip -6 of the raw rrweb JSON', measured: perMinute(weight.gzip6) },
          target: { on: 'ratio', op: '<=', limit: 1 },
        },
        {
          figure: '3 bytes',
          what: 'Sightline on the wire per recorded minute',
          measured: perMinute(weight.wire),
          baseline: { what: 'raw rrweb JSON', measured: perMinute(weight.rawJson) },
          target: null,
        },
      ],
      notes: [
        `Bytes: ${options.shoppers} scripted shoppers at pace ${options.pace}, ${weight.minutes.toFixed(1)} recorded minutes, ` +
          `${weight.events.toLocaleString('en')} events in ${weight.requests} requests: on the wire ${kb(weight.wire)} ` +
          `(request bodies; headers not counted), raw JSON ${kb(weight.rawJson)}, gzip -6 in one piece ${kb(weight.gzip6)}, ` +
          `gzip -6 batch by batch ${kb(weight.gzip6PerBatch)}. ${weight.plainRequests} of the requests (${kb(weight.plainBytes)}) ` +
          `went as plain JSON: sent as a page unloaded, before their gzip had finished.`,
      ],
      details: { ...weight },
    };
  } finally {
    await browser.close();
    await tap.close();
    await server.close();
  }
}
