import express, { Router } from 'express';
import { z } from 'zod';
import { tokensMatch } from '../auth/admin-token.ts';
import {
  clearSessionCookie,
  newSessionId,
  readSessionCookie,
  sessionIdHash,
  SESSION_TTL_MS,
  setSessionCookie,
} from '../auth/login-session.ts';
import type { Config } from '../config.ts';
import { isSignedIn, loginRequired } from '../http/auth.ts';
import { HttpError } from '../http/errors.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { AccessStore } from '../storage/access-store.ts';

/** What GET /api/me answers when signed in. */
export interface MeResponse {
  signedIn: true;
}

const loginBody = z.strictObject({ token: z.string().min(1).max(512) });

/** POST /api/login, POST /api/logout and GET /api/me: the viewer's sign-in with the admin token. */
export function authRouter({ store, config }: { store: AccessStore; config: Pick<Config, 'adminToken' | 'requireLogin'> }) {
  const router = Router();

  router.post('/api/login', express.json({ limit: '2kb' }), async (req, res) => {
    const { token } = parseOrThrow(loginBody, req.body, 'invalid_body');
    if (!config.adminToken || !tokensMatch(token, config.adminToken)) {
      throw new HttpError(401, 'invalid_token', 'That admin token is not right');
    }
    const id = newSessionId();
    const now = Date.now();
    await store.createLoginSession(sessionIdHash(id), now, now + SESSION_TTL_MS);
    setSessionCookie(req, res, id);
    const body: MeResponse = { signedIn: true };
    res.json(body);
  });

  router.post('/api/logout', async (req, res) => {
    const id = readSessionCookie(req);
    if (id) await store.deleteLoginSession(sessionIdHash(id), Date.now());
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  router.get('/api/me', async (req, res) => {
    // With login turned off everyone counts as signed in, so the viewer shows no sign-in page.
    if (config.requireLogin && !(await isSignedIn(req, { store, config }))) throw loginRequired();
    const body: MeResponse = { signedIn: true };
    res.json(body);
  });

  return router;
}
