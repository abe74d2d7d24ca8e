/**
 * Figure 7, replay fidelity: how much of a real page a replay shows as the shopper saw it. Each page of
 * FIDELITY_PAGES is visited in Chromium at 1280×800 with the recorder embedded, on the store's origin with its files
 * on other hosts (fidelity-pages.ts), and screenshotted once its images and fonts are in. The session is then
 * replayed in the viewer at its end and the replayed page screenshotted at the same size; the figure is the share of
 * pixels of the same colour in both, per page and as the median. Measured in a project made for the run, so in the
 * default asset mode (`public`: recorded files through Sightline's proxy); baseline, a project set to `block`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import type { SessionDetail, SessionList } from '../contract/api.ts';
import { flushRecorder } from '../demo/human.ts';
import { launchChromium } from '../support/browser.ts';
import { FIDELITY_ADDRESSES, FIDELITY_PAGES, startFidelityOrigins, type FidelityOrigins, type FidelityPage } from './fidelity-pages.ts';
import { median, type FigureResult } from './report.ts';
import { repoRoot, sleep, startBenchServer, type BenchServer } from './shared.ts';

export interface FidelityOptions {
  /** The pages measured. Defaults to FIDELITY_PAGES. */
  pages: readonly FidelityPage[];
  /** The shopper's viewport, and so the size compared, CSS pixels. Defaults to 1280×800. */
  viewport: { width: number; height: number };
  /** How long a page (live or replayed) is given once its images and fonts are in, for scripts that draw on load, ms. Defaults to 500. */
  settleMs: number;
  /** Where each page's live and replayed screenshots are written, for a look when the figure misses. Defaults to test-results/fidelity/. */
  screenshotDir: string;
}

export const defaultFidelityOptions: FidelityOptions = {
  pages: FIDELITY_PAGES,
  viewport: { width: 1280, height: 800 },
  settleMs: 500,
  screenshotDir: join(repoRoot, 'test-results/fidelity'),
};

/** Median share of matching pixels the default mode must reach, percent. */
export const FIDELITY_TARGET_PERCENT = 99.5;

/** Longest a page may take to show its images and fonts before it is measured as it is, ms. */
const ASSETS_TIMEOUT_MS = 15_000;

type Mode = 'public' | 'block';
const PROJECTS: Record<Mode, string> = { public: 'fidelity-default', block: 'fidelity-block' };

/** Whether every image of the document has loaded or failed and its fonts are in; evaluated on an element of it. */
function assetsSettled(root: Element): boolean {
  const document = root.ownerDocument;
  return [...document.images].every((image) => image.complete) && document.fonts.status === 'loaded';
}

/** Waits for assetsSettled in a frame. Polled through a locator: a replay's frame is sandboxed without scripts. */
async function settle(frame: Page | Frame, settleMs: number): Promise<void> {
  const deadline = Date.now() + ASSETS_TIMEOUT_MS;
  while (Date.now() < deadline && !(await frame.locator('html').evaluate(assetsSettled).catch(() => false))) await sleep(50);
  await sleep(settleMs);
}

async function api<T>(server: BenchServer, path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { ...server.authHeaders, 'Content-Type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
  });
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** The shopper's visit: the live screenshot and the id of the session it recorded. */
async function visit(browser: Browser, server: BenchServer, origins: FidelityOrigins, page: FidelityPage, project: string, options: FidelityOptions) {
  const before = new Set((await api<SessionList>(server, `/api/sessions?project=${project}`)).sessions.map((session) => session.id));
  const context = await browser.newContext({ viewport: options.viewport, deviceScaleFactor: 1 });
  try {
    const tab = await context.newPage();
    // A page missing one of its own files would make a broken page the standard: refuse to measure it.
    const missing: string[] = [];
    tab.on('response', (response) => {
      if (response.status() >= 400) missing.push(`${response.url()} (${response.status()})`);
    });
    tab.on('requestfailed', (request) => missing.push(`${request.url()} (${request.failure()?.errorText ?? 'failed'})`));
    await tab.goto(origins.pageUrl(page.path, project), { waitUntil: 'domcontentloaded' });
    await settle(tab, options.settleMs);
    const ownFiles = missing.filter((url) => !url.startsWith(server.url));
    if (ownFiles.length > 0) throw new Error(`${page.name} did not load all its files live: ${ownFiles.join(', ')}`);
    const live = await tab.screenshot({ type: 'png' });
    if (!(await flushRecorder(tab))) throw new Error(`the recorder did not flush on ${page.name}`);
    const after = (await api<SessionList>(server, `/api/sessions?project=${project}`)).sessions;
    const session = after.find((candidate) => !before.has(candidate.id));
    if (!session) throw new Error(`no session was recorded for ${page.name}`);
    return { live, sessionId: session.id };
  } finally {
    await context.close();
  }
}

/**
 * The replay at the session's end, screenshotted at the recorded size. The player fits a recording into the page
 * (here under 1:1, beside the side panel); for the comparison its frame is shown unscaled at the page's top left, and
 * the replayed mouse cursor hidden: both are the player's, not the recorded page's.
 */
async function replay(browser: Browser, server: BenchServer, project: string, sessionId: string, options: FidelityOptions): Promise<Buffer> {
  const { session } = await api<SessionDetail>(server, `/api/sessions/${sessionId}?project=${project}`);
  const context = await browser.newContext({ viewport: { width: options.viewport.width + 160, height: options.viewport.height + 100 }, deviceScaleFactor: 1 });
  try {
    await server.signIn(context);
    const page = await context.newPage();
    // Past the last event: a seek to its exact time leaves that event unapplied.
    const end = session.durationMs + 1_000;
    await page.goto(`${server.url}/?project=${project}#/sessions/${sessionId}?t=${end}`, { waitUntil: 'domcontentloaded' });
    await page.locator('[data-testid="replay"][data-state="ready"]').waitFor({ timeout: 30_000 });
    const frame = await (await page.locator('[data-testid="player"] iframe').elementHandle())?.contentFrame();
    if (!frame) throw new Error(`the replay of ${sessionId} has no frame`);
    await settle(frame, options.settleMs);
    await page.evaluate(() => {
      const wrapper = document.querySelector<HTMLElement>('[data-testid="player"] .replayer-wrapper');
      if (!wrapper) throw new Error('no .replayer-wrapper in the player');
      for (const [property, value] of Object.entries({ position: 'fixed', left: '0', top: '0', margin: '0', transform: 'none', 'z-index': '2147483647' })) {
        wrapper.style.setProperty(property, value, 'important');
      }
      for (const mouse of document.querySelectorAll<HTMLElement>('.replayer-mouse, .replayer-mouse-tail')) mouse.style.setProperty('display', 'none', 'important');
    });
    return await page.screenshot({ type: 'png', clip: { x: 0, y: 0, ...options.viewport } });
  } finally {
    await context.close();
  }
}

/** The share of pixels of exactly the same colour in two screenshots of one size, percent; decoded by Chromium. */
async function matchingPercent(page: Page, live: Buffer, replayed: Buffer): Promise<number> {
  // No named function inside: tsx would wrap it in a helper the page does not have.
  return page.evaluate(
    async (screenshots) => {
      const [first, second] = await Promise.all(
        screenshots.map(async (base64) => {
          const image = new Image();
          image.src = `data:image/png;base64,${base64}`;
          await image.decode();
          const canvas = new OffscreenCanvas(image.naturalWidth, image.naturalHeight);
          const context = canvas.getContext('2d')!;
          context.drawImage(image, 0, 0);
          return context.getImageData(0, 0, canvas.width, canvas.height);
        }),
      );
      if (!first || !second) return 0;
      if (first.width !== second.width || first.height !== second.height) return 0;
      const one = new Uint32Array(first.data.buffer);
      const other = new Uint32Array(second.data.buffer);
      let same = 0;
      for (let index = 0; index < one.length; index++) if (one[index] === other[index]) same++;
      return (same / one.length) * 100;
    },
    [live.toString('base64'), replayed.toString('base64')],
  );
}

export async function runFidelity(options: FidelityOptions = defaultFidelityOptions): Promise<FigureResult> {
  const server = await startBenchServer({ outbound: { allow: Object.values(FIDELITY_ADDRESSES) } });
  const origins = await startFidelityOrigins(server.url);
  const browser = await launchChromium();
  try {
    for (const key of Object.values(PROJECTS)) await api(server, '/api/projects', { method: 'POST', body: JSON.stringify({ name: key, key }) });
    const defaultMode = await api<{ mode: string }>(server, `/api/settings/assets?project=${PROJECTS.public}`);
    if (defaultMode.mode !== 'public') throw new Error(`a new project's asset mode is ${defaultMode.mode}, not public`);
    await api(server, `/api/settings/assets?project=${PROJECTS.block}`, { method: 'PUT', body: JSON.stringify({ mode: 'block', origins: [] }) });

    mkdirSync(options.screenshotDir, { recursive: true });
    const comparer = await browser.newPage();
    const percents: Record<Mode, number[]> = { public: [], block: [] };
    const perPage: Array<{ page: string } & Record<Mode, number>> = [];
    for (const page of options.pages) {
      const row = { page: page.name } as { page: string } & Record<Mode, number>;
      for (const mode of ['public', 'block'] as const) {
        const { live, sessionId } = await visit(browser, server, origins, page, PROJECTS[mode], options);
        const replayed = await replay(browser, server, PROJECTS[mode], sessionId, options);
        const file = page.path.replace(/\W+/g, '-').replace(/^-|-$/g, '');
        writeFileSync(join(options.screenshotDir, `${file}.${mode}.live.png`), live);
        writeFileSync(join(options.screenshotDir, `${file}.${mode}.replay.png`), replayed);
        row[mode] = await matchingPercent(comparer, live, replayed);
        percents[mode].push(row[mode]);
      }
      perPage.push(row);
    }
    const percent = (value: number) => `${value.toFixed(2)} %`;
    return {
      rows: [{
        figure: '7 fidelity',
        what: `replay pixels matching the live page, median of ${options.pages.length} pages, default mode`,
        measured: { value: median(percents.public), unit: 'percent' },
        baseline: { what: 'block mode', measured: { value: median(percents.block), unit: 'percent' } },
        target: { on: 'value', op: '>=', limit: FIDELITY_TARGET_PERCENT },
      }],
      notes: [
        `Fidelity at ${options.viewport.width}×${options.viewport.height}, pixels of exactly the same colour, default mode (block): ` +
          perPage.map((row) => `${row.page} ${percent(row.public)} (${percent(row.block)})`).join('; ') +
          `. Screenshots in ${options.screenshotDir}.`,
      ],
      details: { perPage, viewport: options.viewport },
    };
  } finally {
    await browser.close();
    await origins.close();
    await server.close();
  }
}
