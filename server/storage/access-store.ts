/** The part of the Store behind access control: server settings, projects and their viewer tokens, viewer sign-ins. */
import type { Database } from './db.ts';
import type { Project } from './model.ts';
import type { ProjectRole } from '../../contract/vocabulary.ts';
import { createProjectQueries } from './projects.ts';

/** Whose a sign-in is: the project and role of the viewer token it was made with, or null for the admin. */
export type LoginOwner = { projectId: number; role: ProjectRole } | null;

/** A live sign-in: whose it is. */
export interface LoginSession {
  owner: LoginOwner;
}

/** A project to create, with the role and hash of its first viewer token. */
export interface ProjectWrite {
  key: string;
  name: string;
  createdAt: number;
  role: ProjectRole;
  tokenHash: string;
}

/** A project found by one of its viewer tokens, and that token's role. */
export interface ProjectToken {
  project: Project;
  role: ProjectRole;
}

export interface AccessStore {
  /** A server setting such as the generated admin token, or undefined when never set. */
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  /** Records a sign-in by the hash of its cookie value, valid until `expiresAt` (ms since epoch). */
  createLoginSession(idHash: string, createdAt: number, expiresAt: number, owner: LoginOwner): Promise<void>;
  /** The sign-in with this hash when it exists and has not expired at `now`. */
  findLoginSession(idHash: string, now: number): Promise<LoginSession | undefined>;
  /** Ends one sign-in; also drops every expired one, so the table never grows without bound. */
  deleteLoginSession(idHash: string, now: number): Promise<void>;
  /** Every project, oldest first. */
  listProjects(): Promise<Project[]>;
  /** Creates a project; undefined when its key is taken. */
  createProject(project: ProjectWrite): Promise<Project | undefined>;
  /** The project one of whose viewer tokens has this SHA-256 hash (hex), with that token's role. */
  findProjectByToken(tokenHash: string): Promise<ProjectToken | undefined>;
  /**
   * Replaces the project's viewer token of `role` (or makes its first) and ends every sign-in made with the old one,
   * in one transaction; the other role's token and sign-ins stay. False when no project has the key.
   */
  rotateProjectToken(projectKey: string, role: ProjectRole, tokenHash: string): Promise<boolean>;
  /** Replaces the project's allowed origins; false when no project has the key. */
  setAllowedOrigins(projectKey: string, origins: readonly string[]): Promise<boolean>;
}

export function createSqliteAccessStore(db: Database): AccessStore {
  const projects = createProjectQueries(db);
  const readSetting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
  const writeSetting = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const insertLogin = db.prepare<[string, number, number, number | null, ProjectRole]>(
    'INSERT INTO login_sessions (id_hash, created_at, expires_at, project_id, role) VALUES (?, ?, ?, ?, ?)',
  );
  const validLogin = db.prepare<[string, number], { project_id: number | null; role: ProjectRole }>(
    'SELECT project_id, role FROM login_sessions WHERE id_hash = ? AND expires_at > ?',
  );
  const deleteLogin = db.prepare<[string, number]>('DELETE FROM login_sessions WHERE id_hash = ? OR expires_at <= ?');
  const deleteRoleLogins = db.prepare<[string, ProjectRole]>(
    'DELETE FROM login_sessions WHERE project_id = (SELECT id FROM projects WHERE key = ?) AND role = ?',
  );
  const rotate = db.transaction((projectKey: string, role: ProjectRole, tokenHash: string): boolean => {
    if (!projects.setTokenHash(projectKey, role, tokenHash)) return false;
    deleteRoleLogins.run(projectKey, role);
    return true;
  });

  return {
    async getSetting(key) {
      return readSetting.get(key)?.value;
    },

    async setSetting(key, value) {
      writeSetting.run(key, value);
    },

    async createLoginSession(idHash, createdAt, expiresAt, owner) {
      // The admin's row keeps the column's default role, which nothing reads.
      insertLogin.run(idHash, createdAt, expiresAt, owner?.projectId ?? null, owner?.role ?? 'read');
    },

    async findLoginSession(idHash, now) {
      const row = validLogin.get(idHash, now);
      if (!row) return undefined;
      return { owner: row.project_id === null ? null : { projectId: row.project_id, role: row.role } };
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

    async findProjectByToken(tokenHash) {
      return projects.findByTokenHash(tokenHash);
    },

    async rotateProjectToken(projectKey, role, tokenHash) {
      return rotate.immediate(projectKey, role, tokenHash);
    },

    async setAllowedOrigins(projectKey, origins) {
      return projects.setAllowedOrigins(projectKey, origins);
    },
  };
}
