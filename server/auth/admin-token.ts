import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccessStore } from '../storage/access-store.ts';

/** Settings key of the admin token generated on first start. */
export const ADMIN_TOKEN_SETTING = 'admin_token';

/** Where the admin token came from; `generated` is the only case in which it must be shown to the operator. */
export type AdminTokenSource = 'env' | 'stored' | 'generated';

/** 24 random bytes: 192 bits, far beyond guessing, and 32 URL-safe characters to paste. */
export function generateAdminToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The admin token: the environment's (SIGHTLINE_ADMIN_TOKEN) if set, else the one stored on an earlier start,
 * else a new one, stored so that restarts keep it. The environment's is never stored: removing it from the
 * environment should not leave it working.
 */
export async function resolveAdminToken(
  envToken: string | undefined,
  store: Pick<AccessStore, 'getSetting' | 'setSetting'>,
  generate: () => string = generateAdminToken,
): Promise<{ token: string; source: AdminTokenSource }> {
  if (envToken) return { token: envToken, source: 'env' };
  const stored = await store.getSetting(ADMIN_TOKEN_SETTING);
  if (stored) return { token: stored, source: 'stored' };
  const token = generate();
  await store.setSetting(ADMIN_TOKEN_SETTING, token);
  return { token, source: 'generated' };
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time comparison; hashing first gives equal lengths, so not even the token's length leaks. */
export function tokensMatch(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}
