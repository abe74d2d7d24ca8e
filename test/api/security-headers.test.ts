import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { makeBatch } from './support.ts';

/** The viewer's headers, exactly; the CSP is checked directive by directive below. */
const viewerHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

function directives(response: Response): Map<string, string> {
  const policy = response.headers.get('content-security-policy') ?? '';
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const [name, ...values] = part.split(/\s+/);
        return [name!, values.join(' ')] as const;
      }),
  );
}

function expectViewerHeaders(response: Response) {
  for (const [name, value] of Object.entries(viewerHeaders)) expect(response.headers.get(name), name).toBe(value);
  expect(response.headers.get('permissions-policy')).toMatch(/camera=\(\)/);
  expect(Object.fromEntries(directives(response))).toEqual({
    'default-src': "'self'",
    'script-src': "'self'",
    'style-src': "'self' 'unsafe-inline'",
    'img-src': "'self' data: blob:",
    'font-src': "'self' data:",
    'connect-src': "'self'",
    'frame-src': "'self' about: blob:",
    'frame-ancestors': "'none'",
    'base-uri': "'none'",
    'form-action': "'none'",
    'object-src': "'none'",
  });
}

function expectNoViewerHeaders(response: Response) {
  expect(response.headers.get('content-security-policy')).toBeNull();
  expect(response.headers.get('x-frame-options')).toBeNull();
}

describe('security headers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('GET / (the viewer page) carries the strict CSP and the other headers', async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expectViewerHeaders(response);
  });

  test('GET a viewer asset carries them too', async () => {
    const asset = readdirSync(join(server.config.distDir, 'viewer', 'assets')).find((name) => name.endsWith('.js'));
    const response = await fetch(`${server.url}/assets/${asset}`);
    expect(response.status).toBe(200);
    expectViewerHeaders(response);
  });

  test('API answers carry them, refusals included', async () => {
    const refused = await fetch(`${server.url}/api/sessions`);
    expect(refused.status).toBe(401);
    expectViewerHeaders(refused);
    const answered = await fetch(`${server.url}/api/sessions`, { headers: server.authHeaders });
    expect(answered.status).toBe(200);
    expectViewerHeaders(answered);
  });

  test('the demo store gets no viewer policy: it plays a store', async () => {
    const response = await fetch(`${server.url}/demo/`);
    expect(response.status).toBe(200);
    expectNoViewerHeaders(response);
  });

  test('what stores load cross-origin gets no viewer policy: /recorder.js and POST /api/ingest', async () => {
    const recorder = await fetch(`${server.url}/recorder.js`);
    expect(recorder.status).toBe(200);
    expect(recorder.headers.get('access-control-allow-origin')).toBe('*');
    expectNoViewerHeaders(recorder);
    const ingest = await fetch(`${server.url}/api/ingest`, { method: 'POST', body: JSON.stringify(makeBatch([])) });
    expect(ingest.headers.get('access-control-allow-origin')).toBe('*');
    expectNoViewerHeaders(ingest);
  });
});
