/**
 * The project the viewer shows lives in the page URL's query, before the hash route: `/?project=shop-b#/heatmaps`.
 * Hash links (`#/…`) keep the query as it is, so every page link keeps the project without knowing about it, and
 * the API client adds it to every request. Without it the server answers for the first project the sign-in sees.
 */
import { parseHash } from './routes.ts';

const PARAM = 'project';

/** The project key in a page URL's query string (`location.search`), or null when none is chosen. */
export function projectFromSearch(search: string): string | null {
  const key = new URLSearchParams(search).get(PARAM);
  return key === null || key === '' ? null : key;
}

/** An API path with `project=key` added to its query; unchanged when no project is chosen or it names one already. */
export function withProject(path: string, key: string | null): string {
  if (key === null) return path;
  const queryStart = path.indexOf('?');
  const query = new URLSearchParams(queryStart === -1 ? '' : path.slice(queryStart + 1));
  if (query.has(PARAM)) return path;
  query.set(PARAM, key);
  return `${queryStart === -1 ? path : path.slice(0, queryStart)}?${query}`;
}

/**
 * The viewer's URL showing project `key` on the page now shown: the same report page, without its query (saved
 * funnels and page keys belong to the old project), or the sessions list instead of another project's replay.
 */
export function projectSwitchUrl(page: { pathname: string; search: string; hash: string }, key: string): string {
  const query = new URLSearchParams(page.search);
  query.set(PARAM, key);
  const route = parseHash(page.hash);
  const isReport = route.page !== 'sessions' && route.page !== 'replay' && route.page !== 'not-found';
  const hash = isReport ? `#/${route.page}` : '#/';
  return `${page.pathname}?${query}${hash}`;
}

/** The project chosen in this page's URL; null outside a browser (unit tests) or when none is chosen. */
export function currentProject(): string | null {
  return projectFromSearch(globalThis.location?.search ?? '');
}
