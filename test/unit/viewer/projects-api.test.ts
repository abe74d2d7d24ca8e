import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  createProject,
  createServerKey,
  embedSnippet,
  newProjectBody,
  retentionText,
  rotateViewerToken,
  saveAllowedOrigins,
  saveRetention,
  tokenText,
} from '../../../viewer/src/lib/projects-api.ts';

describe('viewer | projects panel words', () => {
  test('the recorder tag loads recorder.js from the viewer’s own server, with the project key and async', () => {
    expect(embedSnippet('https://sightline.example.com/?project=demo#/settings', 'outdoor')).toBe(
      '<script src="https://sightline.example.com/recorder.js" data-project="outdoor" async></script>',
    );
    expect(embedSnippet('http://127.0.0.1:8787/', 'demo')).toBe('<script src="http://127.0.0.1:8787/recorder.js" data-project="demo" async></script>');
  });

  test('a key with HTML in it cannot break out of its attribute', () => {
    expect(embedSnippet('https://s.example/', 'a"><img src=x onerror=alert(1)>&')).toBe(
      '<script src="https://s.example/recorder.js" data-project="a&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;" async></script>',
    );
  });

  test.each([
    [null, 'Kept forever'],
    [1, 'Kept 1 day'],
    [30, 'Kept 30 days'],
  ])('retention %s reads "%s"', (days, text) => {
    expect(retentionText(days)).toBe(text);
  });

  test.each([
    [[], 'no viewer token'],
    [['read'], 'read-only token'],
    [['manage'], 'manage token'],
    [['read', 'manage'], 'read-only and manage tokens'],
  ] as const)('tokens %j read "%s"', (roles, text) => {
    expect(tokenText([...roles])).toBe(text);
  });

  test('a blank key is left out of a new project, so the server generates one; a key is trimmed', () => {
    expect(newProjectBody('Outdoor shop', '  ', 'read')).toEqual({ name: 'Outdoor shop', role: 'read' });
    expect(newProjectBody('Outdoor shop', ' outdoor ', 'manage')).toEqual({ name: 'Outdoor shop', key: 'outdoor', role: 'manage' });
  });
});

describe('viewer | projects API client', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  function recordRequests(answer: unknown = {}) {
    const requests: Array<{ url: string; method: string; body: unknown }> = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      requests.push({ url, method: init.method ?? 'GET', body: init.body === undefined ? undefined : JSON.parse(String(init.body)) });
      return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
    });
    return requests;
  }

  test('each call goes to its route with its method and body, the key escaped in the path', async () => {
    const requests = recordRequests();
    await createProject('Outdoor shop', '', 'read');
    await rotateViewerToken('out door', 'manage');
    await createServerKey('outdoor');
    await saveAllowedOrigins('outdoor', ['https://shop.example']);
    await saveRetention('out door', 30);
    expect(requests).toEqual([
      { url: '/api/projects', method: 'POST', body: { name: 'Outdoor shop', role: 'read' } },
      { url: '/api/projects/out%20door/viewer-token', method: 'POST', body: { role: 'manage' } },
      { url: '/api/projects/outdoor/server-key', method: 'POST', body: undefined },
      { url: '/api/projects/outdoor/origins', method: 'PUT', body: { origins: ['https://shop.example'] } },
      { url: '/api/settings/retention?project=out+door', method: 'PUT', body: { days: 30 } },
    ]);
  });

  test("a refusal comes out as the server's message", async () => {
    vi.stubGlobal('fetch', async () =>
      new Response(JSON.stringify({ error: { code: 'project_exists', message: 'A project already has the key "demo"' } }), { status: 409 }),
    );
    await expect(createProject('Again', 'demo', 'read')).rejects.toMatchObject({ code: 'project_exists', status: 409, message: 'A project already has the key "demo"' });
  });
});
