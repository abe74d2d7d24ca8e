import type { Database } from './db.ts';
import type { Project } from './model.ts';

interface ProjectRow {
  id: number;
  key: string;
  name: string;
  created_at: number;
  page_patterns: string;
}

/** The stored JSON array, or [] when it is not one: a hand-edited row must not stop ingest. */
function parsePatterns(json: string): string[] {
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
    pagePatterns: parsePatterns(row.page_patterns),
  };
}

export function createProjectQueries(db: Database) {
  const byKey = db.prepare<[string], ProjectRow>(
    'SELECT id, key, name, created_at, page_patterns FROM projects WHERE key = ?',
  );
  const updatePatterns = db.prepare<[string, string]>('UPDATE projects SET page_patterns = ? WHERE key = ?');
  return {
    findByKey(key: string): Project | undefined {
      const row = byKey.get(key);
      return row && toProject(row);
    },
    /** False when no project has the key. */
    setPagePatterns(key: string, patterns: readonly string[]): boolean {
      return updatePatterns.run(JSON.stringify(patterns), key).changes > 0;
    },
  };
}
