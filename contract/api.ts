/** Response types of the read API: sessions, their replay and the project's settings. */
import type { CartOutcome } from './rows.ts';
import type { DeviceClass, SignalKind } from './vocabulary.ts';

export interface SessionSummary {
  id: string;
  projectId: number;
  /** First and last event time, ms since epoch. */
  startedAt: number;
  endedAt: number;
  durationMs: number;
  /** Time with user input (mouse, keys, scroll, touch), gaps over the activity threshold left out. */
  activeMs: number;
  entryUrl: string;
  /** Distinct URLs in the order first visited. */
  pages: string[];
  pageCount: number;
  clickCount: number;
  /** Uncaught errors and unhandled rejections. */
  errorCount: number;
  /** console.error calls recorded. */
  consoleErrorCount: number;
  /** Requests that failed: no answer (network error, abort, timeout) or a status of 500 or more. */
  failedRequestCount: number;
  eventCount: number;
  device: DeviceClass;
  /** 'Chrome', 'Safari', 'Samsung Internet', …, or 'Other'; its version as the header gave it, '' when unknown. */
  browser: string;
  browserVersion: string;
  /** 'Windows', 'macOS', 'iOS', 'Android', …, or 'Other'; its version, '' when unknown. */
  os: string;
  osVersion: string;
  viewportWidth: number;
  viewportHeight: number;
  userId: string | null;
  /** Window (tab) ids in the order first seen. */
  windows: string[];
  /** Rage, dead and error clicks found in the session (dead clicks inside a rage burst count in the burst). */
  rageClicks: number;
  deadClicks: number;
  errorClicks: number;
  /** Started a form (focused or changed a field) and never submitted it. */
  abandonedForm: boolean;
  /** What came of the cart (`abandoned`: put in, not bought) and the value of what was put in it. */
  cart: { outcome: CartOutcome; value: number };
  /** How much went wrong, weighted (server/analytics/friction.ts): 0 for a clean visit; the list sorts by it on request. */
  friction: number;
}

/** Orders of the session list: newest first, or most friction first (ties newest first). */
export type SessionSort = 'recent' | 'friction';

export interface SessionList {
  sessions: SessionSummary[];
  /** Total matching the filters, for paging. */
  total: number;
  limit: number;
  offset: number;
}

/**
 * One custom event for the replay timeline: page views, track() calls, identify, uncaught errors, console errors
 * (`console`) and failed requests (`request`).
 */
export interface TimelineMark {
  ts: number;
  /** The tab it happened in; '' for an event the store's backend sent, which belongs to no tab. */
  windowId: string;
  kind: 'page' | 'track' | 'identify' | 'error' | 'console' | 'request';
  /** The URL, event name, user id, error or console message, or `POST https://… 503` for a request. */
  label: string;
  /** Present on a `track` mark the store's backend sent through POST /api/events. */
  server?: true;
}

/** A rage, dead or error click found in a session: where its replay should start and what was clicked. */
export interface SessionSignal {
  kind: SignalKind;
  windowId: string;
  /** Time of the (first) click, ms since epoch. */
  ts: number;
  /** CSS selector of the clicked element. */
  selector: string;
  /** The clicked element as a person reads it (`"Add to cart" button`); '' for recordings without labels. */
  label: string;
  /** Clicks in a rage burst; errors blamed on an error click; 1 for a dead click. */
  count: number;
  /** Clicks of a rage burst that got no response (dead clicks are counted in their burst, not listed); 0 otherwise. */
  deadClicks: number;
  /** Page coordinates of the click in CSS px (viewport coordinates for recordings without Sightline's recorder). */
  x: number;
  y: number;
  /** Page key of the page it happened on ('' when unknown). */
  page: string;
  /** The first error's message for an error click; '' otherwise. */
  message: string;
  /** What came of the clicks, in words: "5 clicks, nothing happened", "1 error: TypeError: …". */
  outcome: string;
}

export interface SessionDetail {
  session: SessionSummary;
  marks: TimelineMark[];
  /** Rage, dead and error clicks in time order (all windows). */
  signals: SessionSignal[];
}

/** A page of a session's rrweb events, in recorded order. */
export interface EventPage {
  events: Array<{ type: number; data: unknown; timestamp: number }>;
  /** Pass as `?cursor=` to get the next page; null when this was the last one. */
  nextCursor: string | null;
}

/** GET and PUT /api/settings/page-patterns: the project's page patterns, one key per matching path. */
export interface PagePatternsResponse {
  patterns: string[];
}

/** GET and PUT /api/settings/assets: how replays of the project get recorded images, fonts and styles. */
export interface AssetSettingsResponse {
  /** The project the settings belong to. */
  project: string;
  /**
   * `public` (the default of new projects): recorded images, fonts and styles of any public host come through
   * Sightline's proxy; `proxy`: only those on `origins` and `projectOrigins`; `block`: none, the viewer's CSP stops them.
   */
  mode: 'public' | 'proxy' | 'block';
  /** Origins the proxy may fetch from in `proxy` mode (`https://cdn.shop.example`); kept while another mode is chosen. */
  origins: string[];
  /** The project's allowed ingest origins, which the proxy may fetch from too (set with PUT /api/projects/:key/origins). */
  projectOrigins: string[];
}
