/**
 * The deletion log names whom a deletion was about only by a keyed hash: HMAC-SHA256 of the session or user id under
 * the installation's own key, 256 random bits generated once (by migration 12, as the admin token is generated) and
 * kept in settings. A key of its own rather than one derived from the admin token, so that rotating the token (or
 * setting SIGHTLINE_ADMIN_TOKEN) never changes what an old line says.
 *
 * What it promises: the log, the API and the viewer never show an erased id, and whoever is asked "did you erase
 * me?" can answer by hashing the id (GET /api/deletions?subject=…). What it does not: the key sits in the same
 * database, so someone holding a copy of the file can test a guessed id against the log.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Database } from './db.ts';

export const SUBJECT_KEY_SETTING = 'deletion_subject_key';

export function subjectHash(key: string, subject: string): string {
  return createHmac('sha256', key).update(subject, 'utf8').digest('hex');
}

/** SQL functions migration 12 uses to generate the key and hash the subjects logged before it. */
export function registerSubjectFunctions(db: Database): void {
  db.function('sightline_new_key', { deterministic: false }, () => randomBytes(32).toString('base64url'));
  db.function('sightline_subject_hash', { deterministic: true }, (key, subject) => subjectHash(String(key), String(subject)));
}

/** The installation's key; migration 12 created it. */
export function readSubjectKey(db: Database): string {
  const key = db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck().get(SUBJECT_KEY_SETTING);
  if (key === undefined) throw new Error(`The database has no ${SUBJECT_KEY_SETTING}: was it migrated?`);
  return key;
}
