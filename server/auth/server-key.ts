/**
 * Server keys: the secret a store's backend sends to POST /api/events. Unlike the public ingest key it proves the
 * sender is the store, so it is stored only as a hash and shown once, when made.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Project } from '../storage/model.ts';
import { sha256 } from './admin-token.ts';

/** Marks the key as a Sightline server key, so secret scanners and people can tell it from an ingest key. */
export const SERVER_KEY_PREFIX = 'sl_sk_';

/** 24 random bytes (192 bits) after the prefix: 38 URL-safe characters. */
export function generateServerKey(): string {
  return SERVER_KEY_PREFIX + randomBytes(24).toString('base64url');
}

/** The form the key is stored in: SHA-256, hex. A copy of the database then lets nobody send events. */
export function serverKeyHash(key: string): string {
  return sha256(key).toString('hex');
}

/**
 * The project whose server key this is, or undefined. Every project's hash is compared, in constant time each and
 * without stopping at a match, so the answer's timing says neither which project matched nor how near a guess came.
 */
export function projectOfServerKey(given: string, projects: readonly Project[]): Project | undefined {
  const givenHash = sha256(given);
  let match: Project | undefined;
  for (const project of projects) {
    if (project.serverKeyHash === null) continue;
    const stored = Buffer.from(project.serverKeyHash, 'hex');
    // A hand-edited hash of another length cannot match, and timingSafeEqual would throw on it.
    if (stored.length === givenHash.length && timingSafeEqual(stored, givenHash) && !match) match = project;
  }
  return match;
}
