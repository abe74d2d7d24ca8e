/** Client of the data routes: deleting a session for good and the link that downloads its export. */
import { apiRequest } from './api.ts';
import { currentProject, withProject } from './project-param.ts';

const sessionPath = (id: string) => `/api/sessions/${encodeURIComponent(id)}`;

/** Deletes the session, its derived rows and its heatmap counts; resolves once the server has committed. */
export function deleteSession(id: string): Promise<void> {
  return apiRequest<void>(sessionPath(id), { method: 'DELETE' });
}

/** Same-origin URL of the session's rrweb JSON export, served as an attachment (`{ session, windows }`). */
export function exportHref(id: string): string {
  // A plain link, not a fetch: it needs the chosen project itself.
  return withProject(`${sessionPath(id)}/export`, currentProject());
}
