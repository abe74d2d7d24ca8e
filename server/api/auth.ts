import express, { Router, type Request } from 'express';
import { z } from 'zod';
import {
  clearSessionCookie,
  newSessionId,
  readSessionCookie,
  sessionIdHash,
  SESSION_TTL_MS,
  setSessionCookie,
} from '../auth/login-session.ts';
import { checkToken, type AuthContext } from '../http/auth.ts';
import { requestCredential, roleOf, setRequestCredential, type Credential } from '../http/credential.ts';
import type { ProjectRole } from '../../contract/vocabulary.ts';
import { HttpError } from '../http/errors.ts';
import { visibleProjects } from '../http/project-scope.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { AccessStore } from '../storage/access-store.ts';
import type { MeResponse } from '../../contract/access.ts';
import type { RouteDoc } from './route-doc.ts';

const loginBody = z.strictObject({ token: z.string().min(1).max(512) });

async function meResponse(req: Request, store: AccessStore): Promise<MeResponse> {
  const projects = await visibleProjects(req, store);
  const credential = requestCredential(req);
  return {
    signedIn: true,
    scope: credential.scope,
    role: roleOf(credential),
    projects: projects.map(({ key, name }) => ({ key, name })),
  };
}

const tag = 'Sign-in';
export const authRoutes: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/login',
    tag,
    summary: 'Signs in with the admin token or a viewer token: sets the sl_session cookie and answers as GET /api/me',
    description:
      'The cookie is HttpOnly, SameSite=Strict, Secure over https and lasts 30 days; it keeps the scope and role of ' +
      'its token. Refused from another origin.',
    access: 'public',
    body: loginBody,
    responses: { 200: '{ signedIn, scope, role, projects }' },
    errors: { 401: 'invalid_token', 403: 'cross_origin_request' },
  },
  {
    method: 'post',
    path: '/api/logout',
    tag,
    summary: "Ends the cookie's sign-in and clears the cookie",
    access: 'public',
    responses: { 204: 'Signed out' },
    errors: { 403: 'cross_origin_request' },
  },
  {
    method: 'get',
    path: '/api/me',
    tag,
    summary: 'Who the credential is: its scope, role and the projects it sees',
    access: 'read',
    responses: { 200: "{ signedIn: true, scope: 'admin' | 'project', role: 'manage' | 'read', projects: [{ key, name }] }" },
  },
];

/** POST /api/login, POST /api/logout and GET /api/me: the viewer's sign-in with the admin or a viewer token. */
export function authRouter(context: AuthContext & { store: AccessStore }) {
  const { store } = context;
  const router = Router();

  router.post('/api/login', express.json({ limit: '2kb' }), async (req, res) => {
    const { token } = parseOrThrow(loginBody, req.body, 'invalid_body');
    const credential = await checkToken(req, res, token, context);
    if (!credential) {
      throw new HttpError(401, 'invalid_token', 'That is neither the admin token nor a project viewer token');
    }
    const id = newSessionId();
    const now = Date.now();
    // The sign-in keeps the token's scope and role; rotating a viewer token ends the sign-ins made with the old one.
    const owner = credential.scope === 'project' ? { projectId: credential.projectId, role: credential.role } : null;
    await store.createLoginSession(sessionIdHash(id), now, now + SESSION_TTL_MS, owner);
    setSessionCookie(req, res, id);
    setRequestCredential(req, credential, 'cookie');
    res.json(await meResponse(req, store));
  });

  router.post('/api/logout', async (req, res) => {
    const id = readSessionCookie(req);
    if (id) await store.deleteLoginSession(sessionIdHash(id), Date.now());
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  // The login guard has already refused a request without a credential (or, with login off, made it the admin's).
  router.get('/api/me', async (req, res) => {
    res.json(await meResponse(req, store));
  });

  return router;
}
