/**
 * The recorder's fixed tunables, named with their units. What a store may change lives in options.ts;
 * these are decisions about browsers and servers that a store should not have to think about.
 */

/** First retry waits up to this long; each further failure doubles the ceiling (full jitter). */
export const RETRY_BASE_DELAY_MS = 1_000;
/** Ceiling of the retry backoff, however many sends failed in a row. */
export const RETRY_MAX_DELAY_MS = 30_000;
/** A server's `Retry-After` is honoured up to this long, so a bad header cannot park the queue for hours. */
export const RETRY_AFTER_MAX_MS = 300_000;

/** Browsers allow 64 KiB of keepalive bodies in flight per page; stay safely under it. */
export const KEEPALIVE_BUDGET_BYTES = 60_000;
/**
 * A navigation to another document that has not taken the page within this long is taken not to leave it (a
 * download, a 204): batches held meanwhile (their keepalive fetch rejected as the page seemed to go) are retried.
 */
export const LEAVE_GRACE_MS = 10_000;

/**
 * A buffer holding this much JSON (a full snapshot, a burst of mutations) leaves within BULK_BATCH_DELAY_MS rather
 * than flushIntervalMs: shoppers leave most pages sooner than that, and what is still buffered on pagehide travels
 * as plain JSON (there is no time to await gzip). What pagehide sends then stays small. 4 KB, because a snapshot
 * whose stylesheets travel as references (shared-texts.ts) is often under 16 KB, and a tab closed on such a page
 * sent its whole snapshot plain.
 */
export const BULK_BATCH_BYTES = 4_096;
export const BULK_BATCH_DELAY_MS = 250;

/** lastActivityAt is written to localStorage at most this often (mousemove fires far more often). */
export const ACTIVITY_WRITE_INTERVAL_MS = 5_000;
/** While this tab looks idle-expired, re-read localStorage at most this often for other tabs' activity. */
export const EXPIRED_RECHECK_INTERVAL_MS = 1_000;

/** Storage keys: the session is shared by a visitor's tabs, the window belongs to one tab. */
export const SESSION_STORAGE_KEY = 'sl:session';
export const WINDOW_STORAGE_KEY = 'sl:window';
/** Set while a page of this tab is alive; found at start-up it means sessionStorage was copied into a duplicated tab. */
export const WINDOW_ALIVE_KEY = 'sl:window-alive';
/** The long texts (stylesheets) this tab's window has delivered, so its next pages send references to them. */
export const SHARED_TEXTS_STORAGE_KEY = 'sl:texts';
/** Texts remembered per window at most (a store has a handful of stylesheets); the oldest are forgotten first. */
export const MAX_SHARED_TEXTS = 64;
/** Console events the session recorded so far, for its cap across pages (`console.maxPerSession`). */
export const CONSOLE_COUNT_KEY = 'sl:console-count';

/** Label text and error messages are cut to these lengths before they travel. */
export const MAX_LABEL_CHARS = 100;
/** The quoted text of an element label ("Add to cart" button) is cut to this many characters. */
export const ELEMENT_LABEL_TEXT_CHARS = 60;
export const MAX_ERROR_MESSAGE_CHARS = 1_000;
/**
 * After a DOM change is recorded, further changes within a window are recorded as one (recording.ts): a page that
 * churns its DOM costs a serialization per window instead of one per change. Any input or custom event ends the
 * window early, so changes and actions keep their order. The window is at most MUTATION_COALESCE_MS; it shrinks
 * (to MIN_MUTATION_COALESCE_MS at least) when serializing what it held took longer than COALESCED_THAW_BUDGET_MS,
 * so a storm's held changes never make a long task of their own, and grows back when they are cheap.
 */
export const MUTATION_COALESCE_MS = 100;
export const MIN_MUTATION_COALESCE_MS = 10;
/** The main-thread time one thaw of held changes may take: under a frame at 60 Hz. */
export const COALESCED_THAW_BUDGET_MS = 12;
/** Enrichment events raised before rrweb's first snapshot wait in a queue of at most this many. */
export const MAX_EARLY_CUSTOM_EVENTS = 50;
/** Frames kept of a stack trace, innermost first: enough to reach the page's own code through a framework's. */
export const MAX_STACK_FRAMES = 20;
/** Console calls and uncaught errors kept while the developer capture loads; later ones before it arrives are not recorded. */
export const MAX_CALLS_AWAITING_CAPTURE = 50;
/** Allow-listed request and response bodies are cut to this many characters, header values to this many. */
export const MAX_NETWORK_BODY_CHARS = 4_000;
export const MAX_NETWORK_HEADER_CHARS = 500;
/** An allow-listed response body is read only when its declared size is at most this, in bytes. */
export const MAX_NETWORK_READ_BYTES = 1_000_000;
/** Requests recorded per second and per session, at most. */
export const NETWORK_EVENTS_PER_SECOND = 20;
export const NETWORK_EVENTS_PER_SESSION = 2_000;
/** Network events the session recorded so far, for its cap across pages. */
export const NETWORK_COUNT_KEY = 'sl:network-count';
/** The developer capture (console, network), a second file fetched from the endpoint's host when enabled. */
export const CAPTURE_FILE = '/recorder.capture.mjs';
/** Bumped when what the core hands the developer capture changes, so a cached file of another build is not used. */
export const CAPTURE_API_VERSION = 1;
