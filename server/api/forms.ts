import { Router } from 'express';
import { z } from 'zod';
import { formUsesFromRows } from '../analytics/form-rows.ts';
import { aggregateForms } from '../analytics/form-report.ts';
import { requestProject } from '../http/project-scope.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { Store } from '../storage/store.ts';
import type { FormsResponse } from '../../contract/insights.ts';
import type { RouteDoc } from './route-doc.ts';
import { checkRange, device, projectParam, timeRange } from './query-params.ts';

const formsQuery = z.strictObject({ device: device.optional(), ...timeRange, ...projectParam }).superRefine(checkRange);

export const formRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/forms',
    tag: 'Forms',
    summary: 'Every form: started, submitted, abandoned, and field by field',
    description:
      'Per form (page key and form selector): started, submitted, abandoned; per field: sessions, median time, ' +
      'median hesitation, corrections, left blank and drop-offs. Over the sessions started in range, of every device ' +
      'unless `device` names one.',
    access: 'read',
    scoped: true,
    query: formsQuery,
    responses: { 200: '{ from, to, device, forms }' },
  },
];

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
