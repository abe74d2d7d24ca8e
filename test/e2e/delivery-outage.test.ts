/**
 * The recorder against the real server going away: batches cut while the server is down are retried once it is
 * back on the same port and database, and every event arrives exactly once with an unbroken sequence.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { SessionList } from '../../contract/api.ts';
import { SlTag, type TrackPayload } from '../../contract/protocol.ts';
import { readAllEvents } from '../api/support.ts';
import { launchChromium } from '../../support/browser.ts';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'sightline-outage-'));
const dbPath = join(dir, 'sightline.db');

/** Tracks a numbered marker and asks the recorder to send it; resolves even when the send fails. */
async function markAndFlush(page: Page, n: number): Promise<void> {
  await page.evaluate(async (marker) => {
    const sightline = (window as unknown as { Sightline: { track(n: string, p: object): void; flush(): Promise<void> } })
      .Sightline;
    sightline.track('marker', { n: marker });
    await sightline.flush();
  }, n);
}

describe('e2e | delivery through a server outage', () => {
  let server: TestServer | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('what was recorded while the server was down arrives once, after it is back', async () => {
    server = await startTestServer({ dbPath });
    const port = Number(new URL(server.url).port);
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${server.url}/demo/`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => 'Sightline' in window);
    await markAndFlush(page, 1);

    await server.close();
    server = undefined;
    // Sent into a closed port: each flush fails and leaves its batch queued for retry.
    await markAndFlush(page, 2);
    await page.locator('#product-link-1').hover();
    await markAndFlush(page, 3);

    server = await startTestServer({ dbPath, port });
    await markAndFlush(page, 4);
    const url = server.url;
    await expect
      .poll(async () => {
        const { sessions } = (await (await adminFetch(`${url}/api/sessions`)).json()) as SessionList;
        if (sessions.length !== 1) return [];
        const { events } = await readAllEvents(url, sessions[0].id);
        return events
          .filter((event) => event.type === 5 && (event.data as { tag: string }).tag === SlTag.Track)
          .map((event) => ((event.data as { payload: TrackPayload }).payload.props as { n: number }).n);
      }, { timeout: 20_000 })
      .toEqual([1, 2, 3, 4]);

    const seqs = server.db.prepare('SELECT seq FROM chunks ORDER BY seq').all() as Array<{ seq: number }>;
    expect(seqs.map((row) => row.seq)).toEqual(seqs.map((_, index) => index));
  }, 60_000);
});
