import { describe, expect, test } from 'vitest';
import { acceptsAssetUrl, createAssetUrlMapper, type AssetHostPolicy } from '../../../../server/assets/asset-urls.ts';
import { assetUrlSignature, isAssetUrlSignature } from '../../../../server/assets/url-signature.ts';

const CDN = 'https://cdn.shop.example';
const STORE = 'https://shop.example';
const FONTS = 'https://fonts.cdn.example';

const policy = (mode: AssetHostPolicy['mode']): AssetHostPolicy => ({ mode, origins: [CDN], projectOrigins: [STORE] });

describe('assets | which URLs a mode lets the proxy fetch', () => {
  test.each<[AssetHostPolicy['mode'], string, boolean]>([
    ['public', `${FONTS}/brand.woff2`, true],
    ['public', `${CDN}/a.png`, true],
    // Judged by the outbound policy at fetch time, not here: the mapping never resolves a name.
    ['public', 'http://127.0.0.1:8080/a.png', true],
    ['proxy', `${CDN}/a.png`, true],
    ['proxy', `${STORE}/logo.svg`, true],
    ['proxy', `${FONTS}/brand.woff2`, false],
    ['proxy', 'https://cdn.shop.example:8443/a.png', false],
    ['block', `${CDN}/a.png`, false],
    ['block', `${STORE}/logo.svg`, false],
  ])('%s mode, %s: %s', (mode, url, accepted) => {
    expect(acceptsAssetUrl(policy(mode), new URL(url))).toBe(accepted);
  });
});

describe('assets | proxy URL signatures', () => {
  const key = 'installation-key';
  const url = `${CDN}/a.png`;

  test('a signature is 22 URL-safe characters and the same for the same key, project and URL', () => {
    expect(assetUrlSignature(key, 'shop', url)).toMatch(/^[\w-]{22}$/);
    expect(assetUrlSignature(key, 'shop', url)).toBe(assetUrlSignature(key, 'shop', url));
  });

  test.each<[string, string, string, string | undefined]>([
    ['another key', 'other-key', 'shop', assetUrlSignature(key, 'shop', url)],
    ['another project', key, 'shop-2', assetUrlSignature(key, 'shop', url)],
    ['another URL', key, 'shop', assetUrlSignature(key, 'shop', `${CDN}/b.png`)],
    ['no signature', key, 'shop', undefined],
    ['an empty one', key, 'shop', ''],
    ['one too long', key, 'shop', `${assetUrlSignature(key, 'shop', url)}A`],
    ['the full HMAC', key, 'shop', 'x'.repeat(43)],
  ])('does not accept a signature made with %s', (_name, checkKey, project, signature) => {
    expect(isAssetUrlSignature(checkKey, project, url, signature)).toBe(false);
  });

  test('accepts the signature the mapper puts into the proxy URL', () => {
    const map = createAssetUrlMapper({ projectKey: 'shop', accepts: () => true, urlKey: key });
    const query = new URLSearchParams(map(url)!.split('?')[1]);
    expect(query.get('project')).toBe('shop');
    expect(query.get('url')).toBe(url);
    expect(isAssetUrlSignature(key, 'shop', query.get('url')!, query.get('sig')!)).toBe(true);
  });
});
