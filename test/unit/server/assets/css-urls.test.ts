import { describe, expect, test } from 'vitest';
import { createAssetUrlMapper, proxyPath } from '../../../../server/assets/asset-urls.ts';
import { rewriteCss, rewriteSrcset } from '../../../../server/assets/css-urls.ts';

const CDN = 'https://cdn.shop.example';
const OTHER = 'https://tracker.example';
const SIGHTLINE = 'https://sightline.example';
const map = createAssetUrlMapper({ projectKey: 'demo', allowedOrigins: new Set([CDN]), ownOrigin: SIGHTLINE });
const proxied = (url: string) => proxyPath('demo', url);

describe('assets | asset URL mapping', () => {
  test('maps absolute URLs on an allowed origin to the proxy, with the project and the URL encoded', () => {
    expect(map(`${CDN}/img/a.png?v=2&w=3`)).toBe('/api/assets?project=demo&url=https%3A%2F%2Fcdn.shop.example%2Fimg%2Fa.png%3Fv%3D2%26w%3D3');
  });

  test.each([
    ['another host', `${OTHER}/a.png`],
    ['Sightline itself', `${SIGHTLINE}/demo/a.png`],
    ['a relative URL without a base', '/img/a.png'],
    ['a data URL', 'data:image/png;base64,AAAA'],
    ['a fragment', '#clip'],
    ['credentials in the URL', 'https://user:secret@cdn.shop.example/a.png'],
    ['another scheme', 'ftp://cdn.shop.example/a.png'],
    ['the allowed host on another port', 'https://cdn.shop.example:8443/a.png'],
  ])('leaves %s alone', (_name, url) => {
    expect(map(url)).toBeUndefined();
  });

  test('normalizes the origin before comparing (case, default port)', () => {
    expect(map('HTTPS://CDN.Shop.Example:443/a.png')).toBe(proxied(`${CDN}/a.png`));
  });
});

describe('assets | CSS url() and @import rewriting', () => {
  test.each([
    ['unquoted', `a{background:url(${CDN}/bg.png)}`],
    ['double quotes', `a{background:url("${CDN}/bg.png")}`],
    ['single quotes', `a{background:url('${CDN}/bg.png')}`],
    ['spaces inside the parentheses', `a{background:url(  "${CDN}/bg.png"  )}`],
    ['upper case URL(', `a{background:URL(${CDN}/bg.png)}`],
  ])('rewrites url() with %s', (_name, css) => {
    expect(rewriteCss(css, map)).toMatch(new RegExp(`^a\\{background:(?:url|URL)\\(\\s*"${escape(proxied(`${CDN}/bg.png`))}"\\s*\\)\\}$`));
  });

  test('rewrites @import with a string or url(), and several url()s in one rule', () => {
    const css = [
      `@import "${CDN}/base.css";`,
      `@import '${CDN}/print.css' print;`,
      `@import url(${CDN}/theme.css);`,
      `@font-face{src:url(${CDN}/f.woff2) format("woff2"),url('${CDN}/f.woff') format("woff")}`,
    ].join('\n');
    expect(rewriteCss(css, map)).toBe(
      [
        `@import "${proxied(`${CDN}/base.css`)}";`,
        `@import "${proxied(`${CDN}/print.css`)}" print;`,
        `@import url("${proxied(`${CDN}/theme.css`)}");`,
        `@font-face{src:url("${proxied(`${CDN}/f.woff2`)}") format("woff2"),url("${proxied(`${CDN}/f.woff`)}") format("woff")}`,
      ].join('\n'),
    );
  });

  test('leaves other hosts, data URLs and fragments alone, returning the same string', () => {
    const css = `a{background:url(${OTHER}/x.png)} b{mask:url(#m)} i{background:url("data:image/png;base64,AA==")} @import "${OTHER}/y.css";`;
    expect(rewriteCss(css, map)).toBe(css);
  });

  test('does not take a longer function name for url()', () => {
    const css = `a{--x:myurl(${CDN}/a.png)}`;
    expect(rewriteCss(css, map)).toBe(css);
  });

  test('finds URLs as the sanitizer does: image-set() strings, an escaped url( name, and no malformed url()', () => {
    const css = `a{background:image-set("${CDN}/a.png" 1x, url(${CDN}/b.png) 2x)} b{background:\\75 rl(${CDN}/c.png)} i{background:url(${CDN}/d e.png)}`;
    expect(rewriteCss(css, map)).toBe(
      `a{background:image-set("${proxied(`${CDN}/a.png`)}" 1x, url("${proxied(`${CDN}/b.png`)}") 2x)} ` +
        `b{background:url("${proxied(`${CDN}/c.png`)}")} i{background:url(${CDN}/d e.png)}`,
    );
  });

  test('reads CSS escapes in a URL as the browser does', () => {
    expect(rewriteCss(`a{background:url(${CDN}/a\\(1\\).png)}`, map)).toBe(`a{background:url("${proxied(`${CDN}/a(1).png`)}")}`);
  });

  test('resolves relative URLs against the stylesheet URL when one is given (CSS the proxy serves)', () => {
    const inSheet = createAssetUrlMapper({ projectKey: 'demo', allowedOrigins: new Set([CDN]), base: `${CDN}/css/site.css` });
    const css = `a{background:url(../img/bg.png)} b{background:url('/top.png')} @import "part.css"; i{background:url(//cdn.shop.example/p.png)} u{mask:url(#m)}`;
    expect(rewriteCss(css, inSheet)).toBe(
      `a{background:url("${proxied(`${CDN}/img/bg.png`)}")} b{background:url("${proxied(`${CDN}/top.png`)}")} ` +
        `@import "${proxied(`${CDN}/css/part.css`)}"; i{background:url("${proxied(`${CDN}/p.png`)}")} u{mask:url(#m)}`,
    );
  });

  test('a relative URL in a stylesheet that resolves to another host becomes absolute, so the CSP blocks it', () => {
    const inSheet = createAssetUrlMapper({ projectKey: 'demo', allowedOrigins: new Set([CDN]), base: `${OTHER}/site.css` });
    expect(rewriteCss('a{background:url(x.png)}', inSheet)).toBe(`a{background:url("${OTHER}/x.png")}`);
  });
});

describe('assets | srcset rewriting', () => {
  test('rewrites every candidate on an allowed host and keeps descriptors', () => {
    const srcset = `${CDN}/a-1x.png 1x, ${CDN}/a-2x.png 2x,${OTHER}/a-3x.png 3x`;
    expect(rewriteSrcset(srcset, map)).toBe(
      `${proxied(`${CDN}/a-1x.png`)} 1x, ${proxied(`${CDN}/a-2x.png`)} 2x, ${OTHER}/a-3x.png 3x`,
    );
  });

  test('keeps commas inside URLs and handles candidates without descriptors', () => {
    const srcset = `${CDN}/w_300,h_200/a.jpg 300w, ${CDN}/w_600,h_400/a.jpg 600w, ${CDN}/plain.jpg`;
    expect(rewriteSrcset(srcset, map)).toBe(
      `${proxied(`${CDN}/w_300,h_200/a.jpg`)} 300w, ${proxied(`${CDN}/w_600,h_400/a.jpg`)} 600w, ${proxied(`${CDN}/plain.jpg`)}`,
    );
  });

  test('returns the same string when no candidate is on an allowed host', () => {
    const srcset = `${OTHER}/a.png 1x,  ${OTHER}/b.png 2x`;
    expect(rewriteSrcset(srcset, map)).toBe(srcset);
  });
});

/** The text as a literal inside a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
