import express, { Router, type Response } from 'express';
import { extname, join } from 'node:path';
import type { Config } from '../config.ts';
import { openCors } from './cors.ts';
import { HttpError } from './errors.ts';

/** Short, so a new recorder reaches every store within minutes, yet page views do not refetch it each time. */
const RECORDER_MAX_AGE = '5m';

/** Public URL → file in <distDir>/recorder/ (names as scripts/build.mjs writes them). */
const recorderFiles: Record<string, string> = {
  '/recorder.js': 'recorder.js',
  '/recorder.js.map': 'recorder.js.map',
  '/recorder.mjs': 'index.mjs',
  // The developer capture (console, network), which both builds import as a module when it is enabled.
  '/recorder.capture.mjs': 'capture.mjs',
};

const notBuilt = (what: 'recorder' | 'viewer') =>
  new HttpError(503, `${what}_not_built` as const, `The ${what} is not built yet: run \`npm run build\`, then reload.`);

function sendOr503(res: Response, file: string, what: 'recorder' | 'viewer', next: (error: unknown) => void, maxAge: string | 0) {
  res.sendFile(file, { maxAge }, (error?: NodeJS.ErrnoException) => {
    if (!error) return;
    next(error.code === 'ENOENT' || error.code === 'ENOTDIR' ? notBuilt(what) : error);
  });
}

/** The recorder script (any origin may load it), the demo store at /demo/, and the viewer SPA at /. */
export function staticRouter(config: Config): Router {
  const router = Router();
  const recorderDir = join(config.distDir, 'recorder');
  const viewerDir = join(config.distDir, 'viewer');

  for (const [route, file] of Object.entries(recorderFiles)) {
    router.use(route, openCors('GET, HEAD, OPTIONS'));
    router.get(route, (_req, res, next) => sendOr503(res, join(recorderDir, file), 'recorder', next, RECORDER_MAX_AGE));
  }

  router.use('/demo', express.static(config.demoDir));
  router.use('/demo', (req) => {
    // The demo store is optional: without it, /demo/ answers 404 instead of falling through to the viewer.
    throw new HttpError(404, 'not_found', `The demo store has no ${req.path}`);
  });

  router.use(
    express.static(viewerDir, {
      setHeaders(res, path) {
        // Vite puts content hashes in asset names, so they never change; index.html must always be revalidated.
        const hashed = path.startsWith(join(viewerDir, 'assets'));
        res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  // Single-page app: any other GET that is not an API call or a missing file is a viewer route.
  router.use((req, res, next) => {
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    const isPage = isRead && !req.path.startsWith('/api/') && !extname(req.path);
    if (!isPage) return next();
    res.setHeader('Cache-Control', 'no-cache');
    sendOr503(res, join(viewerDir, 'index.html'), 'viewer', next, 0);
  });
  return router;
}
