import { describe, expect, test } from 'vitest';
import { isIdLikeSegment, pageKey } from '../../../server/analytics/page-key.ts';

describe('analytics | page key', () => {
  test.each([
    { url: 'https://shop.test/product/123', key: '/product/:id' },
    { url: 'https://shop.test/product/456?color=red#reviews', key: '/product/:id' },
    { url: 'https://shop.test/', key: '/' },
    { url: 'https://shop.test', key: '/' },
    { url: 'https://shop.test/cart/', key: '/cart' },
    { url: 'https://shop.test/cart///', key: '/cart' },
    { url: '/checkout?step=2', key: '/checkout' },
    { url: 'checkout/shipping', key: '/checkout/shipping' },
    { url: 'https://shop.test/order/3f2504e0-4f89-11d3-9a0c-0305e82c3301/status', key: '/order/:id/status' },
    { url: 'https://shop.test/cart/5f1e8d2c9b7a', key: '/cart/:id' },
    { url: 'https://shop.test/u/a1B2c3D4e5F6g7H8', key: '/u/:id' },
    { url: 'https://shop.test/blog/2024/05/summer-sale-2024-collection', key: '/blog/:id/:id/summer-sale-2024-collection' },
    { url: 'https://shop.test/tag/deadbeef', key: '/tag/deadbeef' },
    { url: 'https://shop.test/p/shoes4kids', key: '/p/shoes4kids' },
    { url: 'https://shop.test/demo/index.html', key: '/demo' },
    { url: 'https://shop.test/demo/index.htm?ref=mail', key: '/demo' },
    { url: 'https://shop.test/demo/INDEX.HTML', key: '/demo' },
    { url: 'https://shop.test/blog/index.php#top', key: '/blog' },
    { url: 'https://shop.test/index.html', key: '/' },
    { url: 'https://shop.test/demo//index.html', key: '/demo' },
    { url: 'https://shop.test/demo/index.html/', key: '/demo' },
    { url: 'https://shop.test/demo/index.json', key: '/demo/index.json' },
    { url: 'https://shop.test/demo/myindex.html', key: '/demo/myindex.html' },
    { url: 'https://shop.test/index.html/more', key: '/index.html/more' },
    { url: 'about:blank', key: 'about:blank' },
    { url: '', key: '' },
  ])('$url → $key', ({ url, key }) => {
    expect(pageKey(url)).toBe(key);
  });

  test('/demo, /demo/ and /demo/index.html share a key', () => {
    const keys = ['/demo', '/demo/', '/demo/index.html', 'https://shop.test/demo/index.html?x=1'].map((url) => pageKey(url));
    expect(new Set(keys)).toEqual(new Set(['/demo']));
  });

  test('/product/123 and /product/456 share a key', () => {
    expect(pageKey('https://shop.test/product/123')).toBe(pageKey('https://shop.test/product/456'));
  });

  test.each([
    { patterns: ['/product/*'], url: 'https://shop.test/product/blue-shirt', key: '/product/*' },
    { patterns: ['/product/*'], url: 'https://shop.test/product/blue-shirt/reviews', key: '/product/blue-shirt/reviews' },
    { patterns: ['/product/*/'], url: '/product/123', key: '/product/*' },
    { patterns: ['/p-*'], url: '/p-blue-shirt', key: '/p-*' },
    { patterns: ['/shop/:category/:slug'], url: '/shop/shoes/runner-2', key: '/shop/:category/:slug' },
    { patterns: ['/blog/**'], url: '/blog', key: '/blog/**' },
    { patterns: ['/blog/**'], url: '/blog/2024/05/hello', key: '/blog/**' },
    { patterns: ['/**'], url: '/', key: '/**' },
    { patterns: ['/cart'], url: 'https://shop.test/cart/?coupon=x', key: '/cart' },
    { patterns: ['/a.b'], url: '/aXb', key: '/aXb' },
    // Over MAX_PATH_SEGMENTS (64) segments no pattern holds the path; its id-like segments still collapse.
    { patterns: ['/**'], url: '/x'.repeat(64), key: '/**' },
    { patterns: ['/**'], url: '/1'.repeat(65), key: '/:id'.repeat(65) },
    { patterns: ['/product/*', '/product/**'], url: '/product/1/2', key: '/product/**' },
    { patterns: ['/product/**', '/product/*'], url: '/product/1', key: '/product/**' },
    { patterns: ['/demo'], url: '/demo/index.html', key: '/demo' },
    { patterns: ['/shop/*'], url: '/shop/index.php', key: '/shop' },
  ])('patterns $patterns: $url → $key', ({ patterns, url, key }) => {
    expect(pageKey(url, patterns)).toBe(key);
  });

  test.each([
    ['123', true],
    ['3F2504E0-4F89-11D3-9A0C-0305E82C3301', true],
    ['0123abcd', true],
    ['0123abc', false],
    ['abcdefab', false],
    ['abc123def456ghi7', true],
    ['abc123def456ghi', false],
    ['abcdefghijklmnopq', false],
    ['red-shirt-2024-limited-x', false],
    ['', false],
  ])('%s is id-like: %s', (segment, idLike) => {
    expect(isIdLikeSegment(segment)).toBe(idLike);
  });
});
