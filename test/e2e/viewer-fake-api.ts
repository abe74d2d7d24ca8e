/**
 * A stand-in for the Sightline server for the viewer's end-to-end tests: serves a viewer build and answers the
 * read API from a real recording (the corpus counter page), so the viewer is tested on its own. Every API
 * request is logged so tests can check what the viewer asked for.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { MeResponse } from '../../contract/access.ts';
import type { FunnelList, SavedFunnel } from '../../contract/insights.ts';
import type {
  EventPage,
  SessionDetail,
  SessionList,
  SessionSignal,
  SessionSummary,
  TimelineMark,
} from '../../contract/api.ts';
import { RrwebEventType, RrwebIncrementalSource, type RecordedEvent } from '../../contract/protocol.ts';
import { MALFORMED_EVENT_INDEX, MALFORMED_STREAM, loadCorpusStream } from '../helpers/corpus.ts';

/** The corpus counter recording (67 s, a number ticking every second) without its malformed event. */
export const counterEvents: RecordedEvent[] = loadCorpusStream(MALFORMED_STREAM).filter(
  (_, index) => index !== MALFORMED_EVENT_INDEX,
);
export const counterStart = counterEvents[0].timestamp;
const counterEnd = counterEvents[counterEvents.length - 1].timestamp;

/** Marks the fake detail route returns for window `w-main`, as offsets from the recording's start. */
export const counterMarks: Array<{ offsetMs: number; kind: TimelineMark['kind']; label: string }> = [
  { offsetMs: 0, kind: 'page', label: 'http://localhost:8080/' },
  { offsetMs: 12_000, kind: 'track', label: 'add_to_cart' },
  { offsetMs: 30_000, kind: 'page', label: 'http://localhost:8080/cart' },
  { offsetMs: 35_000, kind: 'identify', label: 'user-42' },
  { offsetMs: 45_000, kind: 'error', label: 'TypeError: cart.items is undefined' },
];

/** Signals the fake detail route returns for window `w-main`, as offsets from the recording's start. */
export const counterSignals: Array<{ offsetMs: number } & Omit<SessionSignal, 'ts' | 'windowId'>> = [
  {
    offsetMs: 20_000,
    kind: 'rage',
    selector: '#apply-promo',
    label: '"Apply" button',
    count: 5,
    deadClicks: 5,
    x: 610,
    y: 540,
    page: '/',
    message: '',
    outcome: '5 clicks, nothing happened',
  },
  {
    offsetMs: 40_000,
    kind: 'dead',
    selector: '#product-image',
    label: '',
    count: 1,
    deadClicks: 0,
    x: 300,
    y: 260,
    page: '/cart',
    message: '',
    outcome: 'nothing happened',
  },
  {
    offsetMs: 45_000,
    kind: 'error',
    selector: '#pay-button',
    label: '"Pay" button',
    count: 1,
    deadClicks: 0,
    x: 700,
    y: 620,
    page: '/cart',
    message: 'TypeError: cart.items is undefined',
    outcome: '1 error: TypeError: cart.items is undefined',
  },
];

/** Saved funnels GET /api/funnels answers with. */
export const savedFunnels: SavedFunnel[] = [
  {
    id: 7,
    name: 'Checkout',
    steps: [
      { type: 'page', pattern: '/demo' },
      { type: 'page', pattern: '/demo/product.html' },
      { type: 'page', pattern: '/demo/cart.html' },
      { type: 'event', name: 'purchase' },
    ],
    windowMs: 1_800_000,
    createdAt: Date.UTC(2024, 0, 1),
  },
  { id: 9, name: 'Sign-ups', steps: [{ type: 'page', pattern: '/' }, { type: 'event', name: 'signup' }], windowMs: 600_000, createdAt: 0 },
];

const clickCount = counterEvents.filter((event) => {
  const data = event.data as { source?: number; type?: number };
  return event.type === RrwebEventType.IncrementalSnapshot && data.source === RrwebIncrementalSource.MouseInteraction && data.type === 2;
}).length;

function summary(id: string, overrides: Partial<SessionSummary> = {}): SessionSummary {
  return {
    id,
    projectId: 1,
    startedAt: counterStart,
    endedAt: counterEnd,
    durationMs: counterEnd - counterStart,
    activeMs: 41_000,
    entryUrl: 'http://localhost:8080/',
    pages: ['http://localhost:8080/', 'http://localhost:8080/cart'],
    pageCount: 2,
    clickCount,
    errorCount: 1,
    consoleErrorCount: 0,
    failedRequestCount: 0,
    eventCount: counterEvents.length,
    device: 'desktop',
    browser: 'Chrome',
    browserVersion: '120.0.0.0',
    os: 'Linux',
    osVersion: '',
    viewportWidth: 1600,
    viewportHeight: 900,
    userId: 'user-42',
    windows: ['w-main'],
    rageClicks: 1,
    deadClicks: 1,
    errorClicks: 1,
    abandonedForm: false,
    cart: { outcome: 'abandoned', value: 42.5 },
    friction: 17.3,
    ...overrides,
  };
}

/** Sessions the fake knows: the counter recording, a two-tab session, and one with a single event. */
interface FakeSession {
  summary: SessionSummary;
  events: Record<string, RecordedEvent[]>;
  marks: TimelineMark[];
  signals: SessionSignal[];
}

const sessions: Record<string, FakeSession> = {
  's-counter': {
    summary: summary('s-counter'),
    events: { 'w-main': counterEvents },
    marks: counterMarks.map(({ offsetMs, ...mark }) => ({ ts: counterStart + offsetMs, windowId: 'w-main', ...mark })),
    signals: counterSignals.map(({ offsetMs, ...signal }) => ({ ts: counterStart + offsetMs, windowId: 'w-main', ...signal })),
  },
  's-tabs': {
    summary: summary('s-tabs', { windows: ['w-one', 'w-two'] }),
    events: { 'w-one': counterEvents, 'w-two': counterEvents },
    marks: [
      { ts: counterStart, windowId: 'w-one', kind: 'page', label: 'http://localhost:8080/' },
      { ts: counterStart + 5_000, windowId: 'w-two', kind: 'page', label: 'http://localhost:8080/second-tab' },
      { ts: counterStart + 9_000, windowId: 'w-two', kind: 'track', label: 'compare_open' },
    ],
    // Only the second tab saw a rage click: the first tab's timeline must not show it.
    signals: [
      {
        ts: counterStart + 7_000,
        windowId: 'w-two',
        kind: 'rage',
        selector: '#compare',
        label: '"Compare" button',
        count: 4,
        deadClicks: 0,
        x: 10,
        y: 10,
        page: '/',
        message: '',
        outcome: '4 clicks',
      },
    ],
  },
  's-short': {
    summary: summary('s-short', { endedAt: counterStart, durationMs: 0, eventCount: 1, pageCount: 1 }),
    events: { 'w-main': counterEvents.slice(0, 1) },
    marks: [],
    signals: [],
  },
};

/** Rows of the session list: the counter session first, then generated ones, newest first. */
export const LIST_TOTAL = 120;
const listRows: SessionSummary[] = Array.from({ length: LIST_TOTAL }, (_, index) =>
  index === 0
    ? sessions['s-counter'].summary
    : summary(`s-gen-${index}`, {
        startedAt: counterStart - index * 3_600_000,
        durationMs: 20_000 + index * 1_000,
        device: (['desktop', 'mobile', 'tablet'] as const)[index % 3],
        userId: index % 2 ? null : `user-${index}`,
        rageClicks: 0,
        deadClicks: index % 4 === 0 ? 1 : 0,
        errorClicks: 0,
        cart: index % 3 === 0 ? { outcome: 'purchased', value: 30 } : { outcome: 'none', value: 0 },
        friction: index % 4 === 0 ? 2 : 0,
      }),
);

/** Largest events page the fake serves, small so the counter recording arrives in several pages. */
export const EVENTS_PAGE_LIMIT = 50;

export interface ApiRequest {
  path: string;
  query: URLSearchParams;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export class FakeApi {
  /** Every /api request in arrival order. */
  readonly requests: ApiRequest[] = [];
  /** What GET /api/sessions answers: rows, an empty list, or a 500 with the error shape. */
  listMode: 'rows' | 'empty' | 'error' = 'rows';
  /** What GET /api/funnels answers: the saved funnels, none, or a 500. */
  funnelsMode: 'saved' | 'none' | 'error' = 'saved';
  url = '';
  readonly #viewerDir: string;
  readonly #server = createServer((req, res) => void this.#handle(req, res));
  // While set, events pages after the first wait for it, so tests can watch the player start early.
  #eventsGate: Promise<void> | null = null;

  constructor(viewerDir: string) {
    this.#viewerDir = viewerDir;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Holds back every events page but the first until the returned function is called. */
  holdLaterEventPages(): () => void {
    let release = () => {};
    this.#eventsGate = new Promise((resolve) => {
      release = () => {
        this.#eventsGate = null;
        resolve();
      };
    });
    return release;
  }

  requestsTo(pattern: RegExp): ApiRequest[] {
    return this.requests.filter((request) => pattern.test(request.path));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname.startsWith('/api/')) {
      this.requests.push({ path: url.pathname, query: url.searchParams });
      const answer = await this.#api(url);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
      return;
    }
    // A rooted path normalizes `..` away, so requests stay inside the build folder.
    const file = normalize(url.pathname === '/' ? '/index.html' : url.pathname);
    try {
      const body = await readFile(join(this.#viewerDir, file));
      res.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  }

  async #api(url: URL): Promise<{ status: number; body: unknown }> {
    const notFound = (what: string) => ({ status: 404, body: { error: { code: 'session_not_found', message: what } } });
    // The viewer asks who is signed in before it shows a page; this fake is always signed in.
    if (url.pathname === '/api/me') {
      const me: MeResponse = { signedIn: true, scope: 'admin', role: 'manage', projects: [{ key: 'demo', name: 'Demo store' }] };
      return { status: 200, body: me };
    }
    if (url.pathname === '/api/sessions') {
      if (this.listMode === 'error') {
        return { status: 500, body: { error: { code: 'storage_failed', message: 'The database is locked by another process' } } };
      }
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const rows = this.listMode === 'empty' ? [] : listRows;
      const body: SessionList = { sessions: rows.slice(offset, offset + limit), total: rows.length, limit, offset };
      return { status: 200, body };
    }
    if (url.pathname === '/api/funnels') {
      if (this.funnelsMode === 'error') {
        return { status: 500, body: { error: { code: 'storage_failed', message: 'Funnels table is missing' } } };
      }
      const body: FunnelList = { funnels: this.funnelsMode === 'saved' ? savedFunnels : [] };
      return { status: 200, body };
    }
    const match = /^\/api\/sessions\/([^/]+)(\/events)?$/.exec(url.pathname);
    const session = match ? sessions[decodeURIComponent(match[1])] : undefined;
    if (!match || !session) return notFound(`No session with id "${match?.[1] ?? ''}"`);
    if (!match[2]) {
      const body: SessionDetail = { session: session.summary, marks: session.marks, signals: session.signals };
      return { status: 200, body };
    }
    const windowId = url.searchParams.get('window') ?? session.summary.windows[0];
    const events = session.events[windowId];
    if (!events) return notFound(`Session has no window "${windowId}"`);
    const from = Number(url.searchParams.get('cursor') ?? 0);
    if (from > 0 && this.#eventsGate) await this.#eventsGate;
    const limit = Math.min(EVENTS_PAGE_LIMIT, Number(url.searchParams.get('limit') ?? EVENTS_PAGE_LIMIT));
    const next = from + limit;
    const body: EventPage = {
      events: events.slice(from, next) as EventPage['events'],
      nextCursor: next < events.length ? String(next) : null,
    };
    return { status: 200, body };
  }
}
