import type { RecordedEvent } from '../contract/protocol.ts';
import type { Privacy } from './privacy.ts';

/**
 * The value of the field being typed in as the page is left. rrweb samples inputs with `input: 'last'`, listening
 * for `change` only, which fires when a field loses focus: a field typed into as the shopper navigates away would
 * replay empty. On leaving, this makes the Input event rrweb would have made on blur, masked the same way (rrweb's
 * input observer: every type in maskInputOptions goes through maskInputFn) and skipped where rrweb skips.
 */

/** rrweb's IncrementalSnapshot event type and Input source. */
const INCREMENTAL = 3;
const INPUT = 5;
/** Input types typed into; the others (checkboxes, radios, selects, files) record on change at once. */
const TYPED = /^(text|email|tel|url|search|number|password|date|datetime-local|month|week|time|)$/;

function focusedElement(doc: Document): Element | null {
  let element = doc.activeElement;
  // Inside open shadow roots the document only knows the host.
  while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
  return element;
}

export function lastFieldEvent(
  doc: Document,
  privacy: Privacy,
  idOf: (node: Node) => number,
  now: number,
): RecordedEvent | undefined {
  const field = focusedElement(doc);
  const isTextarea = field instanceof HTMLTextAreaElement;
  if (!isTextarea && !(field instanceof HTMLInputElement)) return undefined;
  // rrweb's getInputType: an input that was a password stays one.
  const type = field.hasAttribute('data-rr-is-password') ? 'password' : field.type.toLowerCase();
  if (!isTextarea && !TYPED.test(type)) return undefined;
  const { blockSelector, maskInputOptions, maskInputFn } = privacy.recordOptions;
  // rrweb's checks: blocked (class or selector, ancestors included), ignored, or a node it never serialized.
  if (field.closest(`.rr-block,${blockSelector}`) || field.classList.contains('rr-ignore')) return undefined;
  const id = idOf(field);
  if (id < 0) return undefined;
  const options = maskInputOptions as Record<string, boolean | undefined>;
  const text = options[field.localName] || options[type] ? maskInputFn(field.value, field as HTMLElement) : field.value;
  return { type: INCREMENTAL, data: { source: INPUT, text, isChecked: false, id }, timestamp: now };
}
