import { describe, expect, test } from 'vitest';
import { sanitizeEvents, type SanitizeCounts } from '../../../../server/ingest/sanitize.ts';
import type { RecordedEvent } from '../../../../contract/protocol.ts';
import { loadValidCorpus } from '../../../helpers/corpus.ts';
import { bodyOf, el, mutation, snapshot, text, type SnapshotNode as Node } from '../../../helpers/snapshot-nodes.ts';

const comment = (id: number): Node => ({ type: 5, textContent: '', id });
const none: SanitizeCounts = { elements: 0, attributes: 0, urls: 0, css: 0, mutations: 0 };
/** Ways to write http-equiv=refresh that a browser (or a lenient engine) may still obey. */
const REFRESH_SPELLINGS: Array<[string, string]> = [
  ['http-equiv', 'refresh'],
  ['HTTP-EQUIV', 'Refresh'],
  [' http-equiv ', ' REFRESH '],
  ['Http-Equiv', '\trefresh\n'],
  ['http-equiv', '&#114;efresh'],
  ['http-equiv', '&#x52;EFRESH'],
  ['http-equiv', 're&shy;fresh'],
  ['http-equiv', 'r\u0000efresh;'],
];

describe('ingest | sanitize: elements in snapshots', () => {
  test.each<{ name: string; node: Node; counts: Partial<SanitizeCounts> }>([
    { name: 'script', node: el(10, 'script', { src: 'https://evil/x.js' }, [text(11, 'alert(1)')]), counts: { elements: 1 } },
    { name: 'SCRIPT in capitals', node: el(10, 'SCRIPT', {}, [text(11, 'alert(1)')]), counts: { elements: 1 } },
    { name: 'SVG script with a prefix', node: el(10, 'svg:script', {}, []), counts: { elements: 1 } },
    { name: 'script with spaces around the tag', node: el(10, ' script ', {}, []), counts: { elements: 1 } },
    { name: 'base', node: el(10, 'base', { href: 'https://evil/' }), counts: { elements: 1 } },
    ...REFRESH_SPELLINGS.map(([key, value]) => ({
      name: `meta with ${JSON.stringify(key)}: ${JSON.stringify(value)}`,
      node: el(10, 'meta', { [key]: value, content: '0;url=https://evil/' }),
      counts: { elements: 1 },
    })),
  ])('replaces $name by an empty comment with the same id', ({ node, counts }) => {
    const result = sanitizeEvents([snapshot(el(9, 'p'), node, el(12, 'p'))]);
    expect(bodyOf(result.events[0]!)).toEqual([el(9, 'p'), comment(10), el(12, 'p')]);
    expect(result.counts).toEqual({ ...none, ...counts });
    expect(result.changed).toBe(true);
  });

  test('keeps other meta elements and noscript-free markup as they are, returning the same array', () => {
    const events = [snapshot(el(10, 'meta', { charset: 'utf-8' }), el(11, 'a', { href: 'https://shop.example/' }))];
    const result = sanitizeEvents(events);
    expect(result.events).toBe(events);
    expect(result).toMatchObject({ changed: false, counts: none });
  });

  test('finds scripts nested 50 000 levels deep without overflowing the stack', () => {
    const levels = 50_000;
    let deepest: Node = el(100_000, 'script', {}, [text(100_001, 'alert(1)')]);
    for (let level = levels - 1; level >= 0; level--) deepest = el(level + 10, 'div', {}, [deepest]);
    const result = sanitizeEvents([snapshot(deepest)]);
    expect(result.counts).toEqual({ ...none, elements: 1 });
    let node = bodyOf(result.events[0]!)[0]!;
    for (let level = 0; level < levels; level++) node = (node.childNodes as Node[])[0]!;
    expect(node).toEqual(comment(100_000));
  });

  test('keeps a __proto__ key a plain key in the copy', () => {
    const events = JSON.parse(
      '[{"type":2,"timestamp":1,"data":{"node":{"type":2,"tagName":"a","id":1,"childNodes":[],"attributes":{"__proto__":{"polluted":true},"onclick":"x()"}}}}]',
    ) as RecordedEvent[];
    const attributes = (((sanitizeEvents(events).events[0]!.data as Node).node as Node).attributes ?? {}) as Node;
    expect(Object.keys(attributes)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(({} as Node).polluted).toBeUndefined();
  });

  test('never changes its input', () => {
    const events = [snapshot(el(10, 'script', {}, [text(11, 'alert(1)')]), el(12, 'a', { onclick: 'x()' }))];
    const before = structuredClone(events);
    sanitizeEvents(events);
    expect(events).toStrictEqual(before);
  });
});

describe('ingest | sanitize: attributes in snapshots', () => {
  test.each<{ name: string; tag: string; attributes: Record<string, unknown>; kept: Record<string, unknown>; counts: Partial<SanitizeCounts> }>([
    { name: 'onclick', tag: 'button', attributes: { onclick: 'alert(1)', id: 'b' }, kept: { id: 'b' }, counts: { attributes: 1 } },
    { name: 'onerror and onload', tag: 'img', attributes: { onerror: 'x()', ONLOAD: 'y()', alt: '' }, kept: { alt: '' }, counts: { attributes: 2 } },
    { name: 'iframe srcdoc', tag: 'iframe', attributes: { srcdoc: '<script>alert(1)</script>' }, kept: {}, counts: { attributes: 1 } },
    { name: 'javascript: href', tag: 'a', attributes: { href: 'javascript:alert(1)' }, kept: {}, counts: { urls: 1 } },
    { name: 'javascript: with tabs and case', tag: 'a', attributes: { href: ' JaVa\tScRiPt:alert(1)' }, kept: {}, counts: { urls: 1 } },
    { name: 'vbscript: href', tag: 'a', attributes: { href: 'vbscript:msgbox(1)' }, kept: {}, counts: { urls: 1 } },
    { name: 'data:text/html src', tag: 'iframe', attributes: { src: 'data:text/html,<script>alert(1)</script>' }, kept: {}, counts: { urls: 1 } },
    { name: 'SVG data URL in an embed', tag: 'embed', attributes: { src: 'data:image/svg+xml,<svg onload=alert(1)>' }, kept: {}, counts: { urls: 1 } },
    { name: 'form action', tag: 'form', attributes: { action: 'javascript:alert(1)', method: 'post' }, kept: { method: 'post' }, counts: { urls: 1 } },
    { name: 'button formaction', tag: 'button', attributes: { formaction: 'javascript:alert(1)' }, kept: {}, counts: { urls: 1 } },
    { name: 'xlink:href', tag: 'a', attributes: { 'xlink:href': 'javascript:alert(1)' }, kept: {}, counts: { urls: 1 } },
    {
      name: 'a bad srcset candidate',
      tag: 'img',
      attributes: { srcset: 'https://cdn/a.png 1x, javascript:alert(1) 2x' },
      kept: { srcset: 'https://cdn/a.png 1x' },
      counts: { urls: 1 },
    },
    {
      name: 'style url(javascript:)',
      tag: 'div',
      attributes: { style: 'background: url("javascript:alert(1)")' },
      kept: { style: 'background: url("about:invalid")' },
      counts: { css: 1 },
    },
    {
      name: '_cssText with expression()',
      tag: 'style',
      attributes: { _cssText: 'p { width: expression(alert(1)); }' },
      kept: { _cssText: 'p { width: blocked(alert(1)); }' },
      counts: { css: 1 },
    },
  ])('removes $name', ({ tag, attributes, kept, counts }) => {
    const result = sanitizeEvents([snapshot(el(10, tag, attributes))]);
    expect(bodyOf(result.events[0]!)[0]).toEqual(el(10, tag, kept));
    expect(result.counts).toEqual({ ...none, ...counts });
  });

  test.each<{ name: string; attributes: Record<string, unknown> }>([
    { name: 'https links', attributes: { href: 'https://shop.example/cart?x=javascript:' } },
    { name: 'relative links', attributes: { href: '/checkout' } },
    { name: 'image data URLs', attributes: { src: 'data:image/png;base64,AAAA' } },
    { name: 'SVG images', attributes: { src: 'data:image/svg+xml,<svg/>' } },
    { name: 'rrweb attributes', attributes: { rr_width: '10px', rr_dataURL: 'data:image/png;base64,AA', _cssText: 'p{color:red}' } },
    { name: 'benign style urls', attributes: { style: 'background:url(/img/a.png)' } },
  ])('keeps $name', ({ attributes }) => {
    const events = [snapshot(el(10, 'img', attributes))];
    expect(sanitizeEvents(events).events).toBe(events);
  });
});

describe('ingest | sanitize: mutations', () => {
  test('replaces an added script and drops later adds into it and attribute changes on it', () => {
    const events = [
      mutation({ adds: [{ parentId: 3, nextId: null, node: el(20, 'script', {}, [text(21, 'alert(1)')]) }] }),
      mutation({
        adds: [
          { parentId: 20, nextId: null, node: text(22, 'fetch("/x")') },
          { parentId: 3, nextId: null, node: el(23, 'p') },
        ],
        attributes: [{ id: 20, attributes: { src: 'https://evil/x.js' } }],
      }),
    ];
    const result = sanitizeEvents(events);
    expect((result.events[0]!.data as Node).adds).toEqual([{ parentId: 3, nextId: null, node: comment(20) }]);
    expect((result.events[1]!.data as Node).adds).toEqual([{ parentId: 3, nextId: null, node: el(23, 'p') }]);
    expect((result.events[1]!.data as Node).attributes).toEqual([]);
    expect(result.counts).toEqual({ ...none, elements: 1, mutations: 2 });
  });

  describe.each([
    { target: 'a meta of this batch', before: [snapshot(el(10, 'meta', { name: 'x' }))] },
    { target: 'an element of an earlier batch', before: [] },
  ])('on $target', ({ before }) => {
    const attributesAfter = (set: Record<string, unknown>) => {
      const result = sanitizeEvents([...before, mutation({ attributes: [{ id: 10, attributes: set }] })]);
      return { attributes: ((result.events.at(-1)!.data as Node).attributes as Node[])[0]!.attributes, counts: result.counts };
    };

    test.each(REFRESH_SPELLINGS)('removes a mutation setting %j to %j, and the content set with it', (key, value) => {
      expect(attributesAfter({ [key]: value, content: '0;url=https://evil/' })).toEqual({
        attributes: { [key]: null, content: null },
        counts: { ...none, attributes: 2 },
      });
    });

    test.each<[string, Record<string, unknown>]>([
      ['onclick', { onclick: 'alert(1)' }],
      ['ONMOUSEOVER with spaces', { ' ONMOUSEOVER ': 'alert(1)' }],
      ['srcdoc', { srcdoc: '<script>alert(1)</script>' }],
      ['href', { href: 'javascript:alert(1)' }],
      ['src', { src: ' JAVA\tSCRIPT:alert(1)' }],
      ['action', { action: 'javascript:alert(1)' }],
      ['formaction', { formaction: 'vbscript:x' }],
      ['xlink:href', { 'xlink:href': 'javascript:alert(1)' }],
      ['data', { data: 'data:text/html,<script>alert(1)</script>' }],
    ])('removes %s', (_name, set) => {
      const { attributes, counts } = attributesAfter(set);
      expect(attributes).toEqual(Object.fromEntries(Object.keys(set).map((key) => [key, null])));
      expect(counts.attributes + counts.urls).toBe(1);
    });

    test('keeps ordinary attributes', () => {
      const set = { name: 'description', class: 'x', title: 'Refresh the page' };
      expect(attributesAfter(set)).toEqual({ attributes: set, counts: none });
    });
  });

  test.each(['0;url=https://evil/', ' 5', '.5, https://evil/'])(
    'removes a refresh-shaped content %j set on an element of an earlier batch (it may be a refresh meta)',
    (content) => {
      const result = sanitizeEvents([mutation({ attributes: [{ id: 10, attributes: { content } }] })]);
      expect((result.events[0]!.data as Node).attributes).toEqual([{ id: 10, attributes: { content: null } }]);
      expect(result.counts).toEqual({ ...none, attributes: 1 });
    },
  );

  test('keeps a content that no refresh would obey, and any content of a meta known not to refresh', () => {
    const later = [mutation({ attributes: [{ id: 10, attributes: { content: 'width=device-width, initial-scale=1' } }] })];
    expect(sanitizeEvents(later).events).toBe(later);
    const known = [snapshot(el(10, 'meta', { name: 'rating' })), mutation({ attributes: [{ id: 10, attributes: { content: '5 stars' } }] })];
    expect(sanitizeEvents(known).events).toBe(known);
  });

  test('drops a mutation setting content on a refresh meta of this batch, which is a comment by then', () => {
    const events = [
      snapshot(el(10, 'meta', { 'http-equiv': 'refresh', content: '60' })),
      mutation({ attributes: [{ id: 10, attributes: { content: '0;url=https://evil/' } }] }),
    ];
    const result = sanitizeEvents(events);
    expect(bodyOf(result.events[0]!)).toEqual([comment(10)]);
    expect((result.events[1]!.data as Node).attributes).toEqual([]);
    expect(result.counts).toEqual({ ...none, elements: 1, mutations: 1 });
  });

  test('removes a refresh set on a meta added earlier in the same mutation', () => {
    const events = [
      mutation({
        adds: [{ parentId: 3, nextId: null, node: el(10, 'meta', { name: 'x' }) }],
        attributes: [{ id: 10, attributes: { 'http-equiv': 'refresh' } }],
      }),
    ];
    expect((sanitizeEvents(events).events[0]!.data as Node).attributes).toEqual([{ id: 10, attributes: { 'http-equiv': null } }]);
  });

  test('judges a URL by the tag of its target: an SVG image stays on a known img, not on an unknown element or a document loader', () => {
    const svg = { src: 'data:image/svg+xml,<svg/>' };
    const img = [snapshot(el(10, 'img')), mutation({ attributes: [{ id: 10, attributes: svg }] })];
    expect(sanitizeEvents(img).events).toBe(img);
    const iframe = [snapshot(el(10, 'iframe')), mutation({ attributes: [{ id: 10, attributes: svg }] })];
    expect((sanitizeEvents(iframe).events[1]!.data as Node).attributes).toEqual([{ id: 10, attributes: { src: null } }]);
    const unknown = [mutation({ attributes: [{ id: 10, attributes: svg }] })];
    expect((sanitizeEvents(unknown).events[0]!.data as Node).attributes).toEqual([{ id: 10, attributes: { src: null } }]);
  });

  test('forgets the tags of a document once a new full snapshot rebuilds it', () => {
    const events = [snapshot(el(10, 'img')), snapshot(el(11, 'p')), mutation({ attributes: [{ id: 10, attributes: { src: 'data:image/svg+xml,<svg/>' } }] })];
    expect((sanitizeEvents(events).events[2]!.data as Node).attributes).toEqual([{ id: 10, attributes: { src: null } }]);
  });

  test.each<{ name: string; set: Record<string, unknown>; kept: Record<string, unknown>; counts: Partial<SanitizeCounts> }>([
    { name: 'onclick by removing it (null)', set: { onclick: 'alert(1)', class: 'x' }, kept: { onclick: null, class: 'x' }, counts: { attributes: 1 } },
    { name: 'a javascript: href by removing it', set: { href: 'javascript:alert(1)' }, kept: { href: null }, counts: { urls: 1 } },
    { name: 'an SVG data URL (target tag unknown)', set: { src: 'data:image/svg+xml,<svg onload=x()>' }, kept: { src: null }, counts: { urls: 1 } },
    {
      name: 'a style diff with url(javascript:)',
      set: { style: { background: ['url("javascript:alert(1)")', 'important'], color: 'red' } },
      kept: { style: { background: ['url("about:invalid")', 'important'], color: 'red' } },
      counts: { css: 1 },
    },
  ])('neutralises an attribute mutation setting $name', ({ set, kept, counts }) => {
    const result = sanitizeEvents([mutation({ attributes: [{ id: 5, attributes: set }] })]);
    expect((result.events[0]!.data as Node).attributes).toEqual([{ id: 5, attributes: kept }]);
    expect(result.counts).toEqual({ ...none, ...counts });
  });

  test('keeps removing an on* attribute (null) and text mutations that read like markup', () => {
    const events = [
      mutation({ attributes: [{ id: 5, attributes: { onclick: null } }], texts: [{ id: 6, value: '<script>alert(1)</script>' }] }),
    ];
    expect(sanitizeEvents(events).events).toBe(events);
  });

  test.each<{ name: string; data: Node; path: (data: Node) => unknown }>([
    { name: 'stylesheet rule adds', data: { source: 8, id: 1, adds: [{ rule: 'p{background:url(javascript:x)}' }] }, path: (d) => (d.adds as Node[])[0]!.rule },
    { name: 'style declarations', data: { source: 13, id: 1, set: { property: 'width', value: 'expression(x())' } }, path: (d) => (d.set as Node).value },
    {
      name: 'adopted stylesheets',
      data: { source: 15, id: 1, styleIds: [1], styles: [{ styleId: 1, rules: [{ rule: 'p{width:expression(x())}' }] }] },
      path: (d) => ((d.styles as Node[])[0]!.rules as Node[])[0]!.rule,
    },
  ])('neutralises CSS in $name', ({ data, path }) => {
    const result = sanitizeEvents([{ type: 3, timestamp: 1, data }]);
    expect(result.counts).toEqual({ ...none, css: 1 });
    expect(path(result.events[0]!.data as Node)).not.toMatch(/javascript:|expression\(/);
  });

  test('neutralises CSS in style text nodes', () => {
    const style = el(10, 'style', {}, [text(11, 'p{background:url( "java\\73 cript:x" )}', { isStyle: true })]);
    const result = sanitizeEvents([snapshot(style)]);
    expect(((bodyOf(result.events[0]!)[0] as Node).childNodes as Node[])[0]!.textContent).toBe('p{background:url("about:invalid")}');
  });
});

describe('ingest | sanitize: corpus', () => {
  const corpus = loadValidCorpus();
  test.each(corpus)('$name keeps everything but its script elements', ({ events }) => {
    const result = sanitizeEvents(events);
    expect({ ...result.counts, elements: 0 }).toEqual(none);
    expect(result.events).toHaveLength(events.length);
    const hasScriptElement = JSON.stringify(result.events).match(/"tagName":"script"/i);
    expect(hasScriptElement).toBeNull();
  });
});
