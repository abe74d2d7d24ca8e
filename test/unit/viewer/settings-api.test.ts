import { describe, expect, test } from 'vitest';
import { patternsFromText, patternsToText } from '../../../viewer/src/lib/settings-api.ts';

describe('viewer | page pattern text', () => {
  test('reads one pattern a line, trimmed, without blank lines or repeats', () => {
    expect(patternsFromText('  /product/*\r\n\n/blog/**  \n   \n/product/*\n/order/:id')).toEqual([
      '/product/*',
      '/blog/**',
      '/order/:id',
    ]);
  });

  test('an empty or blank text is no patterns', () => {
    expect(patternsFromText('')).toEqual([]);
    expect(patternsFromText(' \n\t\n')).toEqual([]);
  });

  test('writes one pattern a line and reads back the same list', () => {
    const patterns = ['/product/*', '/p-*', '/blog/**'];
    expect(patternsToText(patterns)).toBe('/product/*\n/p-*\n/blog/**');
    expect(patternsFromText(patternsToText(patterns))).toEqual(patterns);
  });
});
