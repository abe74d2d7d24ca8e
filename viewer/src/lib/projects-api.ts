/**
 * Client of the project routes (list, create, viewer tokens, server key, allowed origins, retention), and the embed
 * snippet and words the projects panel shows for a project.
 */
import type {
  AllowedOriginsResponse,
  ProjectCredentials,
  ProjectInfo,
  ProjectList,
  RetentionResponse,
  ServerKeyResponse,
} from '../../../contract/access.ts';
import { apiRequest, toQueryString } from './api.ts';

export type TokenRole = ProjectCredentials['role'];

const projectPath = (key: string, action: string) => `/api/projects/${encodeURIComponent(key)}/${action}`;

/** The projects the sign-in sees, oldest first. */
export function listProjects(signal?: AbortSignal): Promise<ProjectList> {
  return apiRequest('/api/projects', { signal });
}

/** The body of POST /api/projects from the form's fields: a blank key is left out, so the server generates one. */
export function newProjectBody(name: string, key: string, role: TokenRole): { name: string; key?: string; role: TokenRole } {
  const trimmedKey = key.trim();
  return trimmedKey === '' ? { name, role } : { name, key: trimmedKey, role };
}

/** Admin only. Resolves with the project and its first viewer token, of `role`, which is shown this once. */
export function createProject(name: string, key: string, role: TokenRole): Promise<ProjectCredentials> {
  return apiRequest('/api/projects', { method: 'POST', body: newProjectBody(name, key, role) });
}

/** Admin only. A new viewer token of `role` in place of the old one of that role, whose sign-ins end. */
export function rotateViewerToken(key: string, role: TokenRole): Promise<ProjectCredentials> {
  return apiRequest(projectPath(key, 'viewer-token'), { method: 'POST', body: { role } });
}

/** Admin only. A new server key for POST /api/events; the old one, if any, stops working. */
export function createServerKey(key: string): Promise<ServerKeyResponse> {
  return apiRequest(projectPath(key, 'server-key'), { method: 'POST' });
}

/** Manage role. Replaces the origins the project accepts ingest from; resolves with the list as saved. */
export function saveAllowedOrigins(key: string, origins: string[]): Promise<AllowedOriginsResponse> {
  return apiRequest(projectPath(key, 'origins'), { method: 'PUT', body: { origins } });
}

/** Manage role. How many days the project keeps sessions after they end; null keeps them forever. */
export function saveRetention(key: string, days: number | null): Promise<RetentionResponse> {
  return apiRequest(`/api/settings/retention${toQueryString({ project: key })}`, { method: 'PUT', body: { days } });
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

/** What each role's token may do, in the words the panel uses. */
export const roleWords: Record<TokenRole, { name: string; can: string }> = {
  read: { name: 'read-only', can: 'sees recordings, reports and settings' },
  manage: { name: 'manage', can: 'also changes settings and webhooks and deletes data' },
};

/** "read-only and manage tokens", or "no viewer token": which tokens the project has. */
export function tokenText(roles: ProjectInfo['tokenRoles']): string {
  if (roles.length === 0) return 'no viewer token';
  return `${roles.map((role) => roleWords[role].name).join(' and ')} ${roles.length === 1 ? 'token' : 'tokens'}`;
}

/** "Kept forever" or "Kept 30 days": the project's retention in words. */
export function retentionText(days: number | null): string {
  if (days === null) return 'Kept forever';
  return `Kept ${days} ${days === 1 ? 'day' : 'days'}`;
}
