import { describe, expect, test } from 'vitest';
import { originsFromText } from '../../../viewer/src/lib/asset-settings-api.ts';

describe('viewer | asset origins text', () => {
  test('reads one origin a line, trimmed, without blank lines, repeats or trailing slashes', () => {
    expect(originsFromText('  https://cdn.shop.example/ \r\n\nhttps://img.shop.example\nhttps://cdn.shop.example\n')).toEqual([
      'https://cdn.shop.example',
      'https://img.shop.example',
    ]);
  });

  test('an empty or blank text is no origins', () => {
    expect(originsFromText('')).toEqual([]);
    expect(originsFromText(' \n\t\n')).toEqual([]);
  });
});
