import express, { Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { AccessStore } from '../storage/access-store.ts';

/** One project as the admin sees it. */
export interface ProjectInfo {
  /** Public ingest key: it lets a page write recordings, never read them. */
  key: string;
  name: string;
  createdAt: number;
  /** Origins ingest is accepted from; [] accepts any. */
  allowedOrigins: string[];
  retentionDays: number | null;
}

export interface ProjectList {
  projects: ProjectInfo[];
}

export interface AllowedOriginsResponse {
  origins: string[];
}

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

/** GET /api/projects and PUT /api/projects/:key/origins, for the admin. */
export function projectsRouter({ store }: { store: AccessStore }): Router {
  const router = Router();

  router.get('/api/projects', async (_req, res) => {
    const projects = await store.listProjects();
    const body: ProjectList = {
      projects: projects.map(({ key, name, createdAt, allowedOrigins, retentionDays }) => ({
        key,
        name,
        createdAt,
        allowedOrigins,
        retentionDays,
      })),
    };
    res.json(body);
  });

  router.put('/api/projects/:key/origins', express.json({ limit: '32kb' }), async (req, res) => {
    const { origins } = parseOrThrow(originsBody, req.body, 'invalid_body');
    const unique = [...new Set(origins)];
    const key = String(req.params.key);
    if (!(await store.setAllowedOrigins(key, unique))) {
      throw new HttpError(404, 'unknown_project', `No project has the key "${key}"`);
    }
    const body: AllowedOriginsResponse = { origins: unique };
    res.json(body);
  });

  return router;
}
