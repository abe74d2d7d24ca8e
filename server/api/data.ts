/**
 * Deleting and exporting recorded data, and the retention setting: DELETE /api/sessions/:id,
 * DELETE /api/users/:userId, GET /api/sessions/:id/export, GET /api/deletions, GET and PUT /api/settings/retention.
 */
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { requireManage } from '../http/credential.ts';
import { HttpError } from '../http/errors.ts';
import { requestProject, unknownProject } from '../http/project-scope.ts';
import { parseOrThrow } from '../http/validation.ts';
import type {
  DeletionLogEntry,
  DeletionLogResponse,
  RetentionResponse,
  UserDeletionResponse,
} from '../../contract/access.ts';
import type { Store } from '../storage/store.ts';
import { integer, projectParam, text } from './query-params.ts';
import type { RouteDoc } from './route-doc.ts';
import { findSession } from './sessions.ts';
import type { SessionSummary } from '../../contract/api.ts';

/** Longest retention accepted: ten years. */
export const MAX_RETENTION_DAYS = 3650;
const MAX_LOG_PAGE = 500;

const retentionBody = z.strictObject({
  days: z.number().int().gt(0).max(MAX_RETENTION_DAYS).nullable(),
});
const logQuery = z.strictObject({
  limit: integer.pipe(z.number().min(1).max(MAX_LOG_PAGE)).default(100),
  offset: integer.default(0),
  // A session or user id in clear: the log keeps only its keyed hash, so this is how to ask whether it was erased.
  subject: text.optional(),
  ...projectParam,
});

/** A file name safe in a header whatever the session id holds. */
function exportFileName(sessionId: string): string {
  return `sightline-session-${sessionId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100)}.json`;
}

/** Writes and waits for the socket to drain when it asks to, so a long session never sits whole in memory. */
async function write(res: Response, text: string): Promise<void> {
  if (!res.write(text)) await new Promise((resolve) => res.once('drain', resolve));
}

/** Streams the export: one events page at a time, whole chunks each, read with the events API's page size. */
async function streamExport(store: Store, session: SessionSummary, pageSize: number, res: Response): Promise<void> {
  await write(res, `{"session":${JSON.stringify(session)},"windows":{`);
  for (const [index, windowId] of session.windows.entries()) {
    await write(res, `${index > 0 ? ',' : ''}${JSON.stringify(windowId)}:[`);
    let first = true;
    let cursor: number | null = 0;
    while (cursor !== null) {
      const page = await store.readEvents({ sessionId: session.id, windowId, fromSeq: cursor, minEvents: pageSize });
      if (page.events.length > 0) {
        await write(res, `${first ? '' : ','}${page.events.map((event) => JSON.stringify(event)).join(',')}`);
        first = false;
      }
      cursor = page.nextSeq;
    }
    await write(res, ']');
  }
  res.end('}}');
}

const retentionPath = '/api/settings/retention';
export const dataRoutes: RouteDoc[] = [
  {
    method: 'delete',
    path: '/api/sessions/:id',
    tag: 'Sessions',
    summary: 'Deletes a session and everything derived from it',
    description:
      'Its chunks, every row derived from it and its share of the heatmap buckets and page counts, in one ' +
      'transaction; logged.',
    access: 'manage',
    scoped: true,
    params: { id: 'The session id' },
    responses: { 204: 'Deleted' },
    errors: { 404: 'session_not_found' },
  },
  {
    method: 'delete',
    path: '/api/users/:userId',
    tag: 'Sessions',
    summary: "Deletes every session of the project identified with the user id",
    description: 'One call per project erases a user everywhere; logged.',
    access: 'manage',
    scoped: true,
    params: { userId: 'The id given to identify()' },
    responses: { 200: '{ deletedSessions }' },
  },
  {
    method: 'get',
    path: '/api/sessions/:id/export',
    tag: 'Sessions',
    summary: 'The session as a download: { session, windows: { [windowId]: events } }',
    description: "Each window's rrweb events in recorded order; each array replays on its own in rrweb-player.",
    access: 'read',
    scoped: true,
    params: { id: 'The session id' },
    responses: { 200: 'The session and its events, with Content-Disposition: attachment' },
    errors: { 404: 'session_not_found' },
  },
  {
    method: 'get',
    path: '/api/deletions',
    tag: 'Sessions',
    summary: "The project's deletion log, newest first",
    description: 'Subjects are kept as a keyed hash: `subject` asks whether that session or user id was erased.',
    access: 'read',
    scoped: true,
    query: logQuery,
    responses: { 200: '{ deletions: [{ id, at, kind, subject, sessions, detail }] }' },
  },
  {
    method: 'get',
    path: retentionPath,
    tag: 'Settings',
    summary: 'How many days sessions are kept after they end',
    access: 'read',
    scoped: true,
    responses: { 200: '{ days } (null keeps them forever)' },
  },
  {
    method: 'put',
    path: retentionPath,
    tag: 'Settings',
    summary: 'Sets how many days sessions are kept after they end',
    access: 'manage',
    scoped: true,
    body: retentionBody,
    responses: { 200: '{ days }' },
  },
];

export function dataRouter({ store, config }: { store: Store; config: Config }): Router {
  const router = Router();

  router.delete('/api/sessions/:id', requireManage, async (req, res) => {
    const project = await requestProject(req, store);
    const sessionId = String(req.params.id);
    if (!(await store.deleteSession(project.id, sessionId))) {
      throw new HttpError(404, 'session_not_found', `No session with id "${sessionId}"`);
    }
    res.status(204).end();
  });

  router.delete('/api/users/:userId', requireManage, async (req, res) => {
    const project = await requestProject(req, store);
    const body: UserDeletionResponse = { deletedSessions: await store.deleteUserSessions(project.id, String(req.params.userId)) };
    res.json(body);
  });

  router.get('/api/sessions/:id/export', async (req, res) => {
    const session = await findSession(req, store, req.params.id);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(session.id)}"`);
    await streamExport(store, session, config.eventsPageSize, res);
  });

  router.get('/api/deletions', async (req, res) => {
    const { limit, offset, subject } = parseOrThrow(logQuery, req.query, 'invalid_query');
    const project = await requestProject(req, store);
    const body: DeletionLogResponse = { deletions: await store.listDeletions({ projectId: project.id, limit, offset, subject }) };
    res.json(body);
  });

  router.get('/api/settings/retention', async (req, res) => {
    const { retentionDays } = await requestProject(req, store);
    const body: RetentionResponse = { days: retentionDays };
    res.json(body);
  });

  router.put('/api/settings/retention', requireManage, express.json({ limit: '1kb' }), async (req, res) => {
    const project = await requestProject(req, store);
    const { days } = parseOrThrow(retentionBody, req.body, 'invalid_body');
    if (!(await store.setRetentionDays(project.key, days))) throw unknownProject(project.key);
    const body: RetentionResponse = { days };
    res.json(body);
  });

  return router;
}
