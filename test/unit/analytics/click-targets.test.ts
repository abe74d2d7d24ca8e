import { describe, expect, test } from 'vitest';
import { classifyClickTarget, compoundsOf } from '../../../server/analytics/click-targets.ts';

describe('analytics | click targets', () => {
  test.each([
    { selector: 'input[type="number"]', tag: 'input', kind: 'stepper' },
    { selector: "#qty[type='NUMBER']", tag: 'input', kind: 'stepper' },
    { selector: '[data-sl-stepper] > button:nth-of-type(1)', tag: 'button', kind: 'stepper' },
    { selector: 'button.qty-minus', tag: 'button', kind: 'stepper' },
    { selector: '[data-testid="decrease-quantity"]', tag: 'button', kind: 'stepper' },
    { selector: '#quantityStepper', tag: 'div', kind: 'stepper' },
    { selector: '#email', tag: 'input', kind: 'field' },
    { selector: 'input[type=submit]', tag: 'input', kind: 'other' },
    { selector: 'input[type="radio"]', tag: 'input', kind: 'control' },
    { selector: '#country', tag: 'select', kind: 'field' },
    { selector: '#notes', tag: 'textarea', kind: 'field' },
    { selector: 'iframe.map', tag: 'iframe', kind: 'control' },
    { selector: 'article > p:nth-of-type(4)', tag: 'p', kind: 'text' },
    { selector: 'a.card > h3', tag: 'h3', kind: 'other' },
    { selector: 'div[role="button"] > span', tag: 'span', kind: 'other' },
    { selector: 'body', tag: 'body', kind: 'background' },
    { selector: '#add-to-cart', tag: 'button', kind: 'other' },
    { selector: '.fa-cart', tag: 'i', kind: 'other' },
    // Stepper words must be whole words of the target's own name, not of its ancestors or longer words.
    { selector: '.quantity-box > a.details', tag: 'a', kind: 'other' },
    { selector: '#decision', tag: 'button', kind: 'other' },
    // Tag unknown (rrweb fallback without a snapshot): read from the selector.
    { selector: 'select#size', tag: '', kind: 'field' },
    // The attribute's case flag, with or without spaces around it.
    { selector: 'input[type=number i]', tag: 'input', kind: 'stepper' },
    { selector: 'input[ type = "number"  s ]', tag: 'input', kind: 'stepper' },
    { selector: 'input[type=numberi]', tag: 'input', kind: 'field' },
  ])('$selector ($tag) → $kind', ({ selector, tag, kind }) => {
    expect(classifyClickTarget({ selector, tag })).toBe(kind);
  });

  test('compounds split at combinators outside brackets and quotes', () => {
    expect(compoundsOf('main  > ul.list li:nth-of-type(2) + a[title="a > b c"]')).toEqual([
      'main',
      'ul.list',
      'li:nth-of-type(2)',
      'a[title="a > b c"]',
    ]);
  });

  // Selectors come from recordings: an unclosed attribute with a long run of spaces took the regex this replaced
  // a minute on the first (two adjacent `\s*` split the run every way); one pass takes a millisecond, far inside the
  // timeout.
  test.each([
    { name: 'never closed', selector: `input[type=number${' '.repeat(300_000)}x`, kind: 'field' },
    { name: 'closed after the run', selector: `input[type=number${' '.repeat(300_000)}i]`, kind: 'stepper' },
  ])('classifies a hostile selector in one pass: $name', { timeout: 10_000 }, ({ selector, kind }) => {
    expect(classifyClickTarget({ selector, tag: 'input' })).toBe(kind);
  });
});
