/** Shared by the server-event API tests: making a project's server key and posting events as a store backend does. */
import { expect } from 'vitest';
import type { ServerEventsAck, ServerKeyResponse } from '../../contract/access.ts';
import type { RecordedEvent } from '../../contract/protocol.ts';
import { adminFetch, type TestServer } from '../../support/server.ts';

/** Creates (or rotates) the project's server key through the admin API and returns it. */
export async function makeServerKey(server: TestServer, project = 'demo'): Promise<string> {
  const response = await adminFetch(`${server.url}/api/projects/${project}/server-key`, { method: 'POST' });
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(201);
  return (body as ServerKeyResponse).serverKey;
}

/** POST /api/events with `Authorization: Bearer <key>` (none when key is null) and a JSON body. */
export function postEvents(server: TestServer, key: string | null, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(key === null ? {} : { Authorization: `Bearer ${key}` }), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Posts events and expects them to be accepted. */
export async function sendEvents(server: TestServer, key: string, body: unknown): Promise<ServerEventsAck> {
  const response = await postEvents(server, key, body);
  const json = await response.json();
  expect(response.status, JSON.stringify(json)).toBe(200);
  return json as ServerEventsAck;
}

/** The recorder's `identify(userId)` as it travels in a batch. */
export function identifyEvent(timestamp: number, userId: string): RecordedEvent {
  return { type: 5, data: { tag: 'sl:identify', payload: { userId, traits: {} } }, timestamp };
}
