import express, { Router } from 'express';
import { z } from 'zod';
import { generateViewerToken, viewerTokenHash } from '../auth/viewer-token.ts';
import { requireAdmin, requireManage } from '../http/credential.ts';
import type { ProjectRole } from '../../contract/vocabulary.ts';
import { HttpError } from '../http/errors.ts';
import { unknownProject, visibleProjects } from '../http/project-scope.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { AccessStore } from '../storage/access-store.ts';
import type { Project } from '../storage/model.ts';
import type { AllowedOriginsResponse, ProjectCredentials, ProjectInfo, ProjectList } from '../../contract/access.ts';
import type { RouteDoc } from './route-doc.ts';

/** Origins per project at most; a store has a handful of domains. */
export const MAX_ALLOWED_ORIGINS = 50;

/** An origin as browsers send it: scheme, host and port only, normalized (`https://Shop.example:443` → `https://shop.example`). */
export const origin = z
  .string()
  .max(300)
  .transform((text, context) => {
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      url = undefined;
    }
    const bare = url && (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && !url.search && !url.hash;
    if (!url || !bare || text.endsWith('/') || url.username || url.password) {
      context.addIssue({ code: 'custom', message: `"${text}" is not an origin such as https://shop.example` });
      return z.NEVER;
    }
    return url.origin;
  });
const originsBody = z.strictObject({ origins: z.array(origin).max(MAX_ALLOWED_ORIGINS) });

/** Ingest keys travel in every store page and in URLs: letters, digits, `-` and `_` keep them safe in both. */
const projectKey = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'expected letters, digits, "-" or "_"');
/** A new token is read-only unless asked otherwise: least privilege by default. */
const role = z.enum(['read', 'manage']).default('read');
const createBody = z.strictObject({ name: z.string().trim().min(1).max(200), key: projectKey.optional(), role });
const rotateBody = z.strictObject({ role });

/** A generated ingest key: 72 random bits, URL-safe; public, so it needs to be unique, not secret. */
function generateProjectKey(): string {
  return generateViewerToken().slice(0, 12);
}

function projectInfo({ key, name, createdAt, allowedOrigins, retentionDays, serverKeyHash, tokenRoles }: Project): ProjectInfo {
  return { key, name, createdAt, allowedOrigins, retentionDays, hasServerKey: serverKeyHash !== null, tokenRoles };
}

const tag = 'Projects';
const keyParam = { key: "The project's key (its ingest key)" };
export const projectRoutes: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/projects',
    tag,
    summary: 'The projects the credential sees: every one for the admin, its own for a project token',
    access: 'read',
    responses: { 200: '{ projects: [{ key, name, createdAt, allowedOrigins, retentionDays, hasServerKey, tokenRoles }] }' },
  },
  {
    method: 'post',
    path: '/api/projects',
    tag,
    summary: 'Creates a project and its first viewer token, shown this once',
    access: 'admin',
    body: createBody,
    responses: { 201: '{ project, role, viewerToken }' },
    errors: { 409: 'project_exists' },
  },
  {
    method: 'post',
    path: '/api/projects/:key/viewer-token',
    tag,
    summary: "Makes or replaces the project's viewer token of a role, ending the old one's sign-ins",
    access: 'admin',
    params: keyParam,
    body: rotateBody,
    bodyRequired: false,
    responses: { 200: '{ project, role, viewerToken }' },
    errors: { 404: 'unknown_project' },
  },
  {
    method: 'put',
    path: '/api/projects/:key/origins',
    tag,
    summary: 'The origins the project accepts ingest from (an empty list accepts any)',
    description: "The admin's, or a manage token's for its own project.",
    access: 'manage',
    params: keyParam,
    body: originsBody,
    responses: { 200: '{ origins }' },
    errors: { 403: 'admin_only: another project than the token\'s', 404: 'unknown_project' },
  },
];

/**
 * GET /api/projects (the projects the caller sees), and for the admin: POST /api/projects, POST
 * /api/projects/:key/viewer-token and PUT /api/projects/:key/origins (which a manage token may do for its own).
 */
export function projectsRouter({ store }: { store: AccessStore }): Router {
  const router = Router();

  router.get('/api/projects', async (req, res) => {
    const body: ProjectList = { projects: (await visibleProjects(req, store)).map(projectInfo) };
    res.json(body);
  });

  router.post('/api/projects', express.json({ limit: '2kb' }), async (req, res) => {
    requireAdmin(req);
    const { name, key = generateProjectKey(), role } = parseOrThrow(createBody, req.body, 'invalid_body');
    const viewerToken = generateViewerToken();
    const tokenHash = viewerTokenHash(viewerToken);
    const project = await store.createProject({ key, name, createdAt: Date.now(), role, tokenHash });
    if (!project) throw new HttpError(409, 'project_exists', `A project already has the key "${key}"`);
    const body: ProjectCredentials = { project: projectInfo(project), role, viewerToken };
    res.status(201).json(body);
  });

  // No body, or `{ role }`: the token of that role is replaced, the other role's stays.
  router.post('/api/projects/:key/viewer-token', express.json({ limit: '1kb' }), async (req, res) => {
    requireAdmin(req);
    const key = String(req.params.key);
    const { role } = parseOrThrow(rotateBody, req.body ?? {}, 'invalid_body');
    const viewerToken = generateViewerToken();
    if (!(await store.rotateProjectToken(key, role, viewerTokenHash(viewerToken)))) throw unknownProject(key);
    const project = (await store.listProjects()).find((candidate) => candidate.key === key)!;
    const body: ProjectCredentials = { project: projectInfo(project), role, viewerToken };
    res.json(body);
  });

  router.put('/api/projects/:key/origins', requireManage, express.json({ limit: '32kb' }), async (req, res) => {
    const key = String(req.params.key);
    // A manage token may change its own project's origins; another project's, existing or not, is the admin's.
    if (!(await visibleProjects(req, store)).some((project) => project.key === key)) requireAdmin(req);
    const { origins } = parseOrThrow(originsBody, req.body, 'invalid_body');
    const unique = [...new Set(origins)];
    if (!(await store.setAllowedOrigins(key, unique))) throw unknownProject(key);
    const body: AllowedOriginsResponse = { origins: unique };
    res.json(body);
  });

  return router;
}
