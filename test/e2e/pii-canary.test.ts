import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { maskText } from '../../recorder/pii.ts';
import type { IngestBatch } from '../../contract/protocol.ts';
import { launchChromium } from '../../support/browser.ts';
import { startIngestTap, type IngestTap } from '../../support/ingest-tap.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

const fixture = fileURLToPath(new URL('../fixtures/pages/pii-canary.html', import.meta.url));

const canary = {
  email: 'pii.canary.k3v9@example.test',
  card: '5555 5555 5555 4444',
  phone: '+44 20 7946 0958',
  password: 'Canary-Pass-w0rd-77x',
};
/** Every spelling that would betray a leak, fragments included. */
const secrets = [
  canary.email, 'pii.canary.k3v9', 'k3v9@example', canary.card, '5555555555554444', '5555-5555', canary.phone,
  '7946 0958', '7946-0958', '79460958', canary.password, 'Pass-w0rd',
];

describe('e2e | PII canary under default options', () => {
  let dir: string;
  let server: TestServer;
  let tap: IngestTap;
  let browser: Browser;
  /** Everything the server stored: the database file and its WAL, read while the server runs, and every chunk gunzipped. */
  let stored: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-pii-'));
    const demoDir = join(dir, 'pages');
    mkdirSync(demoDir);
    copyFileSync(fixture, join(demoDir, 'pii-canary.html'));
    server = await startTestServer({ dbPath: join(dir, 'sightline.db'), demoDir });
    tap = await startIngestTap(server.url);
    browser = await launchChromium();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${tap.url}/demo/pii-canary.html`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.Sightline !== undefined);
    await page.locator('#email').pressSequentially(canary.email);
    await page.locator('#card').pressSequentially(canary.card);
    await page.locator('#phone').pressSequentially(canary.phone);
    await page.locator('#password').fill('');
    await page.locator('#password').pressSequentially(canary.password);
    await page.locator('#notes').pressSequentially(`call me on ${canary.phone}, mail ${canary.email}`);
    await page.locator('#card-cell').click();
    for (const labelled of ['#mail-us', '#call-us', '#card-button', '#reveal']) await page.locator(labelled).click();
    await page.evaluate(() => window.Sightline!.flush());
    await context.close();

    const chunks = server.db.prepare('SELECT events_gz FROM chunks').all() as Array<{ events_gz: Buffer }>;
    const files = readdirSync(dir).filter((name) => name.startsWith('sightline.db'));
    stored = [
      ...files.map((name) => readFileSync(join(dir, name)).toString('latin1')),
      ...chunks.map((chunk) => gunzipSync(chunk.events_gz).toString('utf8')),
    ].join('\n');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await tap?.close();
    await server?.close().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the page was recorded: its public text reached the server and the database', () => {
    const bodies = tap.bodies.join('\n');
    expect(bodies).toContain('public-text-ok');
    expect(bodies).toContain('$1,299.99'); // ordinary numbers stay readable
    expect(stored).toContain('public-text-ok');
  });

  test('clicks and fields were sent with labels, so the checks below cover them', () => {
    const labels = tap.bodies.flatMap((body) =>
      (JSON.parse(body) as IngestBatch).events.flatMap((event) => {
        const label = (event.data as { payload?: { label?: unknown } }).payload?.label;
        return event.type === 5 && typeof label === 'string' ? [label] : [];
      }));
    expect(labels).toEqual(expect.arrayContaining([
      `"Mail ${maskText(canary.email)}" button`,
      `"Call ${maskText(canary.phone)}" link`,
      `"Pay with ${maskText(canary.card.replaceAll(' ', '-'))}" button`,
      `"${maskText(canary.card)}"`, // the table cell
      'button', // the masked one
      '"Email" email field',
      '"Card" text field',
    ]));
  });

  test.each(secrets)('"%s" appears in no request body', (secret) => {
    expect(tap.bodies.length).toBeGreaterThan(0);
    for (const body of tap.bodies) expect(body).not.toContain(secret);
  });

  test.each(secrets)('"%s" appears nowhere in the database file, its WAL or the stored chunks', (secret) => {
    expect(stored).not.toContain(secret);
  });
});
