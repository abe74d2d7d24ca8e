/** Shared by the API tests: building and posting batches, reading events back, checking the error shape. */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { ApiError } from '../../contract/reason-codes.ts';
import type { EventPage } from '../../contract/api.ts';
import type { IngestAck, IngestBatch, RecordedEvent } from '../../contract/protocol.ts';
import { adminFetch } from '../../support/server.ts';

export const CHROME_MAC_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

export function newId(): string {
  return randomUUID();
}

export function makeBatch(events: RecordedEvent[], fields: Partial<IngestBatch> = {}): IngestBatch {
  return { v: 1, project: 'demo', sessionId: newId(), windowId: newId(), seq: 0, sentAt: Date.now(), events, ...fields };
}

export interface PostOptions {
  gzip?: boolean;
  headers?: Record<string, string>;
}

/** Posts a batch as the recorder does: text/plain, optionally gzipped. */
export function postBatch(baseUrl: string, batch: unknown, { gzip = false, headers = {} }: PostOptions = {}) {
  const json = JSON.stringify(batch);
  return postBody(baseUrl, gzip ? gzipSync(json) : json, headers);
}

export function postBody(baseUrl: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  return fetch(`${baseUrl}/api/ingest`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain', 'User-Agent': CHROME_MAC_UA, ...headers },
    // A copy, because fetch's types take only ArrayBuffer-backed views and Node's Buffer may be pooled.
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
}

/** Posts a batch and expects it to be accepted. */
export async function ingest(baseUrl: string, batch: IngestBatch, options?: PostOptions): Promise<IngestAck> {
  const response = await postBatch(baseUrl, batch, options);
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body as IngestAck;
}

/** Splits events into batches of at most `size` events with seq 0, 1, 2, … */
export function splitIntoBatches(events: RecordedEvent[], size: number, fields: Partial<IngestBatch>): IngestBatch[] {
  const batches: IngestBatch[] = [];
  for (let start = 0; start < events.length; start += size) {
    batches.push(makeBatch(events.slice(start, start + size), { ...fields, seq: batches.length }));
  }
  return batches;
}

/** Follows the events API's cursor to the end; returns every event and the pages seen. */
export async function readAllEvents(
  baseUrl: string,
  sessionId: string,
  query: { window?: string; limit?: number } = {},
): Promise<{ events: EventPage['events']; pages: EventPage[] }> {
  const pages: EventPage[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams();
    if (query.window) params.set('window', query.window);
    if (query.limit) params.set('limit', String(query.limit));
    if (cursor !== null) params.set('cursor', cursor);
    const response = await adminFetch(`${baseUrl}/api/sessions/${sessionId}/events?${params}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as EventPage;
    pages.push(page);
    cursor = page.nextCursor;
    // A cursor that does not advance would loop forever; fail instead.
    expect(pages.length).toBeLessThan(10_000);
  } while (cursor !== null);
  return { events: pages.flatMap((page) => page.events), pages };
}

/** Asserts the one error shape of the API and returns the error for further checks. */
export async function expectApiError(response: Response, status: number, code: string): Promise<ApiError['error']> {
  const body = (await response.json()) as ApiError;
  expect({ status: response.status, code: body.error?.code }).toEqual({ status, code });
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}
