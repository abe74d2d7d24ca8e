/**
 * Client of the project routes (list, create, viewer token, server key, allowed origins), and the embed snippet and
 * words the projects panel shows for a project.
 */
import type { ServerKeyResponse } from '../../../server/api/events.ts';
import type { AllowedOriginsResponse, ProjectCredentials, ProjectList } from '../../../server/api/projects.ts';
import { apiRequest } from './api.ts';

const projectPath = (key: string, action: string) => `/api/projects/${encodeURIComponent(key)}/${action}`;

/** The projects the sign-in sees, oldest first. */
export function listProjects(signal?: AbortSignal): Promise<ProjectList> {
  return apiRequest('/api/projects', { signal });
}

/** The body of POST /api/projects from the form's fields: a blank key is left out, so the server generates one. */
export function newProjectBody(name: string, key: string): { name: string; key?: string } {
  const trimmedKey = key.trim();
  return trimmedKey === '' ? { name } : { name, key: trimmedKey };
}

/** Admin only. Resolves with the project and its viewer token, which is shown this once. */
export function createProject(name: string, key: string): Promise<ProjectCredentials> {
  return apiRequest('/api/projects', { method: 'POST', body: newProjectBody(name, key) });
}

/** Admin only. A new viewer token in place of the old one, whose sign-ins end. */
export function rotateViewerToken(key: string): Promise<ProjectCredentials> {
  return apiRequest(projectPath(key, 'viewer-token'), { method: 'POST' });
}

/** Admin only. A new server key for POST /api/events; the old one, if any, stops working. */
export function createServerKey(key: string): Promise<ServerKeyResponse> {
  return apiRequest(projectPath(key, 'server-key'), { method: 'POST' });
}

/** Replaces the origins the project accepts ingest from; resolves with the list as saved. */
export function saveAllowedOrigins(key: string, origins: string[]): Promise<AllowedOriginsResponse> {
  return apiRequest(projectPath(key, 'origins'), { method: 'PUT', body: { origins } });
}

const attributeEscapes: Record<string, string> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '>': '&gt;' };
const escapeAttribute = (text: string) => text.replace(/[&"<>]/g, (character) => attributeEscapes[character]!);

/**
 * The recorder tag for a store's pages. `viewerUrl` is the address the viewer is open at: the server that serves the
 * viewer also serves recorder.js, and the recorder posts to /api/ingest on the host it was loaded from, so the tag
 * needs no data-endpoint. `async` keeps the script from delaying the store's page.
 */
export function embedSnippet(viewerUrl: string, projectKey: string): string {
  const src = new URL('/recorder.js', viewerUrl).href;
  return `<script src="${escapeAttribute(src)}" data-project="${escapeAttribute(projectKey)}" async></script>`;
}

/** "Kept forever" or "Kept 30 days": the project's retention in words. */
export function retentionText(days: number | null): string {
  if (days === null) return 'Kept forever';
  return `Kept ${days} ${days === 1 ? 'day' : 'days'}`;
}
