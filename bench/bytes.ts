/**
 * Figure 3, bytes per recorded minute: scripted shoppers (a purchase, a browse, a checkout abandoned) walk the demo
 * store at a human pace, each journey once with Sightline, once with posthog-js and once with Sentry's replay, each
 * in a fresh context (so a fresh session). Sightline's bodies are counted by an ingest tap in front of the real
 * server (keepalive sends included); the peers' by a local endpoint that answers them as their services do
 * (bench/peers.ts). Each recorder's own rrweb events, decoded from what arrived, say how many of the pages visited
 * and clicks made it actually recorded. Sightline's events gzipped at level 6 in one piece are the reference line.
 */
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { abandonAtCard, browseAndLeave, completePurchase, type Journey } from '../demo/journeys.ts';
import { createShopper } from '../demo/shopper.ts';
import type { IngestBatch } from '../contract/protocol.ts';
import { findTextReferences, indexSharedTexts, resolveTextReferences } from '../server/ingest/shared-texts.ts';
import { launchChromium } from '../support/browser.ts';
import { startIngestTap } from '../support/ingest-tap.ts';
import { buildPeerScript, PEERS, recordedCounts, startPeerEndpoint, type Peer, type RrwebEvent } from './peers.ts';
import type { FigureResult, Row } from './report.ts';
import { sleep, startBenchServer } from './shared.ts';

/** The shoppers' journeys, one after another. */
const JOURNEYS: Journey[] = [completePurchase, browseAndLeave, abandonAtCard];

export const RECORDERS = ['sightline', ...PEERS] as const;
export type RecorderName = (typeof RECORDERS)[number];

const RECORDER_NAMES: Record<RecorderName, string> = {
  sightline: 'Sightline',
  posthog: 'posthog-js 1.449.2',
  sentry: 'Sentry Replay 11.12.0',
};

export interface BytesOptions {
  /** How many shoppers, taking the journeys above in turn; each walks once per recorder. Defaults to 3. */
  shoppers: number;
  /** The shoppers' pace; 1 is human-ish, and bytes per minute only mean something at a human pace. Defaults to 1. */
  pace: number;
  /** How long the shopper stays on the last page before closing the tab, in ms (not scaled by pace). Defaults to 1,000. */
  lingerMs: number;
}

export const defaultBytesOptions: BytesOptions = { shoppers: 3, pace: 1, lingerMs: 1_000 };

/** rrweb's Meta event starts each page's recording. */
const META = 4;

/**
 * Minutes a recording can replay: for each page that arrived (from its Meta event to the last event before the
 * next page's), the time its events span. Time between pages and pages that never arrived count for nothing.
 */
export function recordedMinutes(events: readonly RrwebEvent[]): number {
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
  let ms = 0;
  let pageStart: number | undefined;
  let last = 0;
  for (const event of sorted) {
    if (event.type === META) {
      if (pageStart !== undefined) ms += last - pageStart;
      pageStart = event.timestamp;
    }
    last = event.timestamp;
  }
  if (pageStart !== undefined) ms += last - pageStart;
  return ms / 60_000;
}

/** What Sightline's batches weigh, by how they are encoded; sizes in bytes. */
export interface Encodings {
  /** The bodies as they travelled (gzipped by the recorder). */
  wire: number;
  /** The same events (texts sent once put back) as one JSON array per session. */
  rawJson: number;
  /** That array gzipped at level 6 in one piece: the most a stream could gain from gzip. */
  gzip6: number;
  /** Each batch's JSON gzipped at level 6 on its own: what sending in batches allows at best. */
  gzip6PerBatch: number;
  events: number;
  requests: number;
  /** Requests whose (session, window, seq) had arrived before: batches sent twice. */
  resent: number;
  /** Requests whose body travelled as plain JSON (the recorder sends unfinished gzips plain when a page unloads). */
  plainRequests: number;
  /** The bytes those plain bodies took. */
  plainBytes: number;
}

/**
 * The batches in these bodies as the server stores them: each (session, window, seq) once, and the texts a batch
 * refers to (sent once per window) put back from the earlier batches of its window.
 */
export function uniqueBatches(bodies: readonly string[]): IngestBatch[] {
  const seen = new Set<string>();
  const texts = new Map<string, Map<string, string>>();
  const batches = bodies.map((body) => JSON.parse(body) as IngestBatch).filter((batch) => {
    const key = `${batch.sessionId}/${batch.windowId}/${batch.seq}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
  for (const batch of [...batches].sort((a, b) => a.seq - b.seq)) {
    const windowKey = `${batch.sessionId}/${batch.windowId}`;
    const windowTexts = texts.get(windowKey) ?? new Map<string, string>();
    texts.set(windowKey, windowTexts);
    resolveTextReferences(findTextReferences(batch.events), windowTexts);
    indexSharedTexts(batch.events, windowTexts);
  }
  return batches;
}

/** Weighs the batches of some sessions (each body the gunzipped JSON of one batch, with its size as sent). */
export function weighBatches(bodies: readonly string[], wireBytes: readonly number[]): Encodings {
  const batches = uniqueBatches(bodies);
  const resent = bodies.length - batches.length;
  const sessions = new Map<string, unknown[]>();
  for (const batch of batches) sessions.set(batch.sessionId, [...(sessions.get(batch.sessionId) ?? []), ...batch.events]);
  let rawJson = 0;
  let gzip6 = 0;
  let events = 0;
  for (const sessionEvents of sessions.values()) {
    const json = JSON.stringify(sessionEvents);
    rawJson += Buffer.byteLength(json);
    gzip6 += gzipSync(json, { level: 6 }).length;
    events += sessionEvents.length;
  }
  const gzip6PerBatch = bodies.reduce((sum, body) => sum + gzipSync(body, { level: 6 }).length, 0);
  const wire = wireBytes.reduce((sum, bytes) => sum + bytes, 0);
  // A gzipped body always differs in size from its JSON; an equal size means it went plain.
  const plain = bodies.map((body, index) => (Buffer.byteLength(body) === wireBytes[index] ? wireBytes[index]! : 0));
  const plainBytes = plain.reduce((sum, bytes) => sum + bytes, 0);
  return { wire, rawJson, gzip6, gzip6PerBatch, events, requests: bodies.length, resent, plainRequests: plain.filter(Boolean).length, plainBytes };
}

/** One recorder's walk of one journey. */
interface Walk {
  /** Bodies that carried the recording, as they travelled. */
  recordingBytes: number;
  /** Everything else the recorder sent (analytics events, flags, sessions). */
  otherBytes: number;
  requests: number;
  events: RrwebEvent[];
  pagesVisited: number;
  clicksMade: number;
}

/** What a recorder did over all the journeys. */
export interface RecorderTotals extends Walk {
  minutes: number;
  pagesRecorded: number;
  clicksRecorded: number;
}

/**
 * Counts, in sessionStorage (which outlives the journey's navigations), the pages loaded and the clicks the
 * shopper made, whatever the recorder, in top-level store pages only (recorders add about:blank frames of their
 * own). A string: tsx wraps named inner functions in a helper the page lacks.
 */
const COUNT_SCRIPT = `
  if (window.top === window && location.protocol.startsWith('http')) {
    sessionStorage.setItem('bench:pages', String(Number(sessionStorage.getItem('bench:pages') || 0) + 1));
    addEventListener('click', (event) => {
      if (event.isTrusted) sessionStorage.setItem('bench:clicks', String(Number(sessionStorage.getItem('bench:clicks') || 0) + 1));
    }, true);
  }`;

async function walk(context: BrowserContext, storeUrl: string, index: number, options: BytesOptions): Promise<{ pages: number; clicks: number }> {
  await context.addInitScript({ content: COUNT_SCRIPT });
  const page: Page = await context.newPage();
  const journey = JOURNEYS[index % JOURNEYS.length]!;
  await journey(page, storeUrl, createShopper({ index, seed: 21 + index, pace: options.pace }));
  await page.waitForTimeout(options.lingerMs);
  const counts = await page.evaluate(`[sessionStorage.getItem('bench:pages'), sessionStorage.getItem('bench:clicks')]`) as [string, string];
  // Closing the tab sends what is left as a real tab does on leaving; nobody calls a flush.
  await context.close();
  return { pages: Number(counts[0]), clicks: Number(counts[1] ?? 0) };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export async function runBytes(options: BytesOptions = defaultBytesOptions): Promise<FigureResult> {
  const server = await startBenchServer();
  const tap = await startIngestTap(server.url);
  const endpoint = await startPeerEndpoint();
  const browser = await launchChromium();
  const scripts = Object.fromEntries(await Promise.all(PEERS.map(async (peer) => [peer, await buildPeerScript(peer, endpoint.url)]))) as Record<Peer, string>;
  const walks: Record<RecorderName, Walk[]> = { sightline: [], posthog: [], sentry: [] };
  try {
    for (let index = 0; index < options.shoppers; index++) {
      // Recorders take turns within each shopper, so a burst of load on the shared machine hits all of them.
      for (const recorder of RECORDERS) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        if (recorder !== 'sightline') {
          await context.route('**/recorder.js', (route) => route.fulfill({ contentType: 'text/javascript', body: scripts[recorder] }));
        }
        const tapFrom = tap.bodies.length;
        const peerFrom = endpoint.requests.length;
        const done = await walk(context, `${tap.url}/demo/`, index, options);
        await sleep(1_500); // keepalive requests and a worker's last segment still arriving
        if (recorder === 'sightline') {
          const bodies = tap.bodies.slice(tapFrom);
          walks.sightline.push({
            recordingBytes: tap.wireBytes.slice(tapFrom).reduce((sum, bytes) => sum + bytes, 0),
            otherBytes: 0,
            requests: bodies.length,
            events: uniqueBatches(bodies).flatMap((batch) => batch.events),
            pagesVisited: done.pages,
            clicksMade: done.clicks,
          });
        } else {
          const requests = endpoint.requests.slice(peerFrom).filter((request) => request.peer === recorder);
          const recording = requests.filter((request) => request.kind === 'recording');
          walks[recorder].push({
            recordingBytes: recording.reduce((sum, request) => sum + request.bytes, 0),
            otherBytes: requests.filter((request) => request.kind === 'other').reduce((sum, request) => sum + request.bytes, 0),
            requests: recording.length,
            events: recording.flatMap((request) => request.events),
            pagesVisited: done.pages,
            clicksMade: done.clicks,
          });
        }
      }
    }
  } finally {
    await browser.close();
    await endpoint.close();
    await tap.close();
    await server.close();
  }

  const totals = Object.fromEntries(RECORDERS.map((recorder) => [recorder, totalsOf(walks[recorder])])) as Record<RecorderName, RecorderTotals>;
  const weight = weighBatches(tap.bodies, tap.wireBytes);
  const ours = totals.sightline;
  const perMinute = (bytes: number, minutes: number) => ({ value: bytes / minutes, unit: 'bytes_per_min' as const });
  const count = (value: number) => ({ value, unit: 'count' as const });
  const rows: Row[] = [
    {
      figure: '3 bytes',
      what: 'Sightline on the wire per recorded minute',
      measured: perMinute(ours.recordingBytes, ours.minutes),
      baseline: { what: 'gzip -6 of the whole recording in one piece', measured: perMinute(weight.gzip6, ours.minutes) },
      target: { on: 'ratio', op: '<=', limit: 1.5 },
    },
    ...PEERS.map((peer): Row => ({
      figure: '3 bytes',
      what: 'Sightline vs peer, recording bytes per recorded minute',
      measured: perMinute(ours.recordingBytes, ours.minutes),
      baseline: { what: RECORDER_NAMES[peer], measured: perMinute(totals[peer].recordingBytes, totals[peer].minutes) },
      target: { on: 'ratio', op: '<=', limit: 1 },
    })),
    ...RECORDERS.flatMap((recorder): Row[] => [
      {
        figure: '3 bytes',
        what: `${RECORDER_NAMES[recorder]}: pages recorded`,
        measured: count(totals[recorder].pagesRecorded),
        baseline: { what: 'pages visited', measured: count(totals[recorder].pagesVisited) },
        target: recorder === 'sightline' ? { on: 'ratio', op: '>=', limit: 1 } : null,
      },
      {
        figure: '3 bytes',
        what: `${RECORDER_NAMES[recorder]}: clicks recorded`,
        measured: count(totals[recorder].clicksRecorded),
        baseline: { what: 'clicks made', measured: count(totals[recorder].clicksMade) },
        target: recorder === 'sightline' ? { on: 'ratio', op: '>=', limit: 1 } : null,
      },
    ]),
    {
      figure: '3 bytes',
      what: 'Sightline batches sent twice',
      measured: count(weight.resent),
      baseline: { what: 'requests', measured: count(weight.requests) },
      target: { on: 'value', op: '<=', limit: 0 },
    },
  ];
  const line = (recorder: RecorderName) => {
    const total = totals[recorder];
    return `${RECORDER_NAMES[recorder]} ${kb(total.recordingBytes)} in ${total.requests} requests over ${total.minutes.toFixed(2)} ` +
      `recorded minutes, ${total.pagesRecorded}/${total.pagesVisited} pages and ${total.clicksRecorded}/${total.clicksMade} clicks` +
      (total.otherBytes > 0 ? `, plus ${kb(total.otherBytes)} of other requests` : '');
  };
  return {
    rows,
    notes: [
      `Bytes: ${options.shoppers} scripted shoppers at pace ${options.pace}, each journey walked once per recorder, the tab ` +
        `closed ${options.lingerMs} ms after the last page (no flush called). Request bodies only (headers not counted); ` +
        `a recorded minute is the time the events that arrived span, page by page (pages that never arrived count for nothing). ` +
        `Each peer as documented, recording on, with its own default masking (Sentry masks all text and blocks media).`,
      `${RECORDERS.map(line).join('; ')}.`,
      `Sightline's ${weight.events.toLocaleString('en')} events: on the wire ${kb(weight.wire)}, raw JSON ${kb(weight.rawJson)}, gzip -6 in ` +
        `one piece ${kb(weight.gzip6)}, gzip -6 batch by batch ${kb(weight.gzip6PerBatch)}; ${weight.resent} batches sent twice; ` +
        `${weight.plainRequests} of the requests (${kb(weight.plainBytes)}) went as plain JSON: sent as a page unloaded, before their gzip had finished.`,
    ],
    details: { sightline: weight, totals: Object.fromEntries(RECORDERS.map((r) => [r, { ...totals[r], events: totals[r].events.length }])) },
  };
}

function totalsOf(walks: readonly Walk[]): RecorderTotals {
  const sum = (pick: (walk: Walk) => number) => walks.reduce((total, walk) => total + pick(walk), 0);
  const counts = walks.map((walk) => recordedCounts(walk.events));
  return {
    recordingBytes: sum((walk) => walk.recordingBytes),
    otherBytes: sum((walk) => walk.otherBytes),
    requests: sum((walk) => walk.requests),
    events: walks.flatMap((walk) => walk.events),
    pagesVisited: sum((walk) => walk.pagesVisited),
    clicksMade: sum((walk) => walk.clicksMade),
    minutes: sum((walk) => recordedMinutes(walk.events)),
    pagesRecorded: counts.reduce((total, c) => total + c.pages, 0),
    clicksRecorded: counts.reduce((total, c) => total + c.clicks, 0),
  };
}
