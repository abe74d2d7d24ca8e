/**
 * The viewer's hash routes: `#/` (sessions, filters in the query), `#/sessions/:id?t=&window=` (replay) and one
 * route per report (`#/heatmaps`, `#/funnels`, `#/forms`, `#/metrics`, each with its own query), and `#/settings`.
 * A hash router needs no server rewrites, so the built files can be served as they are.
 */

/** Report pages, in the order the navigation shows them. */
export const reportPages = ['heatmaps', 'funnels', 'forms', 'metrics'] as const;
export type ReportPage = (typeof reportPages)[number];

export type Route =
  | { page: 'sessions'; query: URLSearchParams }
  | { page: 'replay'; sessionId: string; query: URLSearchParams }
  | { page: ReportPage; query: URLSearchParams }
  | { page: 'settings' }
  | { page: 'not-found'; path: string };

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#/, '') || '/';
  const queryStart = text.indexOf('?');
  const path = queryStart === -1 ? text : text.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? '' : text.slice(queryStart + 1));
  if (path === '/' || path === '') return { page: 'sessions', query };
  const replay = /^\/sessions\/([^/]+)\/?$/.exec(path);
  if (replay) return { page: 'replay', sessionId: decodeURIComponent(replay[1]), query };
  const report = reportPages.find((name) => path === `/${name}` || path === `/${name}/`);
  if (report) return { page: report, query };
  if (path === '/settings' || path === '/settings/') return { page: 'settings' };
  return { page: 'not-found', path };
}

export function sessionsHref(query?: URLSearchParams): string {
  const text = query?.toString() ?? '';
  return text ? `#/?${text}` : '#/';
}

export interface ReplayLinkOptions {
  /** Offset from the start of the recording, ms. */
  t?: number;
  /** Window (tab) to show, for sessions with several. */
  window?: string | null;
}

export function replayHref(sessionId: string, options: ReplayLinkOptions = {}): string {
  const query = new URLSearchParams();
  if (options.t !== undefined && options.t > 0) query.set('t', String(Math.round(options.t)));
  if (options.window) query.set('window', options.window);
  const text = query.toString();
  return `#/sessions/${encodeURIComponent(sessionId)}${text ? `?${text}` : ''}`;
}

/** `t` from a replay link, ms; 0 when absent or not a number. */
export function startOffsetFromQuery(query: URLSearchParams): number {
  const value = Number(query.get('t'));
  return Number.isFinite(value) && value > 0 ? value : 0;
}
