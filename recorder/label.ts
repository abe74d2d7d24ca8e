import { ELEMENT_LABEL_TEXT_CHARS } from './constants.ts';
import { scrubPII } from './pii.ts';
import type { Privacy } from './privacy.ts';

/**
 * An element named as a person reads it, for findings: `"Add to cart" button`, `"Email" email field`, or the kind
 * alone ("link") when nothing readable names it. The text is the accessible name (aria-label, aria-labelledby, a
 * field's <label>), a button input's value, the visible text, alt, title or placeholder, in that order. Nothing of
 * a masked or blocked element is read (a masked element names only its kind), no field's value or contents, and the
 * text goes through the PII scrubber before it is cut.
 */

/** What a click inside lands on for a person: the icon or the words inside a button name the button. */
const CONTROL =
  'a,button,label,summary,select,textarea,input,[role=button],[role=link],[role=tab],[role=menuitem],[role=checkbox],[role=option]';

/** Kinds by tag name and by input type; any other input type is a "<type> field". */
const KINDS: Record<string, string> = {
  a: 'link',
  button: 'button',
  submit: 'button',
  reset: 'button',
  image: 'image button',
  img: 'image',
  svg: 'icon',
  select: 'dropdown',
  textarea: 'text area',
  summary: 'disclosure',
  label: 'label',
  checkbox: 'checkbox',
  radio: 'radio button',
  range: 'slider',
};

/** Text gathered from a subtree, in collapsed characters, before it is scrubbed and cut: a container's whole text is not needed. */
const GATHER_CHARS = 200;

const isField = (element: Element) => /^(input|select|textarea)$/.test(element.localName);

/**
 * The text of a subtree without what no person reads as its name: options of a select, a textarea's contents,
 * scripts, and elements matching `hidden` (masked or blocked). Whole text nodes, whitespace collapsed, stopping
 * past GATHER_CHARS: an email or card number is never cut here, so the scrubber still recognises it.
 */
export function readableText(node: Node, hidden: string): string {
  let text = '';
  const walk = (parent: Node) => {
    // Sibling by sibling, not Array.from(childNodes): a container with thousands of children is left early, uncopied.
    for (let child = parent.firstChild; child && text.length <= GATHER_CHARS; child = child.nextSibling) {
      if (child.nodeType === Node.TEXT_NODE) text += (child.textContent || '').replace(/\s+/g, ' ');
      else if (child instanceof Element && !/^(select|textarea|option|script|style)$/.test(child.localName) && !child.matches(hidden)) {
        text += ' ';
        walk(child);
      }
    }
  };
  walk(node);
  return text;
}

function nameOf(element: Element, hidden: string): string {
  const attribute = (name: string) => element.getAttribute(name) || '';
  const readable = (node: Element | null | undefined) => (node && !node.closest(hidden) ? readableText(node, hidden) : '');
  const byIds = attribute('aria-labelledby')
    .split(/\s+/)
    .map((id) => readable(id ? element.ownerDocument.getElementById(id) : null))
    .join(' ');
  const field = isField(element);
  const value = element instanceof HTMLInputElement && /^(submit|button|reset)$/.test(element.type) ? element.value : '';
  const alt = element.querySelector('img[alt]')?.getAttribute('alt');
  return [
    attribute('aria-label'),
    byIds,
    field ? readable((element as HTMLInputElement).labels?.[0]) : '',
    value,
    field || /^(body|html)$/.test(element.localName) ? '' : readableText(element, hidden),
    attribute('alt') || alt || '',
    attribute('title'),
    attribute('placeholder'),
  ].find((text) => text.trim()) || '';
}

export function elementLabel(target: Element, privacy: Privacy): string {
  const element = target.closest(CONTROL) || target;
  const type = element instanceof HTMLInputElement ? element.type : '';
  const kind = element.getAttribute('role') || (type ? KINDS[type] || `${type} field` : KINDS[element.localName] || '');
  let text = privacy.isHidden(element) ? '' : scrubPII(nameOf(element, privacy.hiddenSelector).replace(/\s+/g, ' ').trim());
  if (text.length > ELEMENT_LABEL_TEXT_CHARS) text = `${text.slice(0, ELEMENT_LABEL_TEXT_CHARS - 1)}…`;
  return text ? `"${text}"${kind && ` ${kind}`}` : kind || element.localName;
}
