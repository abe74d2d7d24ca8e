import { generateAdminToken, sha256 } from './admin-token.ts';

/** A new project viewer token: 192 random bits, as the admin token. Shown once; only its hash is stored. */
export const generateViewerToken = generateAdminToken;

/**
 * What the database keeps of a viewer token: its SHA-256 in hex. The token has 192 random bits, so a fast hash is
 * enough (nothing to brute-force), and a leaked database copy signs nobody in. Looking the hash up by index leaks
 * no timing worth having: an attacker cannot steer the hash of what they send.
 */
export function viewerTokenHash(token: string): string {
  return sha256(token).toString('hex');
}
