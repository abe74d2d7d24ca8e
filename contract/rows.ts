/**
 * Rows storage reads and the pure analytics compute over. They are defined here, beside the API's types, so that
 * storage and analytics agree on them without importing each other.
 */

export interface CheckoutOptions {
  /** Tracked event name of putting something in the cart. Defaults to 'add_to_cart'. */
  cartEvent: string;
  /** Tracked event name of a completed order. Defaults to 'purchase'. */
  purchaseEvent: string;
  /** Tracked event name of money given back for an order. Defaults to 'refund'. */
  refundEvent: string;
}

/** Sessions started on one day (`YYYY-MM-DD`, UTC). */
export interface DaySessions {
  day: string;
  sessions: number;
}

/** One tracked event, with the day its session started (its own day when it has no session). */
export interface CheckoutEvent {
  /** null for a backend event whose session is not known. */
  sessionId: string | null;
  day: string;
  /** Event time, ms since epoch. */
  ts: number;
  name: string;
  source: EventSource;
  /** The event's `props.value` and `props.orderId` as sent. */
  value: unknown;
  orderId: unknown;
}

/**
 * One UTC start day's sessions as storage keeps them summed (per day and device, kept by triggers on the rows): how
 * many started, how many put something in the cart (an `add_to_cart`), and the cart value those added.
 */
export interface DayCheckoutTotals {
  day: string;
  sessions: number;
  cartSessions: number;
  cartValue: number;
}

/** One purchase or refund event as stored. */
export interface OrderEvent {
  kind: 'purchase' | 'refund';
  source: EventSource;
  /** The session it belongs to, null when it has none. */
  sessionId: string | null;
  /** `YYYY-MM-DD` (UTC) the session started, or of the event itself when it has no session. */
  day: string;
  /** Event time, ms since epoch. */
  ts: number;
  /** `props.orderId` as sent, or the order key it names. */
  orderId: unknown;
  /** `props.value` as sent, or what it is worth. */
  value: unknown;
}

/** A purchase or refund event with its session's cart: the value it added, null when it added nothing. */
export interface CheckoutOrderEvent extends OrderEvent {
  sessionCartValue: number | null;
}

/** Who reported a tracked event: the store's page (through the recorder) or its backend (POST /api/events). */
export type EventSource = 'browser' | 'server';

/** One stored form event with its page view; rows come ordered by session, window and time. */
export interface FormRow {
  sessionId: string;
  windowId: string;
  viewId: number;
  url: string;
  viewTs: number;
  viewLastTs: number;
  ts: number;
  action: 'focus' | 'blur' | 'change' | 'submit';
  form: string;
  field: string;
  name: string;
  kind: string;
  /** The field as a person reads it; '' for a submit and for recordings without labels. */
  label: string;
}

/**
 * What a timeline entry names: for a page, its URL up to and including the first `?` or `#` (matching a page
 * pattern reads nothing after them, and query strings would make every visit's URL distinct); for a tracked event,
 * its name.
 */
export interface FunnelLabel {
  id: number;
  kind: 'page' | 'event';
  text: string;
}

export interface PackedTimelines {
  /** Sessions in range, those without a single page view or tracked event included. */
  sessionsInRange: number;
  /** The sessions in `entries`, in the same order. */
  sessionIds: string[];
  /** The sessions' timelines, packed as server/analytics/packed-funnel.ts describes. */
  entries: Uint8Array;
  /** At least every label the steps can match; others are ignored. */
  labels: readonly FunnelLabel[];
}

/** One tracked event of the session, in time order. */
export interface TrackedEvent {
  windowId: string;
  ts: number;
  name: string;
  /** The track() props as sent. */
  props: unknown;
}

/** What came of a session's cart: nothing put in it and nothing bought, put in and not bought, or bought. */
export type CartOutcome = 'none' | 'abandoned' | 'purchased';

/** What storage reads of one session for its facts; server/analytics/friction.ts weighs them. */
export interface SessionFactRows {
  /** Uncaught errors (the session's error count). */
  errors: number;
  /** A form was started (a field focused or changed) and never submitted on its page. */
  abandonedForm: boolean;
  /** Stored signals per kind (dead clicks inside a rage burst are counted in the burst, not stored). */
  signals: Array<{ kind: string; count: number }>;
  /** Every tracked event of the session: its name and its `value` prop as stored. */
  tracked: Array<{ name: string; value: unknown }>;
}

/** What went wrong in a session, and its friction score, as the session's row keeps them. */
export interface SessionFacts {
  rageClicks: number;
  deadClicks: number;
  errorClicks: number;
  errors: number;
  abandonedForm: boolean;
  cart: CartOutcome;
  /** What was put in the cart, in the store's currency (the sum of cart events' values, to the cent). */
  cartValue: number;
  friction: number;
}
