/**
 * Takes the README's pictures of the viewer from a running Sightline with some sessions in it:
 *   npm start & npm run demo:traffic && SIGHTLINE_ADMIN_TOKEN=… npx tsx scripts/screenshots.ts
 * Writes docs/sessions.png (the list), docs/viewer.png (a purchase replayed on its checkout page),
 * docs/heatmap.png (clicks on the product page) and docs/settings.png (the Settings page's projects panel).
 */
import type { SessionDetail, SessionList } from '../contract/api.ts';
import { launchChromium } from '../support/browser.ts';

const baseUrl = process.env.SIGHTLINE_URL ?? 'http://localhost:8787';
// The admin token printed at first start (or set with SIGHTLINE_ADMIN_TOKEN): the viewer and its API need a login.
const adminToken = process.env.SIGHTLINE_ADMIN_TOKEN;
if (!adminToken) throw new Error('set SIGHTLINE_ADMIN_TOKEN to the admin token of the running Sightline');
const authHeaders = { Authorization: `Bearer ${adminToken}` };

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, { headers: authHeaders });
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
  return (await response.json()) as T;
}

const { sessions } = await getJson<SessionList>('/api/sessions?url=confirmation&device=desktop&limit=1');
if (sessions.length === 0) throw new Error('no desktop purchase recorded yet: run npm run demo:traffic first');
const { session, marks } = await getJson<SessionDetail>(`/api/sessions/${sessions[0].id}`);
const checkout = marks.find((mark) => mark.kind === 'page' && mark.label.includes('checkout'));
const offset = checkout ? checkout.ts - session.startedAt + 2_500 : 0;

const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const signIn = await context.request.post(`${baseUrl}/api/login`, { data: { token: adminToken } });
if (!signIn.ok()) throw new Error(`sign-in answered ${signIn.status()}`);
const page = await context.newPage();
await page.goto(`${baseUrl}/#/`, { waitUntil: 'domcontentloaded' });
await page.locator('[data-testid="sessions"][data-state="ready"]').waitFor();
await page.screenshot({ path: 'docs/sessions.png' });

await page.goto(`${baseUrl}/#/sessions/${session.id}?t=${offset}`, { waitUntil: 'domcontentloaded' });
await page.locator('[data-testid="replay"][data-state="ready"]').waitFor();
// Let the player settle on the sought moment, paused, so the picture is not caught mid-transition.
await page.waitForTimeout(1_500);
await page.screenshot({ path: 'docs/viewer.png' });

await page.goto(`${baseUrl}/#/heatmaps?page=${encodeURIComponent('/demo/product.html')}`, { waitUntil: 'domcontentloaded' });
await page.locator('[data-testid="heatmaps"][data-state="ready"]').waitFor();
await page.waitForTimeout(1_000);
await page.screenshot({ path: 'docs/heatmap.png' });

await page.goto(`${baseUrl}/#/settings`, { waitUntil: 'domcontentloaded' });
await page.locator('[data-testid="projects-panel"][data-state="ready"]').waitFor();
await page.screenshot({ path: 'docs/settings.png' });
await browser.close();
console.log('wrote docs/sessions.png, docs/viewer.png, docs/heatmap.png and docs/settings.png');
