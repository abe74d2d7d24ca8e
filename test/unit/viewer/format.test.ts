import { describe, expect, test } from 'vitest';
import { softwareLabel, urlPath } from '../../../viewer/src/lib/format.ts';

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

describe('viewer | browsers and systems', () => {
  test.each([
    ['Chrome', '131.0.0.0', 'Chrome 131'],
    ['Chrome', '131.0.6778.73', 'Chrome 131.0.6778.73'],
    ['iOS', '17.5', 'iOS 17.5'],
    ['Windows', '10', 'Windows 10'],
    ['Linux', '', 'Linux'],
    ['Other', '', 'Unknown'],
  ])('%s %s reads "%s"', (name, version, expected) => {
    expect(softwareLabel(name, version)).toBe(expected);
  });
});
