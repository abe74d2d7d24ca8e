import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { adminFetch, startTestServer, type TestServer } from '../../support/server.ts';
import { expectApiError } from './support.ts';

// A stand-in build and demo folder written by the test, so these tests do not depend on `npm run build`.
const RECORDER_SOURCE = 'window.__sightlineTestRecorder = 1;\n//# sourceMappingURL=recorder.js.map\n';
const RECORDER_ESM = 'export const init = () => {};\n';
const CAPTURE_ESM = 'export const apiVersion = 1;\n';
const VIEWER_HTML = '<!doctype html><title>Sightline viewer</title><div id="app"></div>';
const VIEWER_ASSET = 'console.log("viewer");';
const DEMO_HTML = '<!doctype html><title>Demo store</title>';

function makeSite(root: string): { distDir: string; demoDir: string } {
  const distDir = join(root, 'dist');
  const demoDir = join(root, 'demo');
  mkdirSync(join(distDir, 'recorder'), { recursive: true });
  mkdirSync(join(distDir, 'viewer', 'assets'), { recursive: true });
  mkdirSync(demoDir);
  writeFileSync(join(distDir, 'recorder', 'recorder.js'), RECORDER_SOURCE);
  writeFileSync(join(distDir, 'recorder', 'recorder.js.map'), '{"version":3,"sources":[],"mappings":""}');
  writeFileSync(join(distDir, 'recorder', 'index.mjs'), RECORDER_ESM);
  writeFileSync(join(distDir, 'recorder', 'capture.mjs'), CAPTURE_ESM);
  writeFileSync(join(distDir, 'viewer', 'index.html'), VIEWER_HTML);
  writeFileSync(join(distDir, 'viewer', 'assets', 'index-3f2a1b.js'), VIEWER_ASSET);
  writeFileSync(join(demoDir, 'index.html'), DEMO_HTML);
  return { distDir, demoDir };
}

describe('static files', () => {
  let root: string;
  let built: TestServer;
  let bare: TestServer;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'sightline-static-'));
    built = await startTestServer(makeSite(root));
    bare = await startTestServer({ distDir: join(root, 'missing-dist'), demoDir: join(root, 'missing-demo') });
  });
  afterAll(async () => {
    await built.close();
    await bare.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('serves /recorder.js to any origin with a short cache', async () => {
    const response = await fetch(`${built.url}/recorder.js`, { headers: { Origin: 'https://store.example' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(RECORDER_SOURCE);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
  });

  test('serves the source map and the ESM build', async () => {
    const map = await fetch(`${built.url}/recorder.js.map`);
    expect(map.status).toBe(200);
    expect(await map.json()).toMatchObject({ version: 3 });
    const esm = await fetch(`${built.url}/recorder.mjs`);
    expect(esm.status).toBe(200);
    expect(esm.headers.get('content-type')).toMatch(/javascript/);
    expect(await esm.text()).toBe(RECORDER_ESM);
  });

  test('serves the developer capture as a module any store page may import', async () => {
    const response = await fetch(`${built.url}/recorder.capture.mjs`, { headers: { Origin: 'https://store.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    // A cross-origin module import is a CORS request: without this header the browser refuses the module.
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBeNull();
    expect(await response.text()).toBe(CAPTURE_ESM);
  });

  test('answers a preflight for /recorder.js with 204', async () => {
    const response = await fetch(`${built.url}/recorder.js`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://store.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('serves the viewer at / and its routes through the SPA fallback', async () => {
    for (const path of ['/', '/sessions', '/sessions/abc-123']) {
      const response = await fetch(`${built.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toBe(VIEWER_HTML);
      expect(response.headers.get('cache-control')).toBe('no-cache');
    }
  });

  test('caches hashed viewer assets for good and 404s missing ones instead of sending index.html', async () => {
    const asset = await fetch(`${built.url}/assets/index-3f2a1b.js`);
    expect(await asset.text()).toBe(VIEWER_ASSET);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    await expectApiError(await fetch(`${built.url}/assets/gone-000000.js`), 404, 'not_found');
  });

  test('does not answer unknown API routes with the viewer', async () => {
    await expectApiError(await adminFetch(`${built.url}/api/no-such-report`), 404, 'not_found');
  });

  test('serves the demo store at /demo/', async () => {
    const response = await fetch(`${built.url}/demo/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(DEMO_HTML);
  });

  test('answers 503 viewer_not_built at / when the viewer is not built', async () => {
    const error = await expectApiError(await fetch(`${bare.url}/`), 503, 'viewer_not_built');
    expect(error.message).toContain('npm run build');
  });

  test('answers 503 recorder_not_built for /recorder.js when the recorder is not built', async () => {
    const response = await fetch(`${bare.url}/recorder.js`);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const error = await expectApiError(response, 503, 'recorder_not_built');
    expect(error.message).toContain('npm run build');
  });

  test('answers /demo/ with 404 when there is no demo store, without crashing', async () => {
    await expectApiError(await fetch(`${bare.url}/demo/`), 404, 'not_found');
    expect((await adminFetch(`${bare.url}/api/sessions`)).status).toBe(200);
  });
});
