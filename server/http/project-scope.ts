import type { Request } from 'express';
import type { AccessStore } from '../storage/access-store.ts';
import type { Project } from '../storage/model.ts';
import { HttpError } from './errors.ts';

/** Longest project key accepted in a query string; keys are short generated or chosen names. */
const MAX_PROJECT_KEY = 200;

export function unknownProject(key: string): HttpError {
  return new HttpError(404, 'unknown_project', `No project has the key "${key}"`);
}

/**
 * The project a read, settings or delete request acts on: the one its `project` query parameter names, else the
 * oldest project (the only one on most installs). Every route that reads or changes a project's data asks here, so
 * the rule of which project a caller may see lives in one place.
 */
export async function requestProject(req: Request, store: Pick<AccessStore, 'listProjects'>): Promise<Project> {
  const named = req.query.project;
  if (named !== undefined && (typeof named !== 'string' || named === '' || named.length > MAX_PROJECT_KEY)) {
    throw new HttpError(400, 'invalid_query', 'project: expected one project key');
  }
  const projects = await store.listProjects();
  const project = named === undefined ? projects[0] : projects.find((candidate) => candidate.key === named);
  if (!project) throw unknownProject(named ?? '(none)');
  return project;
}
