import type { Request, RequestHandler, Response } from 'express';
import { tokensMatch } from '../auth/admin-token.ts';
import { readSessionCookie, sessionIdHash } from '../auth/login-session.ts';
import { viewerTokenHash } from '../auth/viewer-token.ts';
import type { Config } from '../config.ts';
import type { AccessStore } from '../storage/access-store.ts';
import { ADMIN, setRequestCredential, type Credential, type CredentialSource } from './credential.ts';
import { HttpError } from './errors.ts';
import type { LoginLimiter } from './login-limit.ts';

export interface AuthContext {
  store: Pick<AccessStore, 'findLoginSession' | 'findProjectByToken'>;
  config: Pick<Config, 'adminToken' | 'requireLogin'>;
  /** Counts every token check against the guessing limits; one per app, shared with POST /api/login. */
  limiter: LoginLimiter;
}

/**
 * API calls anyone may make: the recorder's ingest (its project key is public), a store backend's events (the route
 * checks its server key itself), signing in and out, and the API's description (it holds no data).
 */
function isPublicApiCall(req: Request): boolean {
  // Preflights carry no credentials by design; routes without CORS headers still refuse the real request.
  if (req.method === 'OPTIONS') return true;
  if (req.path === '/api/ingest' || req.path === '/api/events') return req.method === 'POST';
  if (req.path === '/api/openapi.json') return req.method === 'GET' || req.method === 'HEAD';
  return req.path === '/api/login' || req.path === '/api/logout';
}

/** What a token signs in as: the admin token, a project's viewer token with its role, or nothing. */
async function tokenCredential(token: string, { store, config }: Omit<AuthContext, 'limiter'>): Promise<Credential | undefined> {
  if (config.adminToken && tokensMatch(token, config.adminToken)) return ADMIN;
  const found = await store.findProjectByToken(viewerTokenHash(token));
  return found && { scope: 'project', projectId: found.project.id, role: found.role };
}

/** A token check under the guessing limits: 429 when the client is out of attempts, else what the token signs in as. */
export async function checkToken(req: Request, res: Response, token: string, context: AuthContext): Promise<Credential | undefined> {
  const attempt = context.limiter.begin(req, res);
  const credential = await tokenCredential(token, context);
  attempt.settle(credential !== undefined);
  return credential;
}

/**
 * The request's credential and how it came: `Authorization: Bearer <admin or viewer token>` or a live sign-in
 * cookie, or undefined. Only these: an ingest key is never a credential here, so it can write but never read.
 * Cookies are not counted as guesses: their 256 random bits are beyond guessing, and an expired one is no attack.
 */
async function requestSignIn(req: Request, res: Response, context: AuthContext): Promise<{ credential: Credential; source: CredentialSource } | undefined> {
  const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
  const fromToken = match ? await checkToken(req, res, match[1]!.trim(), context) : undefined;
  if (fromToken) return { credential: fromToken, source: 'bearer' };
  const sessionId = readSessionCookie(req);
  if (sessionId === undefined) return undefined;
  const login = await context.store.findLoginSession(sessionIdHash(sessionId), Date.now());
  if (!login) return undefined;
  const { owner } = login;
  return { credential: owner === null ? ADMIN : { scope: 'project', ...owner }, source: 'cookie' };
}

export const loginRequired = () => new HttpError(401, 'login_required', 'Sign in to use the Sightline API');

/**
 * Guards every /api route but the public ones and records who the request acts as; the viewer's files,
 * /recorder.js and /demo/ stay public. With login turned off every API request acts as the admin.
 */
export function requireLogin(context: AuthContext): RequestHandler {
  return async (req, res, next) => {
    const isApi = req.path === '/api' || req.path.startsWith('/api/');
    if (!isApi || isPublicApiCall(req)) return next();
    if (!context.config.requireLogin) {
      setRequestCredential(req, ADMIN, 'open');
      return next();
    }
    const signIn = await requestSignIn(req, res, context);
    if (!signIn) throw loginRequired();
    setRequestCredential(req, signIn.credential, signIn.source);
    next();
  };
}
