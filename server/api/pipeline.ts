import { Router } from 'express';
import { z } from 'zod';
import { requireManage } from '../http/credential.ts';
import { HttpError } from '../http/errors.ts';
import { requestProject } from '../http/project-scope.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { Store } from '../storage/store.ts';
import { projectParam } from './query-params.ts';
import type { RouteDoc } from './route-doc.ts';
import type { RederiveResponse, RederiveState, StatusResponse } from '../../contract/api.ts';

/** What these routes need of the pipeline (server/pipeline/pipeline.ts), handed in by app.ts. */
export interface PipelineControl {
  status(projectId: number): StatusResponse;
  rederive(projectId: number): { started: boolean; state: RederiveState };
}

const onlyProject = z.strictObject({ ...projectParam });

export const pipelineRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/status',
    tag: 'Recording',
    summary: 'How far derivation lags behind ingest for the project, and its re-derivation',
    description:
      'pendingChunks: batches acknowledged and not derived yet; oldestPendingAgeMs: how long the oldest has waited ' +
      '(null when none); behind: past 5 s; backlogLimit: past it ingest answers 503. rederive: idle, or running ' +
      'with doneChunks of totalChunks since startedAt.',
    access: 'read',
    scoped: true,
    query: onlyProject,
    responses: { 200: '{ derivation: { pendingChunks, oldestPendingAgeMs, behind, backlogLimit }, rederive }' },
  },
  {
    method: 'post',
    path: '/api/rederive',
    tag: 'Recording',
    summary: "Derives the project's history again from its stored batches",
    description: 'With its page patterns as they are now; no webhook is sent again. Progress in GET /api/status.',
    access: 'manage',
    scoped: true,
    query: onlyProject,
    responses: { 202: '{ rederive }' },
    errors: { 409: 'rederive_running' },
  },
];

/** GET /api/status (how far derivation lags) and POST /api/rederive (rebuild the project's derived data). */
export function pipelineRouter({ store, pipeline }: { store: Store; pipeline: PipelineControl }): Router {
  const router = Router();

  router.get('/api/status', async (req, res) => {
    parseOrThrow(onlyProject, req.query, 'invalid_query');
    const project = await requestProject(req, store);
    const body: StatusResponse = pipeline.status(project.id);
    res.json(body);
  });

  router.post('/api/rederive', requireManage, async (req, res) => {
    parseOrThrow(onlyProject, req.query, 'invalid_query');
    const project = await requestProject(req, store);
    const outcome = pipeline.rederive(project.id);
    if (!outcome.started) {
      throw new HttpError(409, 'rederive_running', `Project "${project.key}" is being re-derived already; see GET /api/status`);
    }
    const body: RederiveResponse = { rederive: outcome.state };
    res.status(202).json(body);
  });

  return router;
}
