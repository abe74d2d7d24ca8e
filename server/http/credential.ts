/**
 * Who a request acts as, once the login guard has checked its token or cookie: the admin (every project, and
 * managing projects) or one project's viewer token, with its role; and how the request proved it.
 */
import type { Request, RequestHandler } from 'express';
import type { ProjectRole } from '../../contract/vocabulary.ts';
import { HttpError } from './errors.ts';


export type Credential = { scope: 'admin' } | { scope: 'project'; projectId: number; role: ProjectRole };

/**
 * How the request proved who it is: a Bearer token it sent itself, the sign-in cookie, or nothing because login is
 * off. A browser adds the last two to requests another page makes, so those are the ones the same-origin guard checks.
 */
export type CredentialSource = 'bearer' | 'cookie' | 'open';

export const ADMIN: Credential = Object.freeze({ scope: 'admin' });

// Kept beside the request rather than on it: nothing else can set or forge it, and it goes when the request does.
const credentials = new WeakMap<Request, { credential: Credential; source: CredentialSource }>();

export function setRequestCredential(req: Request, credential: Credential, source: CredentialSource): void {
  credentials.set(req, { credential, source });
}

/** The request's credential; a request the login guard did not pass (it never should) counts as signed out. */
export function requestCredential(req: Request): Credential {
  const entry = credentials.get(req);
  if (!entry) throw new HttpError(401, 'login_required', 'Sign in to use the Sightline API');
  return entry.credential;
}

/** How the request's credential came; undefined on the public routes, which the login guard gives none. */
export function credentialSource(req: Request): CredentialSource | undefined {
  return credentials.get(req)?.source;
}

/** The credential's role: the admin manages every project; a viewer token has the role it was made with. */
export function roleOf(credential: Credential): ProjectRole {
  return credential.scope === 'admin' ? 'manage' : credential.role;
}

/** Throws 403 `admin_only` unless the request acts as the admin. */
export function requireAdmin(req: Request): void {
  if (requestCredential(req).scope !== 'admin') {
    throw new HttpError(403, 'admin_only', 'Only the admin token may do this; a project viewer token may not');
  }
}

/**
 * Route middleware of every management route (settings, webhooks, deleting data): 403 `insufficient_role` unless
 * the request acts as the admin or a viewer token with the manage role. Before the body parser, so a refused
 * request's body is never read.
 */
export const requireManage: RequestHandler = (req, _res, next) => {
  if (roleOf(requestCredential(req)) !== 'manage') {
    throw new HttpError(
      403,
      'insufficient_role',
      'This sign-in is read-only: changing settings and deleting data needs the admin token or a manage token',
    );
  }
  next();
};
