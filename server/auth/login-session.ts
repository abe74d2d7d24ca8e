import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { sha256 } from './admin-token.ts';

/** The cookie that carries a viewer sign-in. */
export const SESSION_COOKIE = 'sl_session';
/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A new random cookie value: 32 bytes, unguessable. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps instead of the cookie value, so a leaked database copy signs nobody in. */
export function sessionIdHash(id: string): string {
  return sha256(id).toString('hex');
}

/** The sign-in cookie's value from the Cookie header, or undefined. */
export function readSessionCookie(req: Request): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === SESSION_COOKIE) return part.slice(separator + 1).trim() || undefined;
  }
  return undefined;
}

function cookieOptions(req: Request) {
  // Strict: the cookie never rides on a request another site starts. Another origin of the same site (a sibling
  // subdomain, another port) still gets it sent: the same-origin guard (server/http/same-origin.ts) stops those.
  return { httpOnly: true, sameSite: 'strict' as const, path: '/', secure: req.secure };
}

export function setSessionCookie(req: Request, res: Response, id: string): void {
  res.cookie(SESSION_COOKIE, id, { ...cookieOptions(req), maxAge: SESSION_TTL_MS });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, cookieOptions(req));
}
