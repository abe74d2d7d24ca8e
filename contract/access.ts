/** Response types of the access and data routes: projects and their keys, sign-in, exports, deletions, server events. */
import type { SessionSummary } from './api.ts';
import type { CredentialScope, ProjectRole } from './vocabulary.ts';

/** One project as the admin sees it. */
export interface ProjectInfo {
  /** Public ingest key: it lets a page write recordings, never read them. */
  key: string;
  name: string;
  createdAt: number;
  /** Origins ingest is accepted from; [] accepts any. */
  allowedOrigins: string[];
  retentionDays: number | null;
  /** Whether a server key for POST /api/events has been made; the key itself is never shown again. */
  hasServerKey: boolean;
  /** The roles the project has a viewer token for (`read`, `manage`); the tokens themselves are never shown again. */
  tokenRoles: ProjectRole[];
}

export interface ProjectList {
  projects: ProjectInfo[];
}

/** POST /api/projects and POST /api/projects/:key/viewer-token: the project and its new viewer token, shown once. */
export interface ProjectCredentials {
  project: ProjectInfo;
  /** What the token may do in its project: `read`, or also `manage` its settings and delete its data. */
  role: ProjectRole;
  /** Signs in to the viewer and the API of this project only, with `role`. Only its hash is stored. */
  viewerToken: string;
}

export interface AllowedOriginsResponse {
  origins: string[];
}

/** What GET /api/me and POST /api/login answer when signed in. */
export interface MeResponse {
  signedIn: true;
  /** `admin`: every project, and managing them; `project`: one project's data, through its viewer token. */
  scope: CredentialScope;
  /** `manage`: may also change settings and delete data (the admin, and a project's manage token); `read`: not. */
  role: ProjectRole;
  /** The projects this sign-in sees, oldest first; the first is the one routes act on without `?project=`. */
  projects: Array<{ key: string; name: string }>;
}

export type DeletionKind = 'session' | 'user' | 'retention';

/** One line of the deletion log. */
export interface DeletionLogEntry {
  id: number;
  /** When, ms since epoch. */
  at: number;
  kind: DeletionKind;
  /**
   * Whom the deletion was about: for a session or user deletion the HMAC-SHA256 (hex) of the id under the
   * installation's key (server/storage/deletion-subject.ts), never the id itself; for retention the project's key.
   */
  subject: string;
  /** Sessions deleted. */
  sessions: number;
  /** Why, in words (the retention period); '' when the kind says it all. */
  detail: string;
}

/** The export file: the session's summary and each window's rrweb events in recorded order, windows first-seen first. */
export interface SessionExport {
  session: SessionSummary;
  /** Window id → that window's events, each a plain rrweb event array rrweb-player can replay on its own. */
  windows: Record<string, unknown[]>;
}

export interface UserDeletionResponse {
  deletedSessions: number;
}

export interface DeletionLogResponse {
  deletions: DeletionLogEntry[];
}

export interface RetentionResponse {
  /** Days sessions are kept after they end; null keeps them forever. */
  days: number | null;
}

/** POST /api/projects/:key/server-key: the new key, shown this once. */
export interface ServerKeyResponse {
  serverKey: string;
}

/** POST /api/events: which of the ids sent were stored now and which were already. */
export interface ServerEventsAck {
  ok: true;
  /** Ids stored by this request, in the order sent. */
  created: string[];
  /** Ids stored by an earlier request (or earlier in this one): nothing changed for them. */
  duplicates: string[];
  /** Those of `created` with no known session (yet): counted in checkout metrics by their own day until it arrives. */
  withoutSession: string[];
}
