/** Response types of the read API: sessions, their replay and the project's settings. */
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
  errorCount: number;
  eventCount: number;
  device: DeviceClass;
  browser: string;
  os: string;
  viewportWidth: number;
  viewportHeight: number;
  userId: string | null;
  /** Window (tab) ids in the order first seen. */
  windows: string[];
}

export interface SessionList {
  sessions: SessionSummary[];
  /** Total matching the filters, for paging. */
  total: number;
  limit: number;
  offset: number;
}

/** One custom event for the replay timeline (page views, track() calls, identify). */
export interface TimelineMark {
  ts: number;
  /** The tab it happened in; '' for an event the store's backend sent, which belongs to no tab. */
  windowId: string;
  kind: 'page' | 'track' | 'identify' | 'error';
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
  /** Clicks in a rage burst; errors blamed on an error click; 1 for a dead click. */
  count: number;
  /** Page coordinates of the click in CSS px (viewport coordinates for recordings without Sightline's recorder). */
  x: number;
  y: number;
  /** Page key of the page it happened on ('' when unknown). */
  page: string;
  /** The first error's message for an error click; '' otherwise. */
  message: string;
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
  /** `block` (the default): the viewer's CSP blocks assets from other hosts; `proxy`: allowed ones come through Sightline. */
  mode: 'block' | 'proxy';
  /** Origins the proxy may fetch from (`https://cdn.shop.example`). */
  origins: string[];
  /** The project's allowed ingest origins, which the proxy may fetch from too (set with PUT /api/projects/:key/origins). */
  projectOrigins: string[];
}
