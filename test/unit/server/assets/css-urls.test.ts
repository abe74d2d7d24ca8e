import { describe, expect, test } from 'vitest';
import { createAssetUrlMapper, proxyPath } from '../../../../server/assets/asset-urls.ts';
import { rewriteCss, rewriteSrcset } from '../../../../server/assets/css-urls.ts';

const CDN = 'https://cdn.shop.example';
const OTHER = 'https://tracker.example';
const SIGHTLINE = 'https://sightline.example';
const KEY = 'unit-test-key';
const onCdn = (url: URL) => url.origin === CDN;
const map = createAssetUrlMapper({ projectKey: 'demo', accepts: onCdn, urlKey: KEY, ownOrigins: new Set([SIGHTLINE]) });
const proxied = (url: string) => proxyPath('demo', url, KEY);

describe('assets | asset URL mapping', () => {
  test('maps absolute URLs on an allowed origin to the proxy, with the project, the URL encoded and its signature', () => {
    expect(map(`${CDN}/img/a.png?v=2&w=3`)).toMatch(
      /^\/api\/assets\?project=demo&url=https%3A%2F%2Fcdn\.shop\.example%2Fimg%2Fa\.png%3Fv%3D2%26w%3D3&sig=[\w-]{22}$/,
    );
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
    const inSheet = createAssetUrlMapper({ projectKey: 'demo', accepts: onCdn, urlKey: KEY, base: `${CDN}/css/site.css` });
    const css = `a{background:url(../img/bg.png)} b{background:url('/top.png')} @import "part.css"; i{background:url(//cdn.shop.example/p.png)} u{mask:url(#m)}`;
    expect(rewriteCss(css, inSheet)).toBe(
      `a{background:url("${proxied(`${CDN}/img/bg.png`)}")} b{background:url("${proxied(`${CDN}/top.png`)}")} ` +
        `@import "${proxied(`${CDN}/css/part.css`)}"; i{background:url("${proxied(`${CDN}/p.png`)}")} u{mask:url(#m)}`,
    );
  });

  test('a relative URL in a stylesheet that resolves to another host becomes absolute, so the CSP blocks it', () => {
    const inSheet = createAssetUrlMapper({ projectKey: 'demo', accepts: onCdn, urlKey: KEY, base: `${OTHER}/site.css` });
    expect(rewriteCss('a{background:url(x.png)}', inSheet)).toBe(`a{background:url("${OTHER}/x.png")}`);
  });
});

describe('assets | CSS image-set()', () => {
  test.each([
    ['strings', `a{background-image:image-set("${CDN}/a.png" 1x, "${CDN}/a@2x.png" 2x)}`, (u: (path: string) => string) => `a{background-image:image-set("${u('/a.png')}" 1x, "${u('/a@2x.png')}" 2x)}`],
    ['single-quoted strings and the -webkit- prefix', `a{background:-webkit-image-set('${CDN}/a.png' 1x,'${CDN}/a@2x.png' 2x)}`, (u: (path: string) => string) => `a{background:-webkit-image-set("${u('/a.png')}" 1x,"${u('/a@2x.png')}" 2x)}`],
    ['url() candidates', `a{background:image-set(url(${CDN}/a.png) 1x, url("${CDN}/a@2x.png") 2x)}`, (u: (path: string) => string) => `a{background:image-set(url("${u('/a.png')}") 1x, url("${u('/a@2x.png')}") 2x)}`],
    ['type() strings, which are not URLs', `a{background:image-set("${CDN}/a.avif" type("image/avif"), "${CDN}/a.jpg" type("image/jpeg"))}`, (u: (path: string) => string) => `a{background:image-set("${u('/a.avif')}" type("image/avif"), "${u('/a.jpg')}" type("image/jpeg"))}`],
    ['a candidate on another host, left alone', `a{background:image-set("${OTHER}/a.png" 1x, "${CDN}/b.png" 2x)}`, (u: (path: string) => string) => `a{background:image-set("${OTHER}/a.png" 1x, "${u('/b.png')}" 2x)}`],
  ])('rewrites image-set() with %s', (_name, css, expected) => {
    expect(rewriteCss(css, map)).toBe(expected((path) => proxied(`${CDN}${path}`)));
  });

  test('a string outside image-set() is not a URL', () => {
    const css = `a::after{content:"${CDN}/a.png"} b{font-family:"${CDN}/font"} c{--x:my-image-set("${CDN}/a.png")}`;
    expect(rewriteCss(css, map)).toBe(css);
  });

  test('an image-set() left open at the end of the text ends the scan without error', () => {
    expect(rewriteCss(`a{background:image-set("${CDN}/a.png" 1x`, map)).toBe(`a{background:image-set("${proxied(`${CDN}/a.png`)}" 1x`);
  });
});

describe('assets | a font CDN: CSS on one host, fonts on another (public mode)', () => {
  const FONT_CSS = 'https://fonts.cssapi.example/css2?family=Brand';
  const FONT_FILES = 'https://fonts.files.example';
  const anyHost = createAssetUrlMapper({ projectKey: 'demo', accepts: () => true, urlKey: KEY, base: FONT_CSS, ownOrigins: new Set([SIGHTLINE]) });

  test('@font-face sources, absolute on the font host and relative to the CSS, all go through the proxy', () => {
    const css = [
      `@font-face{font-family:Brand;src:url(${FONT_FILES}/brand/v1/latin.woff2) format("woff2");unicode-range:U+0000-00FF}`,
      `@font-face{font-family:Brand;src:url(/s/brand/v1/ext.woff2) format("woff2"),url('../fallback.woff') format("woff")}`,
      `@font-face{font-family:Local;src:local("Brand"),url(data:font/woff2;base64,d09GMgAB) format("woff2")}`,
    ].join('\n');
    expect(rewriteCss(css, anyHost)).toBe(
      [
        `@font-face{font-family:Brand;src:url("${proxied(`${FONT_FILES}/brand/v1/latin.woff2`)}") format("woff2");unicode-range:U+0000-00FF}`,
        `@font-face{font-family:Brand;src:url("${proxied('https://fonts.cssapi.example/s/brand/v1/ext.woff2')}") format("woff2"),url("${proxied('https://fonts.cssapi.example/fallback.woff')}") format("woff")}`,
        `@font-face{font-family:Local;src:local("Brand"),url(data:font/woff2;base64,d09GMgAB) format("woff2")}`,
      ].join('\n'),
    );
  });

  test('an @import of a stylesheet on a third host is proxied too, so its own fonts follow when it is served', () => {
    expect(rewriteCss(`@import url("https://styles.third.example/theme.css");`, anyHost)).toBe(
      `@import url("${proxied('https://styles.third.example/theme.css')}");`,
    );
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
