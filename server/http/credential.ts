/**
 * Who a request acts as, once the login guard has checked its token or cookie: the admin (every project, and
 * managing projects) or one project's viewer (that project's data only).
 */
import type { Request } from 'express';
import { HttpError } from './errors.ts';

export type Credential = { scope: 'admin' } | { scope: 'project'; projectId: number };

export const ADMIN: Credential = Object.freeze({ scope: 'admin' });

// Kept beside the request rather than on it: nothing else can set or forge it, and it goes when the request does.
const credentials = new WeakMap<Request, Credential>();

export function setRequestCredential(req: Request, credential: Credential): void {
  credentials.set(req, credential);
}

/** The request's credential; a request the login guard did not pass (it never should) counts as signed out. */
export function requestCredential(req: Request): Credential {
  const credential = credentials.get(req);
  if (!credential) throw new HttpError(401, 'login_required', 'Sign in to use the Sightline API');
  return credential;
}

/** Throws 403 `admin_only` unless the request acts as the admin. */
export function requireAdmin(req: Request): void {
  if (requestCredential(req).scope !== 'admin') {
    throw new HttpError(403, 'admin_only', 'Only the admin token may do this; a project viewer token may not');
  }
}
