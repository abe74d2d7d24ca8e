/**
 * Sign-in calls: the admin token or a project's viewer token for a session cookie (HttpOnly, so the viewer never
 * sees it), and back.
 */
import type { MeResponse } from '../../../contract/access.ts';
import { apiRequest } from './api.ts';

/** Resolves with the sign-in's scope when the server accepts the token; rejects with ApiError `invalid_token`. */
export function signIn(token: string): Promise<MeResponse> {
  return apiRequest('/api/login', { method: 'POST', body: { token } });
}

export function signOut(): Promise<unknown> {
  return apiRequest('/api/logout', { method: 'POST' });
}

/** Resolves with the scope and visible projects when signed in; rejects with ApiError `login_required` when not. */
export function whoAmI(): Promise<MeResponse> {
  return apiRequest('/api/me');
}
