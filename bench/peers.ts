/**
 * The peers of figure 3, recording in the browser as their users install them: posthog-js (session recording on)
 * and Sentry's replay integration, each sending to one local endpoint that plays its service just enough to
 * record (PostHog's remote config, flags and lazy recorder script; Sentry's envelope route) and keeps every body
 * as it arrived, with the rrweb events decoded from it so the figure can count what each peer actually recorded.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { readAll } from '../support/ingest-tap.ts';
import { bundleForBrowser, repoRoot } from './shared.ts';

export const PEERS = ['posthog', 'sentry'] as const;
export type Peer = (typeof PEERS)[number];

/** The parts of an rrweb event the figure reads. */
export interface RrwebEvent {
  type: number;
  timestamp: number;
  data?: unknown;
}

export interface PeerRequest {
  peer: Peer;
  /** 'recording' carries replay events; 'other' is everything else the peer sends (analytics, flags, sessions). */
  kind: 'recording' | 'other';
  path: string;
  /** Body size as it travelled, in bytes. */
  bytes: number;
  /** The rrweb events a recording request carried, decoded. */
  events: RrwebEvent[];
}

export interface PeerEndpoint {
  url: string;
  requests: PeerRequest[];
  close(): Promise<void>;
}

const POSTHOG_TOKEN = 'phc_bench';
const SENTRY_KEY = 'benchkey';

/**
 * Remote config as PostHog's cloud answers it for a project with replay on and nothing else (no console logs, no
 * network timing, no surveys or heatmaps), so only the replay's own bytes differ from ours.
 */
const POSTHOG_CONFIG = {
  token: POSTHOG_TOKEN,
  supportedCompression: ['gzip', 'gzip-js'],
  hasFeatureFlags: false,
  captureDeadClicks: false,
  capturePerformance: false,
  autocapture_opt_out: false,
  autocaptureExceptions: false,
  analytics: { endpoint: '/i/v0/e/' },
  elementsChainAsString: true,
  sessionRecording: {
    endpoint: '/s/',
    consoleLogRecordingEnabled: false,
    recorderVersion: 'v2',
    sampleRate: null,
    minimumDurationMilliseconds: null,
    linkedFlag: null,
    networkPayloadCapture: null,
    masking: null,
    urlTriggers: [],
    urlBlocklist: [],
    eventTriggers: [],
    triggerMatchType: null,
    scriptConfig: null,
  },
  heatmaps: false,
  surveys: false,
  defaultIdentifiedOnly: true,
  siteApps: [],
};

/** Each peer's entry: its documented set-up with recording on, pointed at the endpoint. */
function peerEntry(peer: Peer, endpoint: string): string {
  const { host } = new URL(endpoint);
  if (peer === 'posthog') {
    // Headless Chromium's user agent is on posthog-js's bot list; without the opt-out it records nothing.
    return `import posthog from 'posthog-js';
      posthog.init(${JSON.stringify(POSTHOG_TOKEN)}, { api_host: ${JSON.stringify(endpoint)}, disable_session_recording: false,
        opt_out_useragent_filter: true });`;
  }
  return `import * as Sentry from '@sentry/browser';
    Sentry.init({ dsn: ${JSON.stringify(`http://${SENTRY_KEY}@${host}/1`)}, integrations: [Sentry.replayIntegration()],
      replaysSessionSampleRate: 1, replaysOnErrorSampleRate: 0 });`;
}

/** The script a store page loads to record with `peer`: bundled as our script tag is. */
export async function buildPeerScript(peer: Peer, endpoint: string): Promise<string> {
  return new TextDecoder().decode(await bundleForBrowser(peerEntry(peer, endpoint)));
}

/** Undoes whichever of gzip, zlib or raw deflate a body carries; a body that is none of them is returned as it is. */
export function inflateAny(body: Buffer): Buffer {
  if (body[0] === 0x1f && body[1] === 0x8b) return gunzipSync(body);
  for (const inflate of [inflateSync, inflateRawSync]) {
    try {
      return inflate(body);
    } catch {
      // not this format
    }
  }
  return body;
}

/** posthog-js posts `$snapshot` events (one or an array), gzipped when remote config allows; their data holds rrweb events. */
export function posthogSnapshotEvents(body: Buffer): RrwebEvent[] {
  let text = inflateAny(body).toString('utf8');
  if (text.startsWith('data=')) text = Buffer.from(decodeURIComponent(text.slice(5)), 'base64').toString('utf8');
  const parsed = JSON.parse(text) as unknown;
  const captured = (Array.isArray(parsed) ? parsed : [parsed]) as Array<{ event?: string; properties?: { $snapshot_data?: RrwebEvent[] } }>;
  return captured.filter((event) => event.event === '$snapshot').flatMap((event) => event.properties?.$snapshot_data ?? []);
}

/**
 * A Sentry envelope: a header line, then items, each a header line (with `length` when the payload is binary) and
 * its payload. A replay_recording payload is `{"segment_id":n}\n` and the segment's rrweb events as JSON, compressed
 * by the replay worker (plain when the worker could not start). Returns the recording's events, or null for an
 * envelope without one.
 */
export function sentryReplayEvents(body: Buffer): RrwebEvent[] | null {
  let offset = body.indexOf(0x0a) + 1; // past the envelope header
  let events: RrwebEvent[] | null = null;
  while (offset > 0 && offset < body.length) {
    const headerEnd = body.indexOf(0x0a, offset);
    const header = JSON.parse(body.subarray(offset, headerEnd < 0 ? body.length : headerEnd).toString('utf8')) as { type: string; length?: number };
    const start = headerEnd + 1;
    const payloadEnd = header.length !== undefined ? start + header.length : (body.indexOf(0x0a, start) + 1 || body.length + 1) - 1;
    const payload = body.subarray(start, payloadEnd);
    if (header.type === 'replay_recording') {
      const recording = payload.subarray(payload.indexOf(0x0a) + 1);
      events = JSON.parse(inflateAny(recording).toString('utf8')) as RrwebEvent[];
    }
    offset = payloadEnd + 1;
  }
  return events;
}

/** What the endpoint answers PostHog's start-up with; undefined for requests that only need a 200. */
function posthogAnswer(path: string): { type: string; body: string | Buffer } | undefined {
  if (path.startsWith(`/array/${POSTHOG_TOKEN}/config.js`)) {
    return {
      type: 'text/javascript',
      body: `(window._POSTHOG_REMOTE_CONFIG = window._POSTHOG_REMOTE_CONFIG || {})[${JSON.stringify(POSTHOG_TOKEN)}] = ` +
        `{ config: ${JSON.stringify(POSTHOG_CONFIG)}, siteApps: [] };`,
    };
  }
  if (path.startsWith(`/array/${POSTHOG_TOKEN}/config`)) return { type: 'application/json', body: JSON.stringify(POSTHOG_CONFIG) };
  if (path.startsWith('/flags')) return { type: 'application/json', body: JSON.stringify({ flags: {}, errorsWhileComputingFlags: false }) };
  if (path.startsWith('/static/') && path.includes('lazy-recorder')) {
    return { type: 'text/javascript', body: readFileSync(join(repoRoot, 'node_modules/posthog-js/dist/lazy-recorder.js')) };
  }
  return undefined;
}

/** One endpoint for both peers (PostHog's paths and Sentry's /api/<project>/envelope/ do not overlap). */
export async function startPeerEndpoint(): Promise<PeerEndpoint> {
  const requests: PeerRequest[] = [];
  const server = createServer(async (req, res) => {
    const body = await readAll(req);
    const path = req.url ?? '/';
    const cors = {
      'Access-Control-Allow-Origin': req.headers.origin ?? '*',
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
      'Access-Control-Allow-Methods': 'GET, POST',
    };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    const answer = posthogAnswer(path);
    if (req.method === 'GET' && answer) return void res.writeHead(200, { ...cors, 'Content-Type': answer.type }).end(answer.body);
    if (req.method === 'POST') {
      try {
        if (path.startsWith('/api/1/envelope/')) {
          const events = sentryReplayEvents(body);
          requests.push({ peer: 'sentry', kind: events ? 'recording' : 'other', path, bytes: body.length, events: events ?? [] });
        } else {
          const recording = path.startsWith('/s/');
          requests.push({ peer: 'posthog', kind: recording ? 'recording' : 'other', path, bytes: body.length, events: recording ? posthogSnapshotEvents(body) : [] });
        }
      } catch (error) {
        console.error(`peer endpoint: could not read a POST to ${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const json = answer ?? { type: 'application/json', body: '{"status":1}' };
    res.writeHead(200, { ...cors, 'Content-Type': json.type }).end(json.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** rrweb's event and source numbers the counts below read. */
const META = 4;
const INCREMENTAL = 3;
const MOUSE_INTERACTION = 2;
const CLICK = 2;

/** Pages (rrweb Meta events: one per page load) and clicks (rrweb mouse interactions of type Click) in a recording. */
export function recordedCounts(events: readonly RrwebEvent[]): { pages: number; clicks: number } {
  let pages = 0;
  let clicks = 0;
  for (const event of events) {
    if (event.type === META) pages++;
    const data = event.data as { source?: number; type?: number } | undefined;
    if (event.type === INCREMENTAL && data?.source === MOUSE_INTERACTION && data.type === CLICK) clicks++;
  }
  return { pages, clicks };
}
