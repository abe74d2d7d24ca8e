import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../support/browser.ts';

/** recorder/selector.ts runs in Chromium: it needs a real DOM, and node has none. */
const selectorModule = fileURLToPath(new URL('../../recorder/selector.ts', import.meta.url));

const PAGE = `<!doctype html><html><head><title>t</title></head><body>
  <header><nav><a href="/">Home</a><a href="/sale">Sale</a></nav></header>
  <main id="cart">
    <ul>
      <li><button>One</button></li>
      <li><button>Two</button></li>
      <li><span>text</span><button>Three</button><button>Three bis</button></li>
    </ul>
    <button data-testid='say "hi"'>Quoted test id</button>
    <button data-sl-id="checkout">Checkout</button>
    <div id="ember1234"><p>Generated id ancestor</p></div>
    <div id=":r1:"><p>React useId</p></div>
    <div id="a1b2c3d4e5f6"><p>Hash id</p></div>
    <div id="twin"><em>first twin</em></div><div id="twin"><em>second twin</em></div>
    <p id="price.total">Dotted id</p>
    <section><div><div><svg width="10" height="10"><path d="M0 0h10v10z"></path></svg></div></div></section>
  </main>
</body></html>`;

let browser: Browser;
let page: Page;
let selectorScript: string;

beforeAll(async () => {
  const [launched, bundle] = await Promise.all([
    launchChromium(),
    build({ entryPoints: [selectorModule], bundle: true, format: 'iife', globalName: 'SlSelector', write: false, target: 'es2019' }),
  ]);
  browser = launched;
  selectorScript = bundle.outputFiles[0].text;
  page = await browser.newPage();
  await page.setContent(PAGE, { waitUntil: 'domcontentloaded' });
  await page.addScriptTag({ content: selectorScript });
});
afterAll(async () => {
  await browser?.close();
});

declare global {
  interface Window {
    SlSelector: typeof import('../../recorder/selector.ts');
  }
}

const selectorOf = (target: string, index = 0) =>
  page.evaluate(([css, i]) => window.SlSelector.cssSelector(document.querySelectorAll(css as string)[i as number]), [target, index] as const);

describe('recorder | cssSelector', () => {
  test.each([
    ['a unique hand-written id', '#cart', '#cart'],
    ['nth-of-type path from the nearest id', '#cart li:nth-child(3) button:last-of-type', '#cart > ul > li:nth-of-type(3) > button:nth-of-type(2)'],
    ['only child of its tag needs no index', '#cart li:nth-child(1) button', '#cart > ul > li:nth-of-type(1) > button'],
    ['a unique data-testid, quotes escaped', '[data-testid]', '[data-testid="say \\"hi\\""]'],
    ['a unique data-sl-id', '[data-sl-id]', '[data-sl-id="checkout"]'],
    ['a path from body when nothing better exists', 'nav a:nth-child(2)', 'body > header > nav > a:nth-of-type(2)'],
    ['ember-style ids are skipped', '[id="ember1234"] p', '#cart > div:nth-of-type(1) > p'],
    ['React useId ids are skipped', '[id=":r1:"] p', '#cart > div:nth-of-type(2) > p'],
    ['hash-like ids are skipped', '[id="a1b2c3d4e5f6"] p', '#cart > div:nth-of-type(3) > p'],
    ['special characters in an id are escaped', '[id="price.total"]', '#price\\.total'],
    ['body itself', 'body', 'body'],
  ])('%s', async (_case, target, expected) => {
    expect(await selectorOf(target)).toBe(expected);
  });

  test('an id shared by two elements is not used', async () => {
    expect(await selectorOf('#twin em', 1)).toBe('#cart > div:nth-of-type(5) > em');
  });

  test('every element of the page gets a selector that finds exactly that element, the same every time', async () => {
    const problems = await page.evaluate(() => {
      const found: string[] = [];
      for (const element of Array.from(document.querySelectorAll('*'))) {
        const selector = window.SlSelector.cssSelector(element);
        const matches = Array.from(document.querySelectorAll(selector));
        if (matches.length !== 1 || matches[0] !== element) found.push(`${selector} → ${matches.length} matches`);
        if (window.SlSelector.cssSelector(element) !== selector) found.push(`${selector} is not deterministic`);
      }
      return found;
    });
    expect(problems).toEqual([]);
  });
});
