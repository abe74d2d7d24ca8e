import type { FunnelStep, SavedFunnel } from '../../contract/insights.ts';
import type { Database } from './db.ts';
import { parseStoredJson } from './stored-json.ts';

interface FunnelRow {
  id: number;
  name: string;
  steps: string;
  window_ms: number;
  created_at: number;
}

const isStep = (step: unknown): step is FunnelStep => {
  const { type, pattern, name } = (typeof step === 'object' && step !== null ? step : {}) as Record<string, unknown>;
  return (type === 'page' && typeof pattern === 'string') || (type === 'event' && typeof name === 'string');
};

/** The saved steps; a row edited into something else has none, and its funnel matches no session. */
function storedSteps(text: string): FunnelStep[] {
  const steps = parseStoredJson(text);
  return Array.isArray(steps) && steps.every(isStep) ? steps : [];
}

function toFunnel(row: FunnelRow): SavedFunnel {
  return {
    id: row.id,
    name: row.name,
    steps: storedSteps(row.steps),
    windowMs: row.window_ms,
    createdAt: row.created_at,
  };
}

export interface FunnelWrite {
  /** The project the funnel belongs to: only its callers see it. */
  projectId: number;
  name: string;
  steps: FunnelStep[];
  windowMs: number;
  createdAt: number;
}

export function createFunnelQueries(db: Database) {
  const columns = 'id, name, steps, window_ms, created_at';
  const all = db.prepare<[number], FunnelRow>(`SELECT ${columns} FROM funnels WHERE project_id = ? ORDER BY name, id`);
  const byId = db.prepare<[number, number], FunnelRow>(`SELECT ${columns} FROM funnels WHERE id = ? AND project_id = ?`);
  const insert = db.prepare(`
    INSERT INTO funnels (project_id, name, steps, window_ms, created_at)
    VALUES (@projectId, @name, @steps, @windowMs, @createdAt)
  `);
  const remove = db.prepare<[number, number]>('DELETE FROM funnels WHERE id = ? AND project_id = ?');

  return {
    list(projectId: number): SavedFunnel[] {
      return all.all(projectId).map(toFunnel);
    },
    /** The project's funnel with this id; another project's funnel is as unknown as a missing one. */
    get(projectId: number, id: number): SavedFunnel | undefined {
      const row = byId.get(id, projectId);
      return row && toFunnel(row);
    },
    save(funnel: FunnelWrite): SavedFunnel {
      const id = Number(insert.run({ ...funnel, steps: JSON.stringify(funnel.steps) }).lastInsertRowid);
      const { projectId: _projectId, ...saved } = funnel;
      return { id, ...saved };
    },
    /** False when the project had no such funnel. */
    delete(projectId: number, id: number): boolean {
      return remove.run(id, projectId).changes === 1;
    },
  };
}
