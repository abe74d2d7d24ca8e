import type { FunnelStep } from '../analytics/funnel.ts';
import type { SavedFunnel } from '../api/insights-types.ts';
import type { Database } from './db.ts';

interface FunnelRow {
  id: number;
  name: string;
  steps: string;
  window_ms: number;
  created_at: number;
}

function toFunnel(row: FunnelRow): SavedFunnel {
  return {
    id: row.id,
    name: row.name,
    steps: JSON.parse(row.steps) as FunnelStep[],
    windowMs: row.window_ms,
    createdAt: row.created_at,
  };
}

export interface FunnelWrite {
  name: string;
  steps: FunnelStep[];
  windowMs: number;
  createdAt: number;
}

export function createFunnelQueries(db: Database) {
  const all = db.prepare<[], FunnelRow>('SELECT * FROM funnels ORDER BY name, id');
  const byId = db.prepare<[number], FunnelRow>('SELECT * FROM funnels WHERE id = ?');
  const insert = db.prepare(
    'INSERT INTO funnels (name, steps, window_ms, created_at) VALUES (@name, @steps, @windowMs, @createdAt)',
  );
  const remove = db.prepare('DELETE FROM funnels WHERE id = ?');

  return {
    list(): SavedFunnel[] {
      return all.all().map(toFunnel);
    },
    get(id: number): SavedFunnel | undefined {
      const row = byId.get(id);
      return row && toFunnel(row);
    },
    save(funnel: FunnelWrite): SavedFunnel {
      const id = Number(insert.run({ ...funnel, steps: JSON.stringify(funnel.steps) }).lastInsertRowid);
      return { id, ...funnel };
    },
    /** False when there was no such funnel. */
    delete(id: number): boolean {
      return remove.run(id).changes === 1;
    },
  };
}
