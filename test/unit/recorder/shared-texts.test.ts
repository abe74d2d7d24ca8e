import { describe, expect, test } from 'vitest';
import { SHARED_TEXTS_STORAGE_KEY } from '../../../recorder/constants.ts';
import { createSharedTexts } from '../../../recorder/shared-texts.ts';
import { memoryStore } from '../../../recorder/storage.ts';
import { forEachSnapshotNode, MIN_SHARED_TEXT_CHARS, SAME_TEXT_FIELD, sharedTextKey } from '../../../contract/texts.ts';
import type { RecordedEvent } from '../../../contract/protocol.ts';

const CSS = 'a { color: red; }\n'.repeat(100);
const SCOPE = { sessionId: 's1', windowId: 'w1' };

function snapshot(css: string): RecordedEvent {
  const link = { type: 2, id: 3, tagName: 'link', attributes: { rel: 'stylesheet', _cssText: css }, childNodes: [] };
  return { type: 2, timestamp: 1, data: { node: { type: 0, id: 1, childNodes: [{ type: 2, id: 2, tagName: 'head', attributes: {}, childNodes: [link] }] } } };
}
const linkOf = (event: RecordedEvent) => ((event.data as any).node.childNodes[0].childNodes[0]);

describe('recorder | texts sent once per window', () => {
  test('a stylesheet travels in full until a batch carrying it is acknowledged, then as a reference to that batch', () => {
    const texts = createSharedTexts(memoryStore());
    const first = snapshot(CSS);
    expect(texts.replace(first, SCOPE)).toEqual([sharedTextKey(CSS)]);
    texts.cut(SCOPE, 4, [sharedTextKey(CSS)]);
    const beforeAck = snapshot(CSS);
    texts.replace(beforeAck, SCOPE);
    expect(linkOf(beforeAck).attributes._cssText).toBe(CSS); // batch 4 may yet be lost
    texts.delivered(SCOPE, 4);
    const later = snapshot(CSS);
    expect(texts.replace(later, SCOPE)).toEqual([]);
    expect(linkOf(later)).toMatchObject({ attributes: { _cssText: '' }, [SAME_TEXT_FIELD]: `4:${sharedTextKey(CSS)}` });
  });

  test('the next page of the tab refers to what earlier pages delivered (sessionStorage)', () => {
    const tab = memoryStore();
    const page1 = createSharedTexts(tab);
    page1.replace(snapshot(CSS), SCOPE);
    page1.cut(SCOPE, 0, [sharedTextKey(CSS)]);
    page1.delivered(SCOPE, 0);
    const page2 = snapshot(CSS);
    createSharedTexts(tab).replace(page2, SCOPE);
    expect(linkOf(page2)[SAME_TEXT_FIELD]).toBe(`0:${sharedTextKey(CSS)}`);
  });

  test.each([
    ['a new session (seq starts again)', { sessionId: 's2', windowId: 'w1' }],
    ['another window (a duplicated tab copies sessionStorage)', { sessionId: 's1', windowId: 'w2' }],
  ])('%s starts afresh', (_case, scope) => {
    const texts = createSharedTexts(memoryStore());
    texts.replace(snapshot(CSS), SCOPE);
    texts.cut(SCOPE, 0, [sharedTextKey(CSS)]);
    texts.delivered(SCOPE, 0);
    const event = snapshot(CSS);
    expect(texts.replace(event, scope)).toEqual([sharedTextKey(CSS)]);
    expect(linkOf(event).attributes._cssText).toBe(CSS);
  });

  test('an acknowledgement of the old session after a rollover registers nothing for the new one', () => {
    const texts = createSharedTexts(memoryStore());
    texts.replace(snapshot(CSS), { sessionId: 's2', windowId: 'w1' }); // the new session's first event
    texts.cut(SCOPE, 0, [sharedTextKey(CSS)]); // the old session's last batch, cut by the rollover
    texts.delivered(SCOPE, 0);
    texts.delivered({ sessionId: 's2', windowId: 'w1' }, 0);
    const event = snapshot(CSS);
    texts.replace(event, { sessionId: 's2', windowId: 'w1' });
    expect(linkOf(event).attributes._cssText).toBe(CSS);
  });

  test('short texts always travel; what another script wrote under our key is ignored, never thrown', () => {
    const tab = memoryStore();
    tab.set(SHARED_TEXTS_STORAGE_KEY, JSON.stringify({ scope: 's1 w1', texts: [7, 'x', null, [sharedTextKey(CSS), 3]] }));
    const texts = createSharedTexts(tab);
    const short = 'b { margin: 0 }'.repeat(10);
    expect(short.length).toBeLessThan(MIN_SHARED_TEXT_CHARS);
    expect(texts.replace(snapshot(short), SCOPE)).toEqual([]);
    const event = snapshot(CSS);
    texts.replace(event, SCOPE);
    expect(linkOf(event)[SAME_TEXT_FIELD]).toBe(`3:${sharedTextKey(CSS)}`);
    tab.set(SHARED_TEXTS_STORAGE_KEY, '{"texts": 5}');
    expect(() => createSharedTexts(tab).replace(snapshot(CSS), SCOPE)).not.toThrow();
  });
});

describe('protocol | shared text nodes', () => {
  test('visits a full snapshot tree and the nodes a mutation adds, nothing else', () => {
    const seen: number[] = [];
    forEachSnapshotNode(snapshot(CSS), (node) => void seen.push((node as { id: number }).id));
    const mutation = { type: 3, data: { source: 0, adds: [{ node: { type: 3, id: 9, textContent: CSS, isStyle: true } }, null], texts: [] } };
    forEachSnapshotNode(mutation, (node) => void seen.push((node as { id: number }).id));
    forEachSnapshotNode({ type: 3, data: { source: 1, positions: [] } }, () => seen.push(-1));
    expect(seen.sort()).toEqual([1, 2, 3, 9]);
  });

  test('the key is the same for the same text and differs for a one-character change', () => {
    expect(sharedTextKey(CSS)).toBe(sharedTextKey(`${CSS}`));
    expect(sharedTextKey(CSS)).not.toBe(sharedTextKey(CSS.replace('red', 'rex')));
    expect(sharedTextKey(CSS)).toMatch(/^[0-9a-z]{1,7}$/);
  });
});
