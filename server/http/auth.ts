import type { Request, RequestHandler } from 'express';
import { tokensMatch } from '../auth/admin-token.ts';
import { readSessionCookie, sessionIdHash } from '../auth/login-session.ts';
import type { Config } from '../config.ts';
import type { AccessStore } from '../storage/access-store.ts';
import { HttpError } from './errors.ts';

export interface AuthContext {
  store: Pick<AccessStore, 'isLoginSessionValid'>;
  config: Pick<Config, 'adminToken' | 'requireLogin'>;
}

/**
 * API calls anyone may make: the recorder's ingest (its project key is public), a store backend's events (the route
 * checks its server key itself) and signing in and out.
 */
function isPublicApiCall(req: Request): boolean {
  // Preflights carry no credentials by design; routes without CORS headers still refuse the real request.
  if (req.method === 'OPTIONS') return true;
  if (req.path === '/api/ingest' || req.path === '/api/events') return req.method === 'POST';
  return req.path === '/api/login' || req.path === '/api/logout';
}

/**
 * True when the request carries the admin token as `Authorization: Bearer …` or a live sign-in cookie.
 * Only these two: an ingest key is never a credential here, so it can write but never read.
 */
export async function isSignedIn(req: Request, { store, config }: AuthContext): Promise<boolean> {
  const authorization = req.get('authorization');
  if (authorization && config.adminToken) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization);
    if (match && tokensMatch(match[1]!.trim(), config.adminToken)) return true;
  }
  const sessionId = readSessionCookie(req);
  return sessionId !== undefined && (await store.isLoginSessionValid(sessionIdHash(sessionId), Date.now()));
}

export const loginRequired = () => new HttpError(401, 'login_required', 'Sign in to use the Sightline API');

/** Guards every /api route but the public ones; the viewer's files, /recorder.js and /demo/ stay public. */
export function requireLogin(context: AuthContext): RequestHandler {
  return async (req, _res, next) => {
    const isApi = req.path === '/api' || req.path.startsWith('/api/');
    if (!context.config.requireLogin || !isApi || isPublicApiCall(req)) return next();
    if (!(await isSignedIn(req, context))) throw loginRequired();
    next();
  };
}
