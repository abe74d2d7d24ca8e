import { describe, expect, test } from 'vitest';
import { clicksOf, lastTimestamp, slEvents, timeline } from '../../../server/analytics/events.ts';
import { splitPageViews } from '../../../server/analytics/page-views.ts';
import type { RecordedEvent } from '../../../contract/protocol.ts';
import { T0, fullSnapshot, meta, mouseMove, rrwebClick, slClick, slPage } from './factories.ts';

describe('analytics | event accessors', () => {
  test('timeline drops malformed events and sorts stably by time', () => {
    const a = mouseMove(200);
    const b = mouseMove(100, 1);
    const c = mouseMove(100, 2);
    const malformed = [
      null,
      'text',
      { type: 3, data: { source: 1 } }, // no timestamp
      { 't`ype': 3, data: { source: 2 }, timestamp: T0 },
      { type: 3, data: null, timestamp: T0 },
      { type: 3, data: {}, timestamp: Number.NaN },
    ];
    expect(timeline([a, ...malformed, b, c])).toEqual([b, c, a]);
    expect(lastTimestamp([a, b, c])).toBe(T0 + 200);
    expect(lastTimestamp([])).toBe(-Infinity);
  });

  test('slEvents keeps well-formed payloads only, with neutral values for optional fields', () => {
    const events = [
      { type: 5, data: { tag: 'sl:click', payload: { selector: '#a', tag: 'BUTTON', x: 1, y: 2 } }, timestamp: T0 },
      { type: 5, data: { tag: 'sl:click', payload: { selector: '#b', tag: 'a', x: '1', y: 2 } }, timestamp: T0 },
      { type: 5, data: { tag: 'sl:click', payload: null }, timestamp: T0 },
      { type: 5, data: { tag: 'sl:field', payload: { action: 'hover', form: '', field: '#x' } }, timestamp: T0 },
      { type: 5, data: { tag: 'sl:page' }, timestamp: T0 },
      { type: 3, data: { tag: 'sl:click', payload: { selector: '#c', tag: 'a', x: 1, y: 2 } }, timestamp: T0 },
    ] as RecordedEvent[];
    expect(slEvents(events, 'sl:click')).toEqual([
      { ts: T0, payload: { selector: '#a', tag: 'button', label: '', ox: 0, oy: 0, x: 1, y: 2, vw: 0, vh: 0, dw: 0, dh: 0 } },
    ]);
    expect(slEvents(events, 'sl:field')).toEqual([]);
    expect(slEvents(events, 'sl:page')).toEqual([]);
  });

  test('sl:click wins over rrweb clicks; rrweb clicks without x/y are skipped', () => {
    expect(clicksOf([rrwebClick(0, 5), slClick(10)]).map((click) => click.origin)).toEqual(['sl:click']);
    const noCoordinates = { type: 3, data: { source: 2, type: 2, id: 5 }, timestamp: T0 };
    const mouseDown = { type: 3, data: { source: 2, type: 1, id: 5, x: 1, y: 1 }, timestamp: T0 };
    expect(clicksOf([noCoordinates, mouseDown, rrwebClick(10, 5, 7, 8)])).toEqual([
      { ts: T0 + 10, selector: '[rrweb-id="5"]', tag: '', label: '', x: 7, y: 8, origin: 'rrweb' },
    ]);
  });

  test('rrweb targets come from the snapshot or later mutations, and a new snapshot renumbers nodes', () => {
    const link = { type: 2, id: 50, tagName: 'A', attributes: { class: 'nav  link' }, childNodes: [] };
    const added = {
      type: 3,
      data: { source: 0, texts: [], attributes: [], removes: [], adds: [{ parentId: 3, nextId: null, node: link }] },
      timestamp: T0 + 100,
    };
    const events = [
      fullSnapshot(0, [[40, 'button', { id: 'buy' }]]),
      added,
      rrwebClick(200, 40),
      rrwebClick(300, 50),
      fullSnapshot(1000, [[40, 'input', { type: 'Email' }]]),
      rrwebClick(1100, 40),
      rrwebClick(1200, 50),
    ];
    expect(clicksOf(events).map(({ selector, tag }) => ({ selector, tag }))).toEqual([
      { selector: 'button#buy', tag: 'button' },
      { selector: 'a.nav.link', tag: 'a' },
      { selector: 'input[type="email"]', tag: 'input' },
      { selector: '[rrweb-id="50"]', tag: '' },
    ]);
  });

  test('page views: Meta and sl:page of one load are one view; events before any navigation join the first', () => {
    const load = { type: 0, data: {}, timestamp: T0 };
    const views = splitPageViews([
      load,
      meta(5, 'https://shop.test/'),
      slPage(6, 'https://shop.test/'),
      slPage(900, 'https://shop.test/cart'),
      meta(2000, 'https://shop.test/cart'),
    ]);
    expect(views.map(({ url, startTs, events }) => ({ url, at: startTs - T0, count: events.length }))).toEqual([
      { url: 'https://shop.test/', at: 0, count: 3 },
      { url: 'https://shop.test/cart', at: 900, count: 2 },
    ]);
  });
});
