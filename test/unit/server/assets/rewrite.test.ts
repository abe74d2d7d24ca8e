import { describe, expect, test } from 'vitest';
import { createAssetUrlMapper, proxyPath } from '../../../../server/assets/asset-urls.ts';
import { rewriteAssetUrls } from '../../../../server/assets/rewrite.ts';
import type { RecordedEvent } from '../../../../contract/protocol.ts';
import { loadValidCorpus } from '../../../helpers/corpus.ts';
import { el, text, type SnapshotNode as Node } from '../../../helpers/snapshot-nodes.ts';

const CDN = 'https://cdn.shop.example';
const OTHER = 'https://tracker.example';
const SIGHTLINE = 'https://sightline.example';
const KEY = 'unit-test-key';
const onCdn = (url: URL) => url.origin === CDN;
const map = createAssetUrlMapper({ projectKey: 'shop', accepts: onCdn, urlKey: KEY, ownOrigins: new Set([SIGHTLINE]) });
const p = (path: string) => proxyPath('shop', `${CDN}${path}`, KEY);

const snapshot = (head: Node[], body: Node[]): RecordedEvent => ({
  type: 2,
  timestamp: 2,
  data: {
    node: { type: 0, id: 1, childNodes: [el(2, 'html', {}, [el(3, 'head', {}, head), el(4, 'body', {}, body)])] },
    initialOffset: { left: 0, top: 0 },
  },
});
const incremental = (data: Record<string, unknown>, timestamp = 3): RecordedEvent => ({ type: 3, timestamp, data });
const mutation = (data: Record<string, unknown>): RecordedEvent =>
  incremental({ source: 0, texts: [], attributes: [], removes: [], adds: [], ...data });

/** Head and body children of a full snapshot built by `snapshot`. */
function partsOf(event: RecordedEvent): { head: Node[]; body: Node[] } {
  const html = ((event.data as Node).node as { childNodes: Node[] }).childNodes[0] as { childNodes: Node[] };
  const [head, body] = html.childNodes as Array<{ childNodes: Node[] }>;
  return { head: head!.childNodes, body: body!.childNodes };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const rewrite = (events: RecordedEvent[]) => rewriteAssetUrls(deepFreeze(events), map);

describe('assets | rewriting a full snapshot', () => {
  test('points every asset attribute kind on an allowed origin at the proxy', () => {
    const event = snapshot(
      [
        el(10, 'link', { rel: 'stylesheet', href: `${CDN}/site.css` }),
        el(11, 'link', { rel: 'shortcut icon', href: `${CDN}/favicon.ico` }),
        el(12, 'link', { rel: 'preload', as: 'image', href: `${CDN}/hero.png`, imagesrcset: `${CDN}/hero.png 1x, ${CDN}/hero@2x.png 2x` }),
        el(13, 'style', { _cssText: `@import url("${CDN}/theme.css"); body { background: url("${CDN}/bg.png"); }` }),
        el(14, 'style', {}, [text(15, `h1 { background: url(${CDN}/h1.png) }`, { isStyle: true })]),
      ],
      [
        el(20, 'img', { src: `${CDN}/a.png`, srcset: `${CDN}/a.png 1x, ${CDN}/a@2x.png 2x` }),
        el(21, 'picture', {}, [el(22, 'source', { srcset: `${CDN}/a.webp 1x, ${CDN}/a@2x.webp 2x`, type: 'image/webp' })]),
        el(23, 'video', { poster: `${CDN}/poster.jpg` }),
        el(24, 'div', { style: `background-image: url('${CDN}/tile.png'); color: red` }),
        el(25, 'table', { background: `${CDN}/table.gif` }),
        { ...el(26, 'svg', {}, [{ ...el(27, 'image', { href: `${CDN}/vector.png` }), isSVG: true }]), isSVG: true },
        el(28, 'input', { type: 'image', src: `${CDN}/button.png` }),
      ],
    );
    const { head, body } = partsOf(rewrite([event])[0]!);
    expect(head.map((node) => node.attributes)).toEqual([
      { rel: 'stylesheet', href: p('/site.css') },
      { rel: 'shortcut icon', href: p('/favicon.ico') },
      { rel: 'preload', as: 'image', href: p('/hero.png'), imagesrcset: `${p('/hero.png')} 1x, ${p('/hero@2x.png')} 2x` },
      { _cssText: `@import url("${p('/theme.css')}"); body { background: url("${p('/bg.png')}"); }` },
      {},
    ]);
    expect((head[4]!.childNodes as Node[])[0]!.textContent).toBe(`h1 { background: url("${p('/h1.png')}") }`);
    expect(body[0]!.attributes).toEqual({ src: p('/a.png'), srcset: `${p('/a.png')} 1x, ${p('/a@2x.png')} 2x` });
    expect((body[1]!.childNodes as Node[])[0]!.attributes).toEqual({ srcset: `${p('/a.webp')} 1x, ${p('/a@2x.webp')} 2x`, type: 'image/webp' });
    expect(body[2]!.attributes).toEqual({ poster: p('/poster.jpg') });
    expect(body[3]!.attributes).toEqual({ style: `background-image: url("${p('/tile.png')}"); color: red` });
    expect(body[4]!.attributes).toEqual({ background: p('/table.gif') });
    expect((body[5]!.childNodes as Node[])[0]!.attributes).toEqual({ href: p('/vector.png') });
    expect(body[6]!.attributes).toEqual({ type: 'image', src: p('/button.png') });
  });

  test('leaves other hosts, Sightline itself, plain links and non-asset link rels alone', () => {
    const head = [el(10, 'link', { rel: 'canonical', href: `${CDN}/product/1` }), el(11, 'link', { rel: 'stylesheet', href: `${OTHER}/x.css` })];
    const body = [
      el(20, 'img', { src: `${OTHER}/pixel.gif`, srcset: `${OTHER}/a.png 1x` }),
      el(21, 'img', { src: `${SIGHTLINE}/demo/shirt.png` }),
      el(22, 'a', { href: `${CDN}/sale.png` }, [text(23, `url(${CDN}/in-text.png)`)]),
      el(24, 'div', { style: `background: url(${OTHER}/bg.png)`, 'data-src': `${CDN}/lazy.png` }),
      el(25, 'iframe', { src: `${CDN}/widget.html` }),
    ];
    const events = [snapshot(head, body)];
    const [out] = rewrite(events);
    // Nothing to rewrite: the very same event object comes back.
    expect(out).toBe(events[0]);
  });
});

describe('assets | rewriting incremental events', () => {
  const base = snapshot(
    [el(10, 'link', { rel: 'stylesheet', href: `${OTHER}/x.css` }), el(11, 'style', {}, [text(12, '', { isStyle: true })])],
    [el(20, 'img', { src: `${OTHER}/a.png` }), el(21, 'a', { href: '/' })],
  );

  test('rewrites added nodes and attribute changes, by the tag seen earlier', () => {
    const change = mutation({
      adds: [
        { parentId: 4, nextId: null, node: el(30, 'img', { src: `${CDN}/added.png`, srcset: `${CDN}/added.png 1x, ${CDN}/added@2x.png 2x` }) },
        { parentId: 4, nextId: null, node: el(31, 'style', {}, [text(32, `p{background:url(${CDN}/p.png)}`)]) },
      ],
      attributes: [
        { id: 20, attributes: { src: `${CDN}/b.png` } },
        { id: 10, attributes: { href: `${CDN}/site.css` } },
        { id: 21, attributes: { href: `${CDN}/not-an-asset` } },
        { id: 4, attributes: { style: `background:url("${CDN}/body.png")` } },
        { id: 99, attributes: { style: { 'background-image': `url(${CDN}/diff.png)`, color: 'red', border: false, mask: [`url(${CDN}/m.svg)`, 'important'] } } },
        { id: 98, attributes: { src: `${CDN}/unknown.png`, href: `${CDN}/unknown-href.png` } },
      ],
      texts: [
        { id: 12, value: `b{background:url(${CDN}/style-text.png)}` },
        { id: 32, value: `i{background:url(${CDN}/added-style-text.png)}` },
        { id: 23, value: `url(${CDN}/plain-text.png)` },
      ],
    });
    const [, out] = rewrite([base, change]);
    const data = out!.data as { adds: Array<{ node: Node }>; attributes: Node[]; texts: Node[] };
    expect(data.adds[0]!.node.attributes).toEqual({ src: p('/added.png'), srcset: `${p('/added.png')} 1x, ${p('/added@2x.png')} 2x` });
    expect((data.adds[1]!.node.childNodes as Node[])[0]!.textContent).toBe(`p{background:url("${p('/p.png')}")}`);
    expect(data.attributes).toEqual([
      { id: 20, attributes: { src: p('/b.png') } },
      { id: 10, attributes: { href: p('/site.css') } },
      { id: 21, attributes: { href: `${CDN}/not-an-asset` } },
      { id: 4, attributes: { style: `background:url("${p('/body.png')}")` } },
      { id: 99, attributes: { style: { 'background-image': `url("${p('/diff.png')}")`, color: 'red', border: false, mask: [`url("${p('/m.svg')}")`, 'important'] } } },
      // An element not seen in these events: src is an asset wherever it appears, href may be a plain link.
      { id: 98, attributes: { src: p('/unknown.png'), href: `${CDN}/unknown-href.png` } },
    ]);
    expect(data.texts).toEqual([
      { id: 12, value: `b{background:url("${p('/style-text.png')}")}` },
      { id: 32, value: `i{background:url("${p('/added-style-text.png')}")}` },
      { id: 23, value: `url(${CDN}/plain-text.png)` },
    ]);
  });

  test('rewrites stylesheet-rule, style-declaration, adopted-stylesheet and font events', () => {
    const events = [
      incremental({ source: 8, id: 11, adds: [{ rule: `a{background:url(${CDN}/rule.png)}`, index: 0 }], removes: [{ index: 3 }] }),
      incremental({ source: 8, styleId: 1, replace: `@import "${CDN}/replace.css";` }),
      incremental({ source: 8, styleId: 2, replaceSync: `b{background:url('${CDN}/sync.png')}` }),
      incremental({ source: 13, id: 11, index: [0], set: { property: 'background', value: `url(${CDN}/decl.png)`, priority: '' } }),
      incremental({ source: 15, id: 1, styleIds: [1], styles: [{ styleId: 1, rules: [{ rule: `c{background:url(${CDN}/adopted.png)}` }] }] }),
      incremental({ source: 10, family: 'Brand', fontSource: `url(${CDN}/brand.woff2)`, buffer: false }),
      incremental({ source: 10, family: 'Inline', fontSource: '[119,79,70,50]', buffer: true }),
    ];
    const out = rewrite(events).map((event) => event.data);
    expect(out).toEqual([
      { source: 8, id: 11, adds: [{ rule: `a{background:url("${p('/rule.png')}")}`, index: 0 }], removes: [{ index: 3 }] },
      { source: 8, styleId: 1, replace: `@import "${p('/replace.css')}";` },
      { source: 8, styleId: 2, replaceSync: `b{background:url("${p('/sync.png')}")}` },
      { source: 13, id: 11, index: [0], set: { property: 'background', value: `url("${p('/decl.png')}")`, priority: '' } },
      { source: 15, id: 1, styleIds: [1], styles: [{ styleId: 1, rules: [{ rule: `c{background:url("${p('/adopted.png')}")}` }] }] },
      { source: 10, family: 'Brand', fontSource: `url("${p('/brand.woff2')}")`, buffer: false },
      { source: 10, family: 'Inline', fontSource: '[119,79,70,50]', buffer: true },
    ]);
  });

  test('a lazy-loaded image: src and srcset set by attribute mutation, on img, picture source and unseen nodes', () => {
    const page = snapshot(
      [],
      [
        el(40, 'img', { class: 'lazy', 'data-src': `${CDN}/lazy.png`, src: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' }),
        el(41, 'picture', {}, [el(42, 'source', { 'data-srcset': `${CDN}/lazy.webp 1x`, type: 'image/webp' }), el(43, 'img', {})]),
      ],
    );
    const loaded = mutation({
      attributes: [
        { id: 40, attributes: { src: `${CDN}/lazy.png`, srcset: `${CDN}/lazy.png 1x, ${CDN}/lazy@2x.png 2x`, class: 'lazy loaded' } },
        { id: 42, attributes: { srcset: `${CDN}/lazy.webp 1x, ${CDN}/lazy@2x.webp 2x` } },
        { id: 43, attributes: { src: `${CDN}/lazy.jpg` } },
        // A node added and filled in after these events began (another page of events): judged by the attribute.
        { id: 77, attributes: { srcset: `${CDN}/later.png 1x` } },
      ],
    });
    const [first, out] = rewrite([page, loaded]);
    // The data-* attributes a lazy loader reads are not URLs the page loads: left as recorded.
    expect(partsOf(first!).body[0]!.attributes).toEqual({ class: 'lazy', 'data-src': `${CDN}/lazy.png`, src: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' });
    expect((out!.data as { attributes: Node[] }).attributes).toEqual([
      { id: 40, attributes: { src: p('/lazy.png'), srcset: `${p('/lazy.png')} 1x, ${p('/lazy@2x.png')} 2x`, class: 'lazy loaded' } },
      { id: 42, attributes: { srcset: `${p('/lazy.webp')} 1x, ${p('/lazy@2x.webp')} 2x` } },
      { id: 43, attributes: { src: p('/lazy.jpg') } },
      { id: 77, attributes: { srcset: `${p('/later.png')} 1x` } },
    ]);
  });

  test('image-set() in a style attribute, in a snapshot and by mutation', () => {
    const page = snapshot([], [el(50, 'div', { style: `background-image: image-set("${CDN}/hero.png" 1x, "${CDN}/hero@2x.png" 2x)` })]);
    const change = mutation({ attributes: [{ id: 50, attributes: { style: { 'background-image': `-webkit-image-set("${CDN}/sale.png" 1x)` } } }] });
    const [first, out] = rewrite([page, change]);
    expect(partsOf(first!).body[0]!.attributes).toEqual({ style: `background-image: image-set("${p('/hero.png')}" 1x, "${p('/hero@2x.png')}" 2x)` });
    expect((out!.data as { attributes: Node[] }).attributes).toEqual([{ id: 50, attributes: { style: { 'background-image': `-webkit-image-set("${p('/sale.png')}" 1x)` } } }]);
  });

  test('forgets the tags it learnt at each full snapshot (rrweb reuses ids)', () => {
    const second = snapshot([], [el(10, 'a', { href: '/' })]);
    const change = mutation({ attributes: [{ id: 10, attributes: { href: `${CDN}/site.css` } }] });
    const [, , out] = rewrite([base, second, change]);
    expect((out!.data as { attributes: Node[] }).attributes).toEqual([{ id: 10, attributes: { href: `${CDN}/site.css` } }]);
  });
});

describe('assets | the stored events stay as they are', () => {
  test('never modifies its input and shares every event it does not change', () => {
    const events = [
      { type: 4, timestamp: 1, data: { href: `${CDN}/page`, width: 1280, height: 800 } },
      snapshot([], [el(20, 'img', { src: `${CDN}/a.png` }), el(21, 'p', {}, [text(22, 'Hello')])]),
      incremental({ source: 1, positions: [{ x: 1, y: 2, id: 20, timeOffset: 0 }] }),
      mutation({ attributes: [{ id: 20, attributes: { src: `${CDN}/b.png` } }] }),
    ];
    const before = JSON.stringify(events);
    // Frozen: any write into the input would throw.
    const out = rewrite(events);
    expect(JSON.stringify(events)).toBe(before);
    expect(out).not.toBe(events);
    expect(out[0]).toBe(events[0]);
    expect(out[2]).toBe(events[2]);
    expect(out[1]).not.toBe(events[1]);
    // Untouched subtrees are shared, not copied.
    expect(partsOf(out[1]!).body[1]).toBe(partsOf(events[1]!).body[1]);
    expect(JSON.stringify(out)).not.toContain(`"${CDN}/a.png"`);
    expect(JSON.stringify(out)).not.toContain(`"${CDN}/b.png"`);
  });
});

describe('assets | real rrweb recordings', () => {
  test('every corpus stream rewrites without error, keeping its events, and a script src is never proxied', () => {
    // The corpus pages load scripts from these hosts; with them allowed, only asset attributes may change.
    const hosts = new Set(['https://cdn.jsdelivr.net', 'http://localhost:3030']);
    const corpusMap = createAssetUrlMapper({ projectKey: 'shop', accepts: (url) => hosts.has(url.origin), urlKey: KEY });
    for (const { name, events } of loadValidCorpus()) {
      const out = rewriteAssetUrls(deepFreeze(events), corpusMap);
      expect(out.map((event) => [event.type, event.timestamp]), name).toEqual(events.map((event) => [event.type, event.timestamp]));
      const json = JSON.stringify(out);
      expect(json, name).not.toMatch(/"tagName":"script","attributes":\{[^}]*"src":"\/api\/assets/);
      if (name.endsWith('dynamic-css.json')) expect(json).toContain('"src":"https://cdn.jsdelivr.net/npm/react@16/umd/react.production.min.js"');
    }
  });
});
