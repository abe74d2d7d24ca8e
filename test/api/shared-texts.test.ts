import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SAME_TEXT_FIELD, sharedTextKey } from '../../contract/texts.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { ingest, makeBatch, newId, readAllEvents } from './support.ts';

const T0 = Date.now() - 60_000;
const STYLESHEET = `:root { --ink: #26231f; }\n${'.card { padding: 12px; border: 1px solid #ddd; }\n'.repeat(40)}`;
const INLINE_STYLE = `${'.hero h1 { font: 700 2rem/1.2 serif; color: var(--ink); }\n'.repeat(30)}`;

/** A page's full snapshot: <link> with its inlined stylesheet, <style> with its text; either may be a reference. */
function page(timestamp: number, link: { css: string } | { ref: string }, style: { css: string } | { ref: string }): RecordedEvent[] {
  const linkNode = 'css' in link
    ? { type: 2, id: 4, tagName: 'link', attributes: { rel: 'stylesheet', href: '/shop.css', _cssText: link.css }, childNodes: [] }
    : { type: 2, id: 4, tagName: 'link', attributes: { rel: 'stylesheet', href: '/shop.css', _cssText: '' }, childNodes: [], [SAME_TEXT_FIELD]: link.ref };
  const styleText = 'css' in style
    ? { type: 3, id: 6, textContent: style.css, isStyle: true }
    : { type: 3, id: 6, textContent: '', isStyle: true, [SAME_TEXT_FIELD]: style.ref };
  const html = {
    type: 2, id: 2, tagName: 'html', attributes: {}, childNodes: [
      { type: 2, id: 3, tagName: 'head', attributes: {}, childNodes: [linkNode, { type: 2, id: 5, tagName: 'style', attributes: {}, childNodes: [styleText] }] },
      { type: 2, id: 7, tagName: 'body', attributes: {}, childNodes: [{ type: 3, id: 8, textContent: 'Shop' }] },
    ],
  };
  return [
    { type: 4, data: { href: 'https://shop.example/', width: 1280, height: 800 }, timestamp },
    { type: 2, data: { node: { type: 0, id: 1, childNodes: [html] }, initialOffset: { left: 0, top: 0 } }, timestamp: timestamp + 1 },
  ];
}

const full = (timestamp: number) => page(timestamp, { css: STYLESHEET }, { css: INLINE_STYLE });

describe('POST /api/ingest | texts sent once per window', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function storedPages(batches: Array<{ windowId: string; seq: number; events: RecordedEvent[] }>, sessionId = newId()) {
    for (const { windowId, seq, events } of batches) {
      const ack = await ingest(server.url, makeBatch(events, { sessionId, windowId, seq }), { gzip: true });
      expect(ack.ok).toBe(true);
    }
    return (await readAllEvents(server.url, sessionId, { window: batches[0]!.windowId })).events;
  }

  test('a later page that refers to the texts of an earlier batch is stored as if it had carried them', async () => {
    const windowId = newId();
    const refs = { link: { ref: `0:${sharedTextKey(STYLESHEET)}` }, style: { ref: `0:${sharedTextKey(INLINE_STYLE)}` } };
    const stored = await storedPages([
      { windowId, seq: 0, events: full(T0) },
      { windowId, seq: 1, events: [{ type: 3, data: { source: 1, positions: [] }, timestamp: T0 + 5 }] },
      { windowId, seq: 2, events: page(T0 + 10_000, refs.link, refs.style) },
    ]);
    expect(stored.slice(3)).toStrictEqual(full(T0 + 10_000));
    expect(JSON.stringify(stored)).not.toContain(SAME_TEXT_FIELD);
  });

  test('a reference resolves from any stored chunk of its window from the named seq on, never from another window', async () => {
    const sessionId = newId();
    const [windowId, otherTab] = [newId(), newId()];
    const ref = `0:${sharedTextKey(STYLESHEET)}`;
    const stored = await storedPages([
      { windowId, seq: 1, events: full(T0) }, // seq 0 never arrived; seq 1 holds the text
      { windowId, seq: 2, events: page(T0 + 10_000, { ref }, { css: INLINE_STYLE }) },
    ], sessionId);
    expect(stored.slice(2)).toStrictEqual(full(T0 + 10_000));
    const other = await storedPages([{ windowId: otherTab, seq: 0, events: page(T0 + 20_000, { ref }, { css: INLINE_STYLE }) }], sessionId);
    expect(other).toHaveLength(2); // accepted, replayed unstyled
    expect(JSON.stringify(other)).not.toContain('.card { padding');
  });

  test.each([
    ['a key no stored text has', `0:${sharedTextKey('something else')}`],
    ['a seq with nothing stored from it on', `9:${sharedTextKey(STYLESHEET)}`],
    ['no seq', sharedTextKey(STYLESHEET)],
    ['upper-case key', `0:${sharedTextKey(STYLESHEET).toUpperCase()}Z`],
    ['a number', 42],
    ['an object', { seq: 0, key: sharedTextKey(STYLESHEET) }],
    ['a huge seq', `${'9'.repeat(40)}:${sharedTextKey(STYLESHEET)}`],
  ])('an unusable reference (%s) is dropped: the batch is stored, the text left empty', async (_case, ref) => {
    const windowId = newId();
    const stored = await storedPages([
      { windowId, seq: 0, events: full(T0) },
      { windowId, seq: 1, events: page(T0 + 10_000, { ref: ref as string }, { css: INLINE_STYLE }) },
    ]);
    expect(stored).toHaveLength(4);
    const link = JSON.stringify(stored.slice(2));
    expect(link).not.toContain(SAME_TEXT_FIELD);
    expect(link).toContain('"_cssText":""');
  });

  test('a resolved text is sanitized like any other: code-running CSS never comes back through a reference', async () => {
    const hostile = `${STYLESHEET}\n.x { background: url(javascript:alert(1)); }`;
    const windowId = newId();
    const stored = await storedPages([
      { windowId, seq: 0, events: page(T0, { css: hostile }, { css: INLINE_STYLE }) },
      // The key of the text as sent: the stored copy was sanitized, so it no longer matches and nothing comes back.
      { windowId, seq: 1, events: page(T0 + 10_000, { ref: `0:${sharedTextKey(hostile)}` }, { css: INLINE_STYLE }) },
    ]);
    expect(JSON.stringify(stored)).not.toMatch(/javascript:/i);
  });
});
