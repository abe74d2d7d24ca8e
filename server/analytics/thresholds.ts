/**
 * Every threshold the signal detectors use, named with its unit, in one place.
 *
 * "Within N ms" is inclusive everywhere: an event exactly N ms after a click is within the window, one at N + 1 ms is
 * not. Distances are Euclidean, in CSS px, also inclusive.
 */

/** Clicks needed in one spot, in a burst, to call it a rage click (count). */
export const RAGE_CLICK_MIN_COUNT = 3;
/**
 * The clicks counted for a rage click must land within this time of the burst's first click, and a longer pause
 * between two clicks ends the burst (ms).
 */
export const RAGE_CLICK_WINDOW_MS = 1_000;
/** The clicks of a rage burst must land within this distance of its first click (CSS px). */
export const RAGE_CLICK_RADIUS_PX = 30;
/**
 * Longest gap between clicks that browsers still count as one multi-click (ms). A triple-click selects a paragraph
 * only when each click follows the last within the OS double-click time; Windows' default is 500 ms.
 */
export const MULTI_CLICK_GAP_MS = 500;
/** A click with no visible response (DOM change, navigation, scroll, focus, input) within this time is dead (ms). */
export const DEAD_CLICK_WINDOW_MS = 1_000;
/**
 * A response this long before a click still answers it (ms): pointerdown handlers (menus that open on press) and
 * text selection react to the press, which comes before the click event; a press rarely lasts longer.
 */
export const DEAD_CLICK_PRESS_LEAD_MS = 300;
/** An uncaught error within this time after a click makes it an error click (ms). */
export const ERROR_CLICK_WINDOW_MS = 1_000;

/**
 * Friction points of a session, for listing the sessions that went wrong first (analytics/friction.ts). A finding of
 * each kind adds its weight once per occurrence, up to FRICTION_MAX_COUNTED occurrences; a cart left unbought adds
 * one point per FRICTION_CART_VALUE_PER_POINT of its value, up to FRICTION_CART_MAX_POINTS.
 */
export const FRICTION_WEIGHTS = Object.freeze({
  /** A rage burst: the shopper hammered something that did not answer as hoped. */
  rageClick: 5,
  /** An error click: a click ran into an uncaught error. */
  errorClick: 4,
  /** A form started and never submitted. */
  abandonedForm: 3,
  /** Something put in the cart and never bought. */
  abandonedCart: 3,
  /** A dead click: something that looked clickable did nothing. */
  deadClick: 2,
  /** An uncaught error not blamed on a click (one also blamed on a click counts twice: it hurt twice). */
  error: 1,
});
/** Occurrences of one kind counted at most: the twentieth dead click says little the fifth did not (count). */
export const FRICTION_MAX_COUNTED = 5;
/** Cart value at risk per friction point, in the store's currency units. */
export const FRICTION_CART_VALUE_PER_POINT = 10;
/** Most points a cart's value at risk adds. */
export const FRICTION_CART_MAX_POINTS = 10;

/** The thresholds every detector takes as its second argument. */
export interface Thresholds {
  /** Clicks needed in one spot, in a burst, for a rage click. Defaults to 3. */
  rageClickMinCount: number;
  /** Time from a burst's first click for the clicks counted, and longest pause in a burst, in ms. Defaults to 1000. */
  rageClickWindowMs: number;
  /** Distance from a rage burst's first click within which its clicks must land, in CSS px. Defaults to 30. */
  rageClickRadiusPx: number;
  /** Longest gap between clicks that the browser still reads as one triple-click, in ms. Defaults to 500. */
  multiClickGapMs: number;
  /** Time after a click within which some response must show, or the click is dead, in ms. Defaults to 1000. */
  deadClickWindowMs: number;
  /** Time before a click within which a response still counts (it answered the press), in ms. Defaults to 300. */
  deadClickPressLeadMs: number;
  /** Time after a click within which an uncaught error makes it an error click, in ms. Defaults to 1000. */
  errorClickWindowMs: number;
}

export const defaultThresholds: Readonly<Thresholds> = Object.freeze({
  rageClickMinCount: RAGE_CLICK_MIN_COUNT,
  rageClickWindowMs: RAGE_CLICK_WINDOW_MS,
  rageClickRadiusPx: RAGE_CLICK_RADIUS_PX,
  multiClickGapMs: MULTI_CLICK_GAP_MS,
  deadClickWindowMs: DEAD_CLICK_WINDOW_MS,
  deadClickPressLeadMs: DEAD_CLICK_PRESS_LEAD_MS,
  errorClickWindowMs: ERROR_CLICK_WINDOW_MS,
});

/** The defaults with a project's overrides on top; fields left undefined keep their default. */
export function resolveThresholds(overrides: Partial<Thresholds> = {}): Thresholds {
  const resolved: Thresholds = { ...defaultThresholds };
  for (const key of Object.keys(resolved) as (keyof Thresholds)[]) {
    const value = overrides[key];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) resolved[key] = value;
  }
  return resolved;
}
