/** The current hash route as reactive state: one listener for the whole app. */
import { parseHash, sessionsHref, type Route } from '../lib/routes.ts';

class HashRoute {
  current = $state.raw<Route>(parseHash(location.hash));
  /** The sessions list as last shown, filters and page included, for "back to the list" links. */
  listHref = $state(sessionsHref());

  constructor() {
    this.#remember(this.current);
    window.addEventListener('hashchange', () => {
      this.current = parseHash(location.hash);
      this.#remember(this.current);
    });
  }

  /** Pushes a history entry, so Back returns to the previous filters or page. */
  go(href: string): void {
    if (location.hash === href) return;
    location.hash = href;
  }

  #remember(route: Route): void {
    if (route.page === 'sessions') this.listHref = sessionsHref(route.query);
  }
}

export const route = new HashRoute();
