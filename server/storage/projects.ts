import type { Database } from './db.ts';
import type { Project } from './model.ts';

interface ProjectRow {
  id: number;
  key: string;
  name: string;
  created_at: number;
  page_patterns: string;
  retention_days: number | null;
  allowed_origins: string;
  server_key_hash: string | null;
}

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
  };
}

export function createProjectQueries(db: Database) {
  const columns = 'id, key, name, created_at, page_patterns, retention_days, allowed_origins, server_key_hash';
  const byKey = db.prepare<[string], ProjectRow>(`SELECT ${columns} FROM projects WHERE key = ?`);
  const all = db.prepare<[], ProjectRow>(`SELECT ${columns} FROM projects ORDER BY id`);
  const updateOrigins = db.prepare<[string, string]>('UPDATE projects SET allowed_origins = ? WHERE key = ?');
  const updateRetention = db.prepare<[number | null, string]>('UPDATE projects SET retention_days = ? WHERE key = ?');
  const policies = db.prepare<[], RetentionPolicy>(
    'SELECT id AS projectId, key AS projectKey, retention_days AS days FROM projects WHERE retention_days IS NOT NULL',
  );
  const updatePatterns = db.prepare<[string, string]>('UPDATE projects SET page_patterns = ? WHERE key = ?');
  const updateServerKey = db.prepare<[string, string]>('UPDATE projects SET server_key_hash = ? WHERE key = ?');
  const byViewerToken = db.prepare<[string], ProjectRow>(`SELECT ${columns} FROM projects WHERE viewer_token_hash = ?`);
  const insert = db.prepare<[string, string, number, string]>(
    'INSERT INTO projects (key, name, created_at, viewer_token_hash) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
  );
  const updateViewerToken = db.prepare<[string, string]>('UPDATE projects SET viewer_token_hash = ? WHERE key = ?');
  function findByKey(key: string): Project | undefined {
    const row = byKey.get(key);
    return row && toProject(row);
  }

  return {
    findByKey,
    /** The project whose viewer token hashes to this, if any. */
    findByViewerTokenHash(tokenHash: string): Project | undefined {
      const row = byViewerToken.get(tokenHash);
      return row && toProject(row);
    },
    /** A new project with its viewer token's hash; undefined when the key is taken. */
    create(project: { key: string; name: string; createdAt: number; viewerTokenHash: string }): Project | undefined {
      const { key, name, createdAt, viewerTokenHash } = project;
      return insert.run(key, name, createdAt, viewerTokenHash).changes > 0 ? findByKey(key) : undefined;
    },
    /** False when no project has the key. */
    setViewerTokenHash(key: string, tokenHash: string): boolean {
      return updateViewerToken.run(tokenHash, key).changes > 0;
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
