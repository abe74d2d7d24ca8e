import { Router } from 'express';
import { z } from 'zod';
import { requireManage } from '../http/credential.ts';
import { HttpError } from '../http/errors.ts';
import { requestProject } from '../http/project-scope.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { Store } from '../storage/store.ts';
import { projectParam } from './query-params.ts';
import type { RederiveResponse, RederiveState, StatusResponse } from '../../contract/api.ts';

/** What these routes need of the pipeline (server/pipeline/pipeline.ts), handed in by app.ts. */
export interface PipelineControl {
  status(projectId: number): StatusResponse;
  rederive(projectId: number): { started: boolean; state: RederiveState };
}

const onlyProject = z.strictObject({ ...projectParam });

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
