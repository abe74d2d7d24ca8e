import type { Request } from 'express';
import type { AccessStore } from '../storage/access-store.ts';
import type { Project } from '../storage/model.ts';
import { requestCredential } from './credential.ts';
import { HttpError } from './errors.ts';

/** Longest project key accepted in a query string; keys are short generated or chosen names. */
const MAX_PROJECT_KEY = 200;

export function unknownProject(key: string): HttpError {
  return new HttpError(404, 'unknown_project', `No project has the key "${key}"`);
}

/** The projects the request's credential sees, oldest first: every project for the admin, else its own. */
export async function visibleProjects(req: Request, store: Pick<AccessStore, 'listProjects'>): Promise<Project[]> {
  const credential = requestCredential(req);
  const projects = await store.listProjects();
  return credential.scope === 'admin' ? projects : projects.filter((project) => project.id === credential.projectId);
}

/**
 * The project a read, settings or delete request acts on: the one its `project` query parameter names, else the
 * oldest project it sees. A project viewer token sees only its own project: naming another answers 404
 * `unknown_project` exactly as a key nobody has, so a token holder cannot learn which other projects exist.
 * Every route that reads or changes a project's data asks here, so the rule of who sees what lives in one place.
 */
export async function requestProject(req: Request, store: Pick<AccessStore, 'listProjects'>): Promise<Project> {
  const named = req.query.project;
  if (named !== undefined && (typeof named !== 'string' || named === '' || named.length > MAX_PROJECT_KEY)) {
    throw new HttpError(400, 'invalid_query', 'project: expected one project key');
  }
  const projects = await visibleProjects(req, store);
  const project = named === undefined ? projects[0] : projects.find((candidate) => candidate.key === named);
  if (!project) throw unknownProject(named ?? '(none)');
  return project;
}
