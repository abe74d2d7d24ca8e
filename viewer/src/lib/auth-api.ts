/** Sign-in calls: the admin token for a session cookie (HttpOnly, so the viewer never sees it), and back. */
import { apiRequest } from './api.ts';

/** Resolves when the server accepts the token; rejects with ApiError `invalid_token` when it does not. */
export function signIn(token: string): Promise<unknown> {
  return apiRequest('/api/login', { method: 'POST', body: { token } });
}

export function signOut(): Promise<unknown> {
  return apiRequest('/api/logout', { method: 'POST' });
}

/** Resolves when signed in; rejects with ApiError `login_required` when not. */
export function whoAmI(): Promise<unknown> {
  return apiRequest('/api/me');
}
