/**
 * Every recording in the corpus, ingested through the API and opened in the viewer's replay page in real
 * Chromium: the player must reach its first frame with no uncaught error in the page.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ingest, makeBatch, newId } from '../api/support.ts';
import { launchChromium } from '../../support/browser.ts';
import { loadValidCorpus } from '../helpers/corpus.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

const corpus = loadValidCorpus();

describe('e2e | the viewer replays every corpus recording', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const sessionIds = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer();
    for (const { name, events } of corpus) {
      const sessionId = newId();
      await ingest(server.url, makeBatch(events, { sessionId }));
      sessionIds.set(name, sessionId);
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await server.signIn(page.context());
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test.each(corpus.map(({ name }) => name))('%s', async (name) => {
    pageErrors.length = 0;
    await page.goto(`${server.url}/#/sessions/${sessionIds.get(name)}`, { waitUntil: 'domcontentloaded' });
    const replay = page.locator('[data-testid="replay"]');
    await replay.and(page.locator('[data-state="ready"], [data-state="error"], [data-state="empty"]')).waitFor();
    expect(await replay.getAttribute('data-state')).toBe('ready');
    expect(await page.locator('[data-testid="player"] iframe').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
