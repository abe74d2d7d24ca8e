/** The part of the Store behind access control: server settings, projects and their viewer tokens, viewer sign-ins. */
import type { Database } from './db.ts';
import type { Project } from './model.ts';
import { createProjectQueries } from './projects.ts';

/** A live sign-in: whose it is. */
export interface LoginSession {
  /** The project a viewer token signed in to; null for the admin. */
  projectId: number | null;
}

/** A project to create, with the hash of its first viewer token. */
export interface ProjectWrite {
  key: string;
  name: string;
  createdAt: number;
  viewerTokenHash: string;
}

export interface AccessStore {
  /** A server setting such as the generated admin token, or undefined when never set. */
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  /** Records a sign-in by the hash of its cookie value, valid until `expiresAt` (ms since epoch); null project: admin. */
  createLoginSession(idHash: string, createdAt: number, expiresAt: number, projectId: number | null): Promise<void>;
  /** The sign-in with this hash when it exists and has not expired at `now`. */
  findLoginSession(idHash: string, now: number): Promise<LoginSession | undefined>;
  /** Ends one sign-in; also drops every expired one, so the table never grows without bound. */
  deleteLoginSession(idHash: string, now: number): Promise<void>;
  /** Every project, oldest first. */
  listProjects(): Promise<Project[]>;
  /** Creates a project; undefined when its key is taken. */
  createProject(project: ProjectWrite): Promise<Project | undefined>;
  /** The project whose viewer token has this SHA-256 hash (hex). */
  findProjectByViewerToken(tokenHash: string): Promise<Project | undefined>;
  /**
   * Replaces the project's viewer token hash and ends every sign-in made with the old token, in one transaction;
   * false when no project has the key.
   */
  rotateViewerToken(projectKey: string, tokenHash: string): Promise<boolean>;
  /** Replaces the project's allowed origins; false when no project has the key. */
  setAllowedOrigins(projectKey: string, origins: readonly string[]): Promise<boolean>;
}

export function createSqliteAccessStore(db: Database): AccessStore {
  const projects = createProjectQueries(db);
  const readSetting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const writeSetting = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const insertLogin = db.prepare<[string, number, number, number | null]>(
    'INSERT INTO login_sessions (id_hash, created_at, expires_at, project_id) VALUES (?, ?, ?, ?)',
  );
  const validLogin = db.prepare<[string, number], { project_id: number | null }>(
    'SELECT project_id FROM login_sessions WHERE id_hash = ? AND expires_at > ?',
  );
  const deleteLogin = db.prepare<[string, number]>('DELETE FROM login_sessions WHERE id_hash = ? OR expires_at <= ?');
  const deleteProjectLogins = db.prepare<[string]>(
    'DELETE FROM login_sessions WHERE project_id = (SELECT id FROM projects WHERE key = ?)',
  );
  const rotate = db.transaction((projectKey: string, tokenHash: string): boolean => {
    if (!projects.setViewerTokenHash(projectKey, tokenHash)) return false;
    deleteProjectLogins.run(projectKey);
    return true;
  });

  return {
    async getSetting(key) {
      return readSetting.get(key)?.value;
    },

    async setSetting(key, value) {
      writeSetting.run(key, value);
    },

    async createLoginSession(idHash, createdAt, expiresAt, projectId) {
      insertLogin.run(idHash, createdAt, expiresAt, projectId);
    },

    async findLoginSession(idHash, now) {
      const row = validLogin.get(idHash, now);
      return row && { projectId: row.project_id };
    },

    async deleteLoginSession(idHash, now) {
      deleteLogin.run(idHash, now);
    },

    async listProjects() {
      return projects.list();
    },

    async createProject(project) {
      return projects.create(project);
    },

    async findProjectByViewerToken(tokenHash) {
      return projects.findByViewerTokenHash(tokenHash);
    },

    async rotateViewerToken(projectKey, tokenHash) {
      return rotate.immediate(projectKey, tokenHash);
    },

    async setAllowedOrigins(projectKey, origins) {
      return projects.setAllowedOrigins(projectKey, origins);
    },
  };
}
