import type { Database } from './db.ts';
import type { Project } from './model.ts';

interface ProjectRow {
  id: number;
  key: string;
  name: string;
  created_at: number;
}

function toProject(row: ProjectRow): Project {
  return { id: row.id, key: row.key, name: row.name, createdAt: row.created_at };
}

export function createProjectQueries(db: Database) {
  const byKey = db.prepare<[string], ProjectRow>('SELECT id, key, name, created_at FROM projects WHERE key = ?');
  return {
    findByKey(key: string): Project | undefined {
      const row = byKey.get(key);
      return row && toProject(row);
    },
  };
}
