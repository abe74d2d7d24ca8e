import { describe, expect, test } from 'vitest';
import { matchesPagePattern } from '../../../server/analytics/page-key.ts';

describe('analytics | matchesPagePattern', () => {
  test.each([
    { url: 'https://shop.test/', pattern: '/', expected: true },
    { url: 'https://shop.test/?utm=1', pattern: '/', expected: true },
    { url: 'https://shop.test/cart', pattern: '/', expected: false },
    { url: 'https://shop.test/cart/', pattern: '/cart', expected: true },
    { url: 'https://shop.test/cart#top', pattern: '/cart', expected: true },
    { url: 'https://shop.test/product/123', pattern: '/product/*', expected: true },
    { url: 'https://shop.test/product/123', pattern: '/product/:id', expected: true },
    { url: 'https://shop.test/product/123/reviews', pattern: '/product/*', expected: false },
    { url: 'https://shop.test/blog/2024/05/hi', pattern: '/blog/**', expected: true },
    { url: 'https://shop.test/demo/product.html?id=4', pattern: '/demo/product.html', expected: true },
    { url: 'https://shop.test/demo/product.html', pattern: '/demo/p*.html', expected: true },
    { url: '/checkout', pattern: '/checkout', expected: true },
    { url: 'https://shop.test/demo/index.html', pattern: '/demo/', expected: true },
    { url: 'https://shop.test/demo/', pattern: '/demo/index.html', expected: true },
    { url: 'https://shop.test/index.php', pattern: '/', expected: true },
    { url: '', pattern: '/', expected: false },
    { url: 'https://shop.test/cart', pattern: '', expected: false },
  ])('$url against $pattern → $expected', ({ url, pattern, expected }) => {
    expect(matchesPagePattern(url, pattern)).toBe(expected);
  });
});
