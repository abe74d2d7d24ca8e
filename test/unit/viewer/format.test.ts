import { describe, expect, test } from 'vitest';
import { urlPath } from '../../../viewer/src/lib/format.ts';

describe('viewer | URLs as paths', () => {
  test.each([
    ['the origin dropped', 'http://localhost:8787/demo/cart.html', '/demo/cart.html'],
    ['the root', 'https://shop.test', '/'],
    ['a short query kept', 'https://shop.test/search?q=lamp', '/search?q=lamp'],
    ['a hash route kept', 'https://shop.test/#/account', '/#/account'],
    ['a long query cut with an ellipsis', `https://shop.test/checkout?utm_source=${'x'.repeat(80)}`,
      `/checkout?utm_source=${'x'.repeat(60 - '/checkout?utm_source='.length - 1)}…`],
    ['a long path kept whole', `https://shop.test/${'p'.repeat(70)}?a=1`, `/${'p'.repeat(70)}?…`],
    ['what is no URL as it is', '/already/a/path', '/already/a/path'],
  ])('%s', (_, url, path) => {
    expect(urlPath(url)).toBe(path);
  });
});
