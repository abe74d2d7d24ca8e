import type { Request, RequestHandler } from 'express';
import { tokensMatch } from '../auth/admin-token.ts';
import { readSessionCookie, sessionIdHash } from '../auth/login-session.ts';
import { viewerTokenHash } from '../auth/viewer-token.ts';
import type { Config } from '../config.ts';
import type { AccessStore } from '../storage/access-store.ts';
import { ADMIN, setRequestCredential, type Credential } from './credential.ts';
import { HttpError } from './errors.ts';

export interface AuthContext {
  store: Pick<AccessStore, 'findLoginSession' | 'findProjectByViewerToken'>;
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

/** What a token signs in as: the admin token, a project's viewer token, or nothing. */
export async function tokenCredential(token: string, { store, config }: AuthContext): Promise<Credential | undefined> {
  if (config.adminToken && tokensMatch(token, config.adminToken)) return ADMIN;
  const project = await store.findProjectByViewerToken(viewerTokenHash(token));
  return project && { scope: 'project', projectId: project.id };
}

/**
 * The request's credential from `Authorization: Bearer <admin or viewer token>` or a live sign-in cookie, or
 * undefined. Only these: an ingest key is never a credential here, so it can write but never read.
 */
export async function requestSignIn(req: Request, context: AuthContext): Promise<Credential | undefined> {
  const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
  const fromToken = match ? await tokenCredential(match[1]!.trim(), context) : undefined;
  if (fromToken) return fromToken;
  const sessionId = readSessionCookie(req);
  if (sessionId === undefined) return undefined;
  const login = await context.store.findLoginSession(sessionIdHash(sessionId), Date.now());
  if (!login) return undefined;
  return login.projectId === null ? ADMIN : { scope: 'project', projectId: login.projectId };
}

export const loginRequired = () => new HttpError(401, 'login_required', 'Sign in to use the Sightline API');

/**
 * Guards every /api route but the public ones and records who the request acts as; the viewer's files,
 * /recorder.js and /demo/ stay public. With login turned off every API request acts as the admin.
 */
export function requireLogin(context: AuthContext): RequestHandler {
  return async (req, _res, next) => {
    const isApi = req.path === '/api' || req.path.startsWith('/api/');
    if (!isApi || isPublicApiCall(req)) return next();
    if (!context.config.requireLogin) {
      setRequestCredential(req, ADMIN);
      return next();
    }
    const credential = await requestSignIn(req, context);
    if (!credential) throw loginRequired();
    setRequestCredential(req, credential);
    next();
  };
}
