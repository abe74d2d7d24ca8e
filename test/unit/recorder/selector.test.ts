import { describe, expect, test } from 'vitest';
import { isGeneratedId } from '../../../recorder/selector.ts';

// cssSelector itself needs a DOM: test/e2e/recorder-selector.test.ts runs it in Chromium.
describe('recorder | isGeneratedId', () => {
  test.each([
    ['cart', false],
    ['add-to-cart', false],
    ['product-42', false],
    ['step2', false],
    ['ember1234', true],
    [':r1:', true],
    ['react-select-2-input', true],
    ['radix-:R1:', true],
    ['a1b2c3d4e5f6', true],
    ['1st-item', true],
    ['order-20240518', true],
    ['__next', true],
  ])('%s → %s', (id, generated) => {
    expect(isGeneratedId(id)).toBe(generated);
  });
});
