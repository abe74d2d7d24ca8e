import type { Database } from './db.ts';
import type { Project } from './model.ts';
import type { ProjectRole } from '../../contract/vocabulary.ts';

interface ProjectRow {
  id: number;
  key: string;
  name: string;
  created_at: number;
  page_patterns: string;
  retention_days: number | null;
  allowed_origins: string;
  server_key_hash: string | null;
  has_read_token: 0 | 1;
  has_manage_token: 0 | 1;
}

/** A viewer token's column per role; a token is found by its hash in either. */
const tokenColumns: Record<ProjectRole, string> = { read: 'viewer_token_hash', manage: 'manage_token_hash' };
const roles = Object.keys(tokenColumns) as ProjectRole[];

/** A project's retention, for the sweeper. */
export interface RetentionPolicy {
  projectId: number;
  projectKey: string;
  /** Days sessions are kept after they end. */
  days: number;
}

/** The stored JSON array of strings, or [] when it is not one: a hand-edited row must not stop ingest. */
export function parseStringList(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    createdAt: row.created_at,
    pagePatterns: parseStringList(row.page_patterns),
    retentionDays: row.retention_days,
    allowedOrigins: parseStringList(row.allowed_origins),
    serverKeyHash: row.server_key_hash,
    tokenRoles: roles.filter((role) => row[`has_${role}_token` as const] === 1),
  };
}

export function createProjectQueries(db: Database) {
  const columns = [
    'id, key, name, created_at, page_patterns, retention_days, allowed_origins, server_key_hash',
    'viewer_token_hash IS NOT NULL AS has_read_token, manage_token_hash IS NOT NULL AS has_manage_token',
  ].join(', ');
  const byKey = db.prepare<[string], ProjectRow>(`SELECT ${columns} FROM projects WHERE key = ?`);
  const all = db.prepare<[], ProjectRow>(`SELECT ${columns} FROM projects ORDER BY id`);
  const updateOrigins = db.prepare<[string, string]>('UPDATE projects SET allowed_origins = ? WHERE key = ?');
  const updateRetention = db.prepare<[number | null, string]>('UPDATE projects SET retention_days = ? WHERE key = ?');
  const policies = db.prepare<[], RetentionPolicy>(
    'SELECT id AS projectId, key AS projectKey, retention_days AS days FROM projects WHERE retention_days IS NOT NULL',
  );
  const updatePatterns = db.prepare<[string, string]>('UPDATE projects SET page_patterns = ? WHERE key = ?');
  const updateServerKey = db.prepare<[string, string]>('UPDATE projects SET server_key_hash = ? WHERE key = ?');
  // One statement per role and column, each served by that column's unique index.
  const perRole = <T>(make: (column: string) => T): Record<ProjectRole, T> => ({
    read: make(tokenColumns.read),
    manage: make(tokenColumns.manage),
  });
  const byToken = perRole((column) => db.prepare<[string], ProjectRow>(`SELECT ${columns} FROM projects WHERE ${column} = ?`));
  const insert = perRole((column) =>
    db.prepare<[string, string, number, string]>(
      `INSERT INTO projects (key, name, created_at, ${column}) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
    ),
  );
  const updateToken = perRole((column) => db.prepare<[string, string]>(`UPDATE projects SET ${column} = ? WHERE key = ?`));
  function findByKey(key: string): Project | undefined {
    const row = byKey.get(key);
    return row && toProject(row);
  }

  return {
    findByKey,
    /** The project one of whose viewer tokens hashes to this, with that token's role, if any. */
    findByTokenHash(tokenHash: string): { project: Project; role: ProjectRole } | undefined {
      for (const role of roles) {
        const row = byToken[role].get(tokenHash);
        if (row) return { project: toProject(row), role };
      }
      return undefined;
    },
    /** A new project with the hash of its first viewer token, of `role`; undefined when the key is taken. */
    create(project: { key: string; name: string; createdAt: number; role: ProjectRole; tokenHash: string }): Project | undefined {
      const { key, name, createdAt, role, tokenHash } = project;
      return insert[role].run(key, name, createdAt, tokenHash).changes > 0 ? findByKey(key) : undefined;
    },
    /** Replaces the project's viewer token of `role`; false when no project has the key. */
    setTokenHash(key: string, role: ProjectRole, tokenHash: string): boolean {
      return updateToken[role].run(tokenHash, key).changes > 0;
    },
    /** Every project, oldest first. */
    list(): Project[] {
      return all.all().map(toProject);
    },
    /** False when no project has the key. */
    setAllowedOrigins(key: string, origins: readonly string[]): boolean {
      return updateOrigins.run(JSON.stringify(origins), key).changes > 0;
    },
    /** False when no project has the key. */
    setPagePatterns(key: string, patterns: readonly string[]): boolean {
      return updatePatterns.run(JSON.stringify(patterns), key).changes > 0;
    },
    /** False when no project has the key; null days keeps sessions forever. */
    setRetentionDays(key: string, days: number | null): boolean {
      return updateRetention.run(days, key).changes > 0;
    },
    /** Replaces the project's server key by the one with this SHA-256 (hex); false when no project has the key. */
    setServerKeyHash(key: string, hash: string): boolean {
      return updateServerKey.run(hash, key).changes > 0;
    },
    /** The projects that have a retention period. */
    retentionPolicies(): RetentionPolicy[] {
      return policies.all();
    },
  };
}
