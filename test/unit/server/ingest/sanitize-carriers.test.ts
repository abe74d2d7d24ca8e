/**
 * Every place a recording carries CSS, each given every attack of test/helpers/css-attacks.ts: what the replay would
 * apply must be exactly what sanitizeCss makes of it, so no carrier is left with its own, weaker rule.
 */
import { describe, expect, test } from 'vitest';
import { sanitizeEvents } from '../../../../server/ingest/sanitize.ts';
import type { RecordedEvent } from '../../../../contract/protocol.ts';
import { CSS_ATTACKS } from '../../../helpers/css-attacks.ts';
import { bodyOf, el, mutation, snapshot, text, type SnapshotNode as Node } from '../../../helpers/snapshot-nodes.ts';

const incremental = (data: Node): RecordedEvent => ({ type: 3, timestamp: 2, data });
const dataOf = (event: RecordedEvent | undefined) => event!.data as Node;
const first = (list: unknown) => (list as Node[])[0]!;
const firstBodyNode = (events: RecordedEvent[]) => bodyOf(events[0]!)[0]!;
const attributesOf = (node: Node) => node.attributes as Node;

interface Carrier<Input> {
  name: string;
  events: (input: Input) => RecordedEvent[];
  read: (events: RecordedEvent[]) => unknown;
}

/** Carriers of a whole stylesheet. */
const sheets: Array<Carrier<string>> = [
  {
    name: 'a <style> text node',
    events: (css) => [snapshot(el(10, 'style', {}, [text(11, css, { isStyle: true })]))],
    read: (events) => first(firstBodyNode(events).childNodes).textContent,
  },
  {
    name: 'a <style> text node not marked isStyle',
    events: (css) => [snapshot(el(10, 'style', {}, [text(11, css)]))],
    read: (events) => first(firstBodyNode(events).childNodes).textContent,
  },
  {
    name: 'an SVG <style> text node',
    events: (css) => [snapshot(el(9, 'svg', {}, [{ ...el(10, 'style', {}, [text(11, css)]), isSVG: true }]))],
    read: (events) => first(first(firstBodyNode(events).childNodes).childNodes).textContent,
  },
  {
    name: 'a link _cssText',
    events: (css) => [snapshot(el(10, 'link', { rel: 'stylesheet', _cssText: css }))],
    read: (events) => attributesOf(firstBodyNode(events))._cssText,
  },
  {
    name: 'a text node added into a <style>',
    events: (css) => [snapshot(el(10, 'style')), mutation({ adds: [{ parentId: 10, nextId: null, node: text(11, css) }] })],
    read: (events) => (first(dataOf(events[1]).adds).node as Node).textContent,
  },
  {
    name: 'a <style> with its text added in one mutation',
    events: (css) => [mutation({ adds: [{ parentId: 3, nextId: null, node: el(10, 'style', {}, [text(11, css)]) }] })],
    read: (events) => first((first(dataOf(events[0]).adds).node as Node).childNodes).textContent,
  },
  {
    name: 'a text mutation on a <style> text node',
    events: (css) => [snapshot(el(10, 'style', {}, [text(11, 'p{}', { isStyle: true })])), mutation({ texts: [{ id: 11, value: css }] })],
    read: (events) => first(dataOf(events[1]).texts).value,
  },
  {
    name: 'a text mutation aimed at the <style> element itself',
    events: (css) => [snapshot(el(10, 'style')), mutation({ texts: [{ id: 10, value: css }] })],
    read: (events) => first(dataOf(events[1]).texts).value,
  },
  {
    name: 'a text mutation on a node of an earlier batch',
    events: (css) => [mutation({ texts: [{ id: 11, value: css }] })],
    read: (events) => first(dataOf(events[0]).texts).value,
  },
  {
    name: 'a _cssText attribute mutation',
    events: (css) => [mutation({ attributes: [{ id: 10, attributes: { _cssText: css } }] })],
    read: (events) => attributesOf(first(dataOf(events[0]).attributes))._cssText,
  },
  {
    name: 'a stylesheet rule added (source 8)',
    events: (css) => [incremental({ source: 8, id: 10, adds: [{ rule: css, index: 0 }] })],
    read: (events) => first(dataOf(events[0]).adds).rule,
  },
  {
    name: 'a constructed stylesheet replace() (source 8)',
    events: (css) => [incremental({ source: 8, styleId: 1, replace: css })],
    read: (events) => dataOf(events[0]).replace,
  },
  {
    name: 'a constructed stylesheet replaceSync() (source 8)',
    events: (css) => [incremental({ source: 8, styleId: 1, replaceSync: css })],
    read: (events) => dataOf(events[0]).replaceSync,
  },
  {
    name: 'an adopted stylesheet (source 15)',
    events: (css) => [incremental({ source: 15, id: 1, styleIds: [1], styles: [{ styleId: 1, rules: [{ rule: css, index: 0 }] }] })],
    read: (events) => first(first(dataOf(events[0]).styles).rules).rule,
  },
];

/** Carriers of declarations (`property:value`, a style attribute's text). */
const declarations: Array<Carrier<string>> = [
  {
    name: 'a style attribute',
    events: (css) => [snapshot(el(10, 'div', { style: css }))],
    read: (events) => attributesOf(firstBodyNode(events)).style,
  },
  {
    name: 'a style attribute mutation on an element of this batch',
    events: (css) => [snapshot(el(10, 'div')), mutation({ attributes: [{ id: 10, attributes: { style: css } }] })],
    read: (events) => attributesOf(first(dataOf(events[1]).attributes)).style,
  },
  {
    name: 'a style attribute mutation on an element of an earlier batch',
    events: (css) => [mutation({ attributes: [{ id: 10, attributes: { style: css } }] })],
    read: (events) => attributesOf(first(dataOf(events[0]).attributes)).style,
  },
];

interface Declaration {
  property: string;
  value: string;
}

/** Carriers of one property and its value, read back as { property: value } (a removed property is absent). */
const properties: Array<Carrier<Declaration> & { hookBecomes: (value: string) => Node }> = [
  {
    name: 'a style diff in an attribute mutation',
    events: ({ property, value }) => [mutation({ attributes: [{ id: 10, attributes: { style: { [property]: value } } }] })],
    read: (events) => attributesOf(first(dataOf(events[0]).attributes)).style,
    hookBecomes: () => ({}),
  },
  {
    name: 'a style diff with a priority',
    events: ({ property, value }) => [mutation({ attributes: [{ id: 10, attributes: { style: { [property]: [value, 'important'] } } }] })],
    read: (events) => {
      const diff = attributesOf(first(dataOf(events[0]).attributes)).style as Record<string, [string, string]>;
      return Object.fromEntries(Object.entries(diff).map(([property, [value]]) => [property, value]));
    },
    hookBecomes: () => ({}),
  },
  {
    name: 'a style declaration event (source 13)',
    events: ({ property, value }) => [incremental({ source: 13, id: 10, index: [0], set: { property, value, priority: undefined } })],
    read: (events) => {
      const set = dataOf(events[0]).set as Node;
      return { [set.property as string]: set.value };
    },
    hookBecomes: (value) => ({ 'blocked-property': value }),
  },
];

/** `b{property:value}` attacks as declarations, property and value. */
const declarationAttacks = CSS_ATTACKS.flatMap(({ name, css, clean }) => {
  const inner = /^b\{([^{}]*)\}$/.exec(css)?.[1];
  const cleanInner = /^b\{([^{}]*)\}$/.exec(clean)?.[1];
  if (inner === undefined || cleanInner === undefined) return [];
  const colon = inner.indexOf(':');
  return [{ name, css: inner, clean: cleanInner, property: inner.slice(0, colon), value: inner.slice(colon + 1), cleanValue: cleanInner.slice(cleanInner.indexOf(':') + 1) }];
});
const isHook = (property: string) => /binding|behavior|behav\\69or/i.test(property);

const expectOneCssFix = (events: RecordedEvent[], read: (events: RecordedEvent[]) => unknown, expected: unknown) => {
  const result = sanitizeEvents(events);
  expect(result.changed).toBe(true);
  expect(result.counts).toMatchObject({ css: 1, elements: 0, mutations: 0 });
  expect(read(result.events)).toEqual(expected);
};

describe('ingest | sanitize: CSS in every carrier', () => {
  test('the declaration attacks cover most of the table', () => {
    expect(declarationAttacks.length).toBeGreaterThan(CSS_ATTACKS.length - 10);
  });

  describe.each(sheets)('$name', ({ events, read }) => {
    test.each(CSS_ATTACKS)('neutralises $name', ({ css, clean }) => {
      expect(read(events(css))).toBe(css);
      expectOneCssFix(events(css), read, clean);
    });
  });

  describe.each(declarations)('$name', ({ events, read }) => {
    test.each(declarationAttacks)('neutralises $name', ({ css, clean }) => {
      expectOneCssFix(events(css), read, clean);
    });
  });

  describe.each(properties)('$name', ({ events, read, hookBecomes }) => {
    test.each(declarationAttacks)('neutralises $name', ({ property, value, cleanValue }) => {
      expectOneCssFix(events({ property, value }), read, isHook(property) ? hookBecomes(value) : { [property]: cleanValue });
    });
  });

  describe('a web font (source 10)', () => {
    const fontEvent = (fontSource: string, buffer = false) => [incremental({ source: 10, family: 'f', fontSource, buffer })];
    const readSource = (events: RecordedEvent[]) => dataOf(events[0]).fontSource;
    test.each(declarationAttacks.filter(({ property }) => !isHook(property)))('neutralises $name', ({ value, cleanValue }) => {
      expectOneCssFix(fontEvent(value), readSource, cleanValue);
    });

    test('leaves a font given as bytes alone', () => {
      const events = fontEvent('[1,2,3]', true);
      expect(sanitizeEvents(events).events).toBe(events);
    });
  });

  test('keeps ordinary text mutations of earlier nodes, even when they mention url( or expression(', () => {
    const events = [mutation({ texts: [{ id: 11, value: 'Regular expression(s): url(javascript:x) behavior: fine' }] })];
    expect(sanitizeEvents(events).events).toBe(events);
  });

  test('keeps text mutations of text nodes known not to be in a <style>', () => {
    const events = [snapshot(el(10, 'p', {}, [text(11, 'x')])), mutation({ texts: [{ id: 11, value: 'p{background:url(javascript:x)}' }] })];
    expect(sanitizeEvents(events).events).toBe(events);
  });
});
