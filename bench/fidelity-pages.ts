/**
 * The pages of the fidelity figure and the origins they are served from. Real pages that ship with the tests
 * (test/fixtures/pages/, licences and changes in SOURCES.md beside them), laid out as a store's are: the page on the
 * store's origin, its own stylesheet on a static host, its icon font's CSS and font on a font CDN, its product images
 * on an image CDN. Each origin is its own loopback address, so each is a cross-origin host to the browser and to the
 * asset proxy (which reaches them through SIGHTLINE_OUTBOUND_ALLOW, as it would reach public hosts).
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAssetHost, type AssetHost } from '../support/asset-host.ts';
import { repoRoot } from './shared.ts';

export interface FidelityPage {
  /** As the table's notes name it. */
  name: string;
  /** Path on the store's origin. */
  path: string;
}

export const FIDELITY_PAGES: readonly FidelityPage[] = [
  { name: 'Start Bootstrap shop homepage', path: '/startbootstrap-shop-homepage/index.html' },
  { name: 'Start Bootstrap shop item', path: '/startbootstrap-shop-item/index.html' },
  { name: 'rrweb test form', path: '/rrweb-test-form/form.html' },
  { name: 'heatmap.js legend example', path: '/heatmap-js-examples/heatmap-legend.html' },
  { name: 'heatmap.js mouse-move example', path: '/heatmap-js-examples/mousemove-heatmap.html' },
];

/** One loopback address per origin; the asset proxy's allow-list holds them all. */
export const FIDELITY_ADDRESSES = { store: '127.0.0.2', static: '127.0.0.3', fonts: '127.0.0.4', images: '127.0.0.5' } as const;

const pagesDir = fileURLToPath(new URL('../test/fixtures/pages/', import.meta.url));
const cdnDir = join(pagesDir, 'cdn');
/** The heatmap.js examples load the library from /build/, as in its own repository: served from the installed package. */
const HEATMAP_BUILD = join(repoRoot, 'node_modules/heatmap.js/build/heatmap.js');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface FidelityOrigins {
  /** The page at `path` on the store's origin, with Sightline's recorder tag for `project`. */
  pageUrl(path: string, project: string): string;
  hosts: AssetHost[];
  close(): Promise<void>;
}

/** A file under `root`, or undefined for a path outside it or no file. */
async function fixture(root: string, path: string): Promise<Buffer | undefined> {
  const relative = normalize(decodeURIComponent(path)).replace(/^\/+/, '');
  if (relative.startsWith('..')) return undefined;
  return readFile(join(root, relative)).catch(() => undefined);
}

/** Starts the four origins; `sightlineUrl` is where the recorder script and the ingest endpoint are. */
export async function startFidelityOrigins(sightlineUrl: string): Promise<FidelityOrigins> {
  const hosts: Partial<Record<keyof typeof FIDELITY_ADDRESSES, AssetHost>> = {};
  const originOf = (name: keyof typeof FIDELITY_ADDRESSES) => hosts[name]!.url;

  /**
   * Serves the files under `root`; `transform` may rewrite HTML. Every answer allows any origin, as CDNs do (web
   * fonts need it).
   */
  const serve = (root: string, transform?: (html: string, url: URL) => string) =>
    async (req: { url?: string }, res: import('node:http').ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://fixture');
      const body = url.pathname === '/build/heatmap.js' ? await readFile(HEATMAP_BUILD) : await fixture(root, url.pathname);
      if (!body) return void res.writeHead(404).end();
      const type = TYPES[extname(url.pathname)] ?? 'application/octet-stream';
      const headers: Record<string, string> = { 'Content-Type': type, 'Access-Control-Allow-Origin': '*' };
      if (type.startsWith('text/html') && transform) return void res.writeHead(200, headers).end(transform(body.toString('utf8'), url));
      res.writeHead(200, headers).end(body);
    };

  hosts.static = await startAssetHost(serve(pagesDir), FIDELITY_ADDRESSES.static);
  // The CDNs serve what test/fixtures/pages/cdn/ holds, from their root.
  hosts.fonts = await startAssetHost(serve(cdnDir), FIDELITY_ADDRESSES.fonts);
  hosts.images = await startAssetHost(serve(cdnDir), FIDELITY_ADDRESSES.images);
  hosts.store = await startAssetHost(
    serve(pagesDir, (html, url) => {
      const tokens: Record<string, string> = { STATIC_HOST: originOf('static'), FONT_CDN: originOf('fonts'), IMAGE_CDN: originOf('images') };
      const project = url.searchParams.get('project') ?? '';
      // In the head, before the page's own scripts, as docs/recorder.md tells a store to put it.
      const tag = `<script src="${sightlineUrl}/recorder.js" data-project="${project}"></script>`;
      return html.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => tokens[name] ?? whole).replace(/<\/head>/i, `${tag}</head>`);
    }),
    FIDELITY_ADDRESSES.store,
  );
  const all = Object.values(hosts) as AssetHost[];
  return {
    pageUrl: (path, project) => `${originOf('store')}${path}?project=${encodeURIComponent(project)}`,
    hosts: all,
    async close() {
      for (const host of all) await host.close();
    },
  };
}
