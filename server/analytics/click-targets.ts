/**
 * What kind of element a click hit, read from its tag and CSS selector only (the server never sees the live DOM).
 * Rage and dead click detection skip targets on which repeated or silent clicks are normal.
 *
 * Rules, first match wins:
 * 1. stepper: the selector names a `[data-sl-stepper]` anywhere (the store's explicit marker), or the target itself
 *    is `input[type=number]`, or the target's own id, classes or attributes hold a stepper word (increment,
 *    decrement, increase, decrease, inc, dec, plus, minus, stepper, spinner, qty, quantity): its whole job is to be
 *    clicked again and again.
 * 2. field: input (other than the types below), textarea, select, option: a click focuses or opens it.
 * 3. control: checkbox, radio, range, color and file inputs, video, audio, canvas, iframe, embed, object: repeated
 *    clicks are normal, and their response (a toggled property, a frame drawn) often leaves no DOM mutation.
 * 4. text: p, span, h1–h6, li, td, th, dd, dt, label, blockquote, pre, code, em, strong, b, small, mark,
 *    figcaption, caption: clicks there may be text selection. Not <i>, which is mostly an icon today, and not text
 *    whose selector path shows a link, button or summary (or role=button/link) around it: that is a control's label.
 * 5. background: html and body, a click on empty page.
 * 6. other: buttons, links, divs and everything else.
 */

export type ClickTargetKind = 'stepper' | 'field' | 'control' | 'text' | 'background' | 'other';

const STEPPER_WORDS: ReadonlySet<string> = new Set([
  'increment', 'decrement', 'increase', 'decrease', 'inc', 'dec',
  'plus', 'minus', 'stepper', 'spinner', 'qty', 'quantity',
]);
const BUTTON_INPUT_TYPES: ReadonlySet<string> = new Set(['button', 'submit', 'reset', 'image']);
const CONTROL_INPUT_TYPES: ReadonlySet<string> = new Set(['checkbox', 'radio', 'range', 'color', 'file']);
const FIELD_TAGS: ReadonlySet<string> = new Set(['input', 'textarea', 'select', 'option', 'optgroup']);
const CONTROL_TAGS: ReadonlySet<string> = new Set(['video', 'audio', 'canvas', 'iframe', 'embed', 'object']);
const TEXT_TAGS: ReadonlySet<string> = new Set([
  'p', 'span', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'td', 'th', 'dd', 'dt', 'label', 'blockquote', 'pre', 'code',
  'em', 'strong', 'b', 'small', 'mark', 'figcaption', 'caption',
]);
const INTERACTIVE_TAGS: ReadonlySet<string> = new Set(['a', 'button', 'summary']);
const BACKGROUND_TAGS: ReadonlySet<string> = new Set(['html', 'body']);

/** The selector's compounds, outermost first: `div.cart > button.plus` → `div.cart`, `button.plus`. */
export function compoundsOf(selector: string): string[] {
  const compounds: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  const cut = (end: number) => {
    const compound = selector.slice(start, end).trim();
    if (compound) compounds.push(compound);
  };
  for (let i = 0; i < selector.length; i++) {
    const char = selector[i];
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '[' || char === '(') depth++;
    else if (char === ']' || char === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (char === ' ' || char === '>' || char === '+' || char === '~')) {
      cut(i);
      start = i + 1;
    }
  }
  cut(selector.length);
  return compounds;
}

/** Words in ids, classes and attribute values, camelCase split: `#qtyPlus.btn` → qty, plus, btn. */
function wordsOf(compound: string): string[] {
  return compound
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * `[type=number]`, `[ type = "number" i ]`. The flag's spaces are `\s*(?:[is]\s*)?`, not `\s*[is]?\s*`: two
 * adjacent `\s*` would try every split of a long run of spaces, quadratic on a recorded (so untrusted) selector.
 */
const INPUT_TYPE = /\[\s*type\s*=\s*["']?([a-z-]+)["']?\s*(?:[is]\s*)?\]/i;

function inputTypeOf(compound: string): string {
  const match = INPUT_TYPE.exec(compound);
  return match ? match[1].toLowerCase() : '';
}

function leadingTag(compound: string): string {
  return /^[a-z][a-z0-9-]*/i.exec(compound)?.[0].toLowerCase() ?? '';
}

/** An ancestor in the selector path makes the target part of a control: the icon or label inside a button or link. */
function insideInteractive(ancestors: readonly string[]): boolean {
  return ancestors.some(
    (compound) => INTERACTIVE_TAGS.has(leadingTag(compound)) || /\[\s*role\s*=\s*["']?(button|link)\b/i.test(compound),
  );
}

export function classifyClickTarget(target: { selector: string; tag: string }): ClickTargetKind {
  const compounds = compoundsOf(target.selector);
  const compound = compounds[compounds.length - 1] ?? '';
  const tag = target.tag ? target.tag.toLowerCase() : leadingTag(compound);
  const inputType = tag === 'input' ? inputTypeOf(compound) : '';
  if (/\[\s*data-sl-stepper/i.test(target.selector) || inputType === 'number') return 'stepper';
  // The leading tag name is not part of the target's name, so it is dropped before looking for stepper words.
  if (wordsOf(compound.replace(/^[a-z][a-z0-9-]*/i, '')).some((word) => STEPPER_WORDS.has(word))) return 'stepper';
  if (tag === 'input' && BUTTON_INPUT_TYPES.has(inputType)) return 'other';
  if ((tag === 'input' && CONTROL_INPUT_TYPES.has(inputType)) || CONTROL_TAGS.has(tag)) return 'control';
  if (FIELD_TAGS.has(tag)) return 'field';
  if (TEXT_TAGS.has(tag)) return insideInteractive(compounds.slice(0, -1)) ? 'other' : 'text';
  if (BACKGROUND_TAGS.has(tag)) return 'background';
  return 'other';
}
