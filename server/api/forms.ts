import { Router } from 'express';
import { z } from 'zod';
import { formUsesFromRows } from '../analytics/form-rows.ts';
import { aggregateForms } from '../analytics/form-report.ts';
import { requestProject } from '../http/project-scope.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { Store } from '../storage/store.ts';
import type { FormsResponse } from '../../contract/insights.ts';
import { checkRange, device, projectParam, timeRange } from './query-params.ts';

const formsQuery = z.strictObject({ device: device.optional(), ...timeRange, ...projectParam }).superRefine(checkRange);

/** GET /api/forms: every form's starts, submits, abandons and field-by-field figures over the sessions in range. */
export function formsRouter({ store }: { store: Store }): Router {
  const router = Router();
  router.get('/api/forms', async (req, res) => {
    const query = parseOrThrow(formsQuery, req.query, 'invalid_query');
    const project = await requestProject(req, store);
    const rows = await store.formEvents({ projectId: project.id, from: query.from, to: query.to, device: query.device });
    const body: FormsResponse = {
      from: query.from ?? null,
      to: query.to ?? null,
      device: query.device ?? null,
      forms: aggregateForms(formUsesFromRows(rows)),
    };
    res.json(body);
  });
  return router;
}
