/** The part of the Store behind access control: server settings, viewer sign-ins and projects' allowed origins. */
import type { Database } from './db.ts';
import type { Project } from './model.ts';
import { createProjectQueries } from './projects.ts';

export interface AccessStore {
  /** A server setting such as the generated admin token, or undefined when never set. */
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  /** Records a sign-in by the hash of its cookie value, valid until `expiresAt` (ms since epoch). */
  createLoginSession(idHash: string, createdAt: number, expiresAt: number): Promise<void>;
  /** True when a sign-in with this hash exists and has not expired at `now`. */
  isLoginSessionValid(idHash: string, now: number): Promise<boolean>;
  /** Ends one sign-in; also drops every expired one, so the table never grows without bound. */
  deleteLoginSession(idHash: string, now: number): Promise<void>;
  /** Every project, oldest first. */
  listProjects(): Promise<Project[]>;
  /** Replaces the project's allowed origins; false when no project has the key. */
  setAllowedOrigins(projectKey: string, origins: readonly string[]): Promise<boolean>;
}

export function createSqliteAccessStore(db: Database): AccessStore {
  const projects = createProjectQueries(db);
  const readSetting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const writeSetting = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const insertLogin = db.prepare<[string, number, number]>(
    'INSERT INTO login_sessions (id_hash, created_at, expires_at) VALUES (?, ?, ?)',
  );
  const validLogin = db.prepare<[string, number], { one: number }>(
    'SELECT 1 AS one FROM login_sessions WHERE id_hash = ? AND expires_at > ?',
  );
  const deleteLogin = db.prepare<[string, number]>('DELETE FROM login_sessions WHERE id_hash = ? OR expires_at <= ?');

  return {
    async getSetting(key) {
      return readSetting.get(key)?.value;
    },

    async setSetting(key, value) {
      writeSetting.run(key, value);
    },

    async createLoginSession(idHash, createdAt, expiresAt) {
      insertLogin.run(idHash, createdAt, expiresAt);
    },

    async isLoginSessionValid(idHash, now) {
      return validLogin.get(idHash, now) !== undefined;
    },

    async deleteLoginSession(idHash, now) {
      deleteLogin.run(idHash, now);
    },

    async listProjects() {
      return projects.list();
    },

    async setAllowedOrigins(projectKey, origins) {
      return projects.setAllowedOrigins(projectKey, origins);
    },
  };
}
