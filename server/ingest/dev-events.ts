/**
 * The developer events of a batch (sl:console, sl:network, and sl:error's stack frames), checked against their
 * schemas and cleaned for display: a pure function of the events, tested as tables.
 *
 * - A payload that does not match its schema refuses the batch (400 `schema_mismatch`, naming the path): the
 *   recorder never sends one, so it is a forged or broken batch.
 * - Text loses control characters (but tab and newline) and Unicode direction overrides, which could make a console
 *   line or URL read as something else in the viewer's panel. Nothing else changes: the viewer shows these as text.
 * - A request's URL loses any user name and password in it.
 */
import { SlTag, type RecordedEvent } from '../../contract/protocol.ts';
import { describeFirstIssue } from '../zod-issues.ts';
import { IngestError } from './errors.ts';
import { consolePayloadSchema, errorPayloadSchema, networkPayloadSchema } from './schema.ts';

const schemas = {
  [SlTag.Console]: consolePayloadSchema,
  [SlTag.Network]: networkPayloadSchema,
  [SlTag.Error]: errorPayloadSchema,
} as const;

// C0 controls but tab (\t) and newline (\n), DEL and C1 controls; bidi embeddings, overrides and isolates.
const UNSAFE_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export const cleanText = (text: string): string => text.replace(UNSAFE_CHARACTERS, '');

/** A copy of a parsed JSON value with every string cleaned; the value itself when nothing changed. */
function cleanValue(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (Array.isArray(value)) {
    const items = value.map(cleanValue);
    return items.some((item, index) => item !== value[index]) ? items : value;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, item]) => [cleanText(key), cleanValue(item)] as const);
    const changed = entries.some(([key, item]) => !(key in value) || item !== (value as Record<string, unknown>)[key]);
    return changed ? Object.fromEntries(entries) : value;
  }
  return value;
}

/**
 * A request's URL without a user name or password (`https://user:secret@host/`): the recorder drops them, and a
 * recording from anywhere else loses them here. The same object when there were none.
 */
export function withoutCredentials<T extends { url: string }>(payload: T): T {
  let url: URL;
  try {
    url = new URL(payload.url);
  } catch {
    return payload;
  }
  if (url.username === '' && url.password === '') return payload;
  url.username = '';
  url.password = '';
  return { ...payload, url: url.href };
}

const customTag = (event: RecordedEvent): string | undefined => {
  const data = event.data as { tag?: unknown } | null;
  return event.type === 5 && typeof data?.tag === 'string' ? data.tag : undefined;
};

/** The events with their developer payloads checked and cleaned; the same array when none needed cleaning. */
export function checkDevEvents(events: readonly RecordedEvent[]): RecordedEvent[] {
  let cleaned: RecordedEvent[] | undefined;
  events.forEach((event, index) => {
    const tag = customTag(event);
    const schema = tag && schemas[tag as keyof typeof schemas];
    if (!schema) return;
    const payload = (event.data as { payload?: unknown }).payload;
    const result = schema.safeParse(payload);
    if (!result.success) {
      const issue = describeFirstIssue(result.error);
      throw new IngestError('schema_mismatch', `events[${index}].data.payload${issue.startsWith('(root)') ? issue.slice(6) : `.${issue}`}`);
    }
    if (tag === SlTag.Error) return; // its message is text as before; only the frames were new
    let clean = cleanValue(payload);
    if (tag === SlTag.Network) clean = withoutCredentials(clean as { url: string });
    if (clean === payload) return;
    cleaned ??= [...events];
    cleaned[index] = { ...event, data: { ...(event.data as object), payload: clean } };
  });
  return cleaned ?? (events as RecordedEvent[]);
}
