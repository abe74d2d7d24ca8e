import { describe, expect, test } from 'vitest';
import { BLOCKED_ATTRIBUTE, markBlockedElements } from '../../../viewer/src/lib/blocked-placeholder.ts';
import { documentOf, el, text } from '../../helpers/snapshot-nodes.ts';

const blockedBox = { class: 'support-chat', rr_width: '320px', rr_height: '120px' };

describe('viewer | blocked element placeholders', () => {
  test('marks blocked elements of a full snapshot with their tag; replaced elements but iframes become a div', () => {
    const events = [
      {
        type: 2,
        data: {
          node: documentOf(
            el(3, 'html', {}, [
              el(4, 'body', {}, [
                el(5, 'aside', blockedBox),
                el(6, 'img', { class: 'hero', rr_width: '600px', rr_height: '400px' }),
                { ...el(7, 'svg', { rr_width: '24px', rr_height: '24px' }), isSVG: true },
                el(8, 'p', { class: 'rr-note' }, [text(9, 'Free shipping')]),
                // rrweb attaches a blocked iframe's document to it all the same: it must stay an iframe.
                el(10, 'iframe', { class: 'rr-block', rr_width: '0px', rr_height: '0px' }),
              ]),
            ]),
          ),
        },
        timestamp: 1,
      },
    ];
    markBlockedElements(events);
    const body = JSON.parse(JSON.stringify(events[0].data.node)).childNodes[1].childNodes[0];
    expect(body.childNodes.map((node: { tagName: string; attributes: Record<string, string>; isSVG?: boolean }) => [
      node.tagName,
      node.attributes[BLOCKED_ATTRIBUTE] ?? null,
      node.isSVG ?? false,
    ])).toEqual([
      ['aside', 'aside', false],
      ['div', 'img', false],
      ['div', 'svg', false],
      ['p', null, false],
      ['iframe', 'iframe', false],
    ]);
    // The recorded size stays: rrweb sizes the placeholder from these.
    expect(body.childNodes[1].attributes).toMatchObject({ class: 'hero', rr_width: '600px', rr_height: '400px' });
  });

  test('marks blocked elements that mutations add, however deep, and leaves other events alone', () => {
    let deep = el(100, 'div', blockedBox);
    for (let id = 101; id < 5_100; id++) deep = el(id, 'div', {}, [deep]);
    const mutation = { type: 3, data: { source: 0, adds: [{ parentId: 4, nextId: null, node: deep }], removes: [], texts: [], attributes: [] }, timestamp: 2 };
    const click = { type: 3, data: { source: 2, type: 2, id: 5, x: 1, y: 1 }, timestamp: 3 };
    const clickBefore = JSON.stringify(click);
    markBlockedElements([mutation, click]);
    let node = mutation.data.adds[0].node as { childNodes: unknown[]; attributes: Record<string, unknown> };
    while (node.childNodes.length > 0) node = node.childNodes[0] as typeof node;
    expect(node.attributes[BLOCKED_ATTRIBUTE]).toBe('div');
    expect(JSON.stringify(click)).toBe(clickBefore);
  });
});
