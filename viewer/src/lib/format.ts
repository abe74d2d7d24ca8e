/** Display formatting shared by the pages; everything in the viewer's locale and time zone. */

/** `m:ss` for durations and offsets (minutes keep counting past 59, as in video players' long files). */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

/** A session's length for the list: `m:ss`, and "<0:01" for one that lasted under a second but did last. */
export function formatSessionLength(ms: number): string {
  return ms > 0 && ms < 1000 ? '<0:01' : formatDuration(ms);
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const fullDateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** "Jan 7, 2023, 8:25 PM": the list's start-time column. */
export function formatDateTime(epochMs: number): string {
  return dateTimeFormat.format(epochMs);
}

/** With seconds, for a single session's details. */
export function formatFullDateTime(epochMs: number): string {
  return fullDateTimeFormat.format(epochMs);
}

/** "1–50 of 312"; "0 of 0" when empty. */
export function formatRange(offset: number, shown: number, total: number): string {
  if (shown === 0) return `0 of ${total}`;
  return `${offset + 1}–${offset + shown} of ${total}`;
}

/**
 * A browser or system with its version as a person reads it: "Chrome 131" (Chrome's header says 131.0.0.0), "iOS
 * 17.5", "macOS 10.15.7"; the name alone when the version is unknown, and "Unknown" for what was not recognized.
 */
export function softwareLabel(name: string, version: string): string {
  if (name === '' || name === 'Other') return 'Unknown';
  const shown = version.replace(/(?:\.0)+$/, '');
  return shown === '' ? name : `${name} ${shown}`;
}

/** Characters of a path and query shown before the query is cut. */
export const URL_PATH_CHARS = 60;

/**
 * A URL as a path ("/cart?step=2"), since one store's sessions all share the host. A long query or fragment is cut
 * with an ellipsis so the pages of a list stay apart by their paths; the path itself is never cut here.
 */
export function urlPath(url: string, maxChars = URL_PATH_CHARS): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const path = parsed.pathname || '/';
  const rest = `${parsed.search}${parsed.hash}`;
  if (path.length + rest.length <= maxChars) return `${path}${rest}`;
  return `${path}${rest.slice(0, Math.max(1, maxChars - path.length - 1))}…`;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
