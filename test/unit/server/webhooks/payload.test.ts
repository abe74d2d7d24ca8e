import { describe, expect, test } from 'vitest';
import { replayUrl, resolvePublicUrl, webhookBody } from '../../../../server/webhooks/payload.ts';
import { parseHash, replayHref, startOffsetFromQuery } from '../../../../viewer/src/lib/routes.ts';

describe('webhooks | payload', () => {
  test('a replay URL opens the viewer at the session, window and moment, in the viewer\'s own link format', () => {
    const url = replayUrl('https://sightline.example/', 'session/1', 'window-2', 4321.4);
    expect(url).toBe('https://sightline.example/#/sessions/session%2F1?t=4321&window=window-2');
    expect(url.slice('https://sightline.example/'.length)).toBe(replayHref('session/1', { t: 4321.4, window: 'window-2' }));
    const route = parseHash(new URL(url).hash);
    expect(route).toMatchObject({ page: 'replay', sessionId: 'session/1' });
    if (route.page !== 'replay') throw new Error('not a replay route');
    expect(startOffsetFromQuery(route.query)).toBe(4321);
    expect(route.query.get('window')).toBe('window-2');
  });

  test('a base URL under a sub-path keeps it', () => {
    expect(replayUrl('https://shop.example/sightline', 's', null, null)).toBe('https://shop.example/sightline/#/sessions/s');
  });

  test('the public URL defaults to the listen address', () => {
    expect(resolvePublicUrl({ publicUrl: null, port: 8787 })).toBe('http://localhost:8787');
    expect(resolvePublicUrl({ publicUrl: 'https://s.example', port: 8787 })).toBe('https://s.example');
  });

  test('the body carries id, type, createdAt, project, session with its replay link, and data; the same on every build', () => {
    const event = {
      id: 'evt_1',
      type: 'rage_click' as const,
      createdAt: 1_700_000_000_000,
      project: 'demo',
      sessionId: 's1',
      userId: 'customer-7',
      windowId: 'w1',
      replayOffsetMs: 1500,
      data: { selector: '#pay', clicks: 4 },
    };
    const body = webhookBody(event, 'http://localhost:8787');
    expect(JSON.parse(body)).toEqual({
      id: 'evt_1',
      type: 'rage_click',
      createdAt: 1_700_000_000_000,
      project: 'demo',
      session: { id: 's1', userId: 'customer-7', replayUrl: 'http://localhost:8787/#/sessions/s1?t=1500&window=w1' },
      data: { selector: '#pay', clicks: 4 },
    });
    expect(webhookBody(event, 'http://localhost:8787')).toBe(body);
    expect(JSON.parse(webhookBody({ ...event, type: 'test', sessionId: null }, 'http://x')).session).toBeNull();
  });
});
