import { Router } from 'express';
import { z } from 'zod';
import { formUsesFromRows } from '../analytics/form-rows.ts';
import { aggregateForms } from '../analytics/form-report.ts';
import { requestProject } from '../http/project-scope.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { Store } from '../storage/store.ts';
import type { FormsResponse, ReplayLink, ReplayMoment } from '../../contract/insights.ts';
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

/** A session moment placed on its window's replay clock; null when there is none or the window is gone. */
async function onReplayClock(store: Store, moment: ReplayLink | null): Promise<ReplayMoment | null> {
  if (!moment) return null;
  const start = await store.windowStart(moment.sessionId, moment.windowId);
  return start === null ? null : { ...moment, offsetMs: Math.max(0, moment.ts - start) };
}

/** GET /api/forms: every form's starts, submits, abandons and field-by-field figures over the sessions in range. */
export function formsRouter({ store }: { store: Store }): Router {
  const router = Router();
  router.get('/api/forms', async (req, res) => {
    const query = parseOrThrow(formsQuery, req.query, 'invalid_query');
    const project = await requestProject(req, store);
    const rows = await store.formEvents({ projectId: project.id, from: query.from, to: query.to, device: query.device });
    const forms = aggregateForms(formUsesFromRows(rows));
    const body: FormsResponse = {
      from: query.from ?? null,
      to: query.to ?? null,
      device: query.device ?? null,
      forms: await Promise.all(forms.map(async (form) => ({
        ...form,
        fields: await Promise.all(form.fields.map(async (field) => ({ ...field, latestDropOff: await onReplayClock(store, field.latestDropOff) }))),
      }))),
    };
    res.json(body);
  });
  return router;
}
