import { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { HttpError } from '../http/errors.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { Store } from '../storage/store.ts';
import type { EventPage, SessionDetail, SessionList, SessionSummary } from './types.ts';

/** Largest `limit` of the session list and of an events page. */
const MAX_SESSIONS_PER_PAGE = 200;
const MAX_EVENTS_PER_PAGE = 50_000;

// Query values arrive as strings; a repeated key arrives as an array and is refused.
const integer = z
  .string()
  .regex(/^\d{1,15}$/, 'expected a non-negative integer')
  .transform(Number);
const text = z.string().min(1).max(2048);

const listQuery = z.strictObject({
  from: integer.optional(),
  to: integer.optional(),
  url: text.optional(),
  minDurationMs: integer.optional(),
  userId: text.optional(),
  device: z.enum(['mobile', 'tablet', 'desktop']).optional(),
  limit: integer.pipe(z.number().min(1).max(MAX_SESSIONS_PER_PAGE)).default(50),
  offset: integer.default(0),
});

const eventsQuery = z.strictObject({
  window: text.optional(),
  cursor: integer.optional(),
  limit: integer.pipe(z.number().min(1).max(MAX_EVENTS_PER_PAGE)).optional(),
});

async function findSession(store: Store, id: string): Promise<SessionSummary> {
  const session = await store.getSession(id);
  if (!session) throw new HttpError(404, 'session_not_found', `No session with id "${id}"`);
  return session;
}

/** GET /api/sessions, /api/sessions/:id and /api/sessions/:id/events. */
export function sessionsRouter({ store, config }: { store: Store; config: Config }): Router {
  const router = Router();

  router.get('/api/sessions', async (req, res) => {
    const { limit, offset, ...filters } = parseOrThrow(listQuery, req.query, 'invalid_query');
    const { sessions, total } = await store.listSessions({ ...filters, limit, offset });
    const body: SessionList = { sessions, total, limit, offset };
    res.json(body);
  });

  router.get('/api/sessions/:id', async (req, res) => {
    const session = await findSession(store, req.params.id);
    const body: SessionDetail = { session, marks: await store.listMarks(session.id) };
    res.json(body);
  });

  router.get('/api/sessions/:id/events', async (req, res) => {
    const query = parseOrThrow(eventsQuery, req.query, 'invalid_query');
    const session = await findSession(store, req.params.id);
    const windowId = query.window ?? session.windows[0];
    if (windowId === undefined || !session.windows.includes(windowId)) {
      throw new HttpError(404, 'window_not_found', `Session ${session.id} has no window "${query.window}"`);
    }
    const page = await store.readEvents({
      sessionId: session.id,
      windowId,
      fromSeq: query.cursor ?? 0,
      minEvents: query.limit ?? config.eventsPageSize,
    });
    const body: EventPage = { events: page.events, nextCursor: page.nextSeq === null ? null : String(page.nextSeq) };
    res.json(body);
  });

  return router;
}
