/** The part of the Store that deletes data and keeps its retention settings and deletion log. */
import type { Database } from './db.ts';
import { createDeletionQueries, type DeletionLogEntry } from './deletion.ts';
import { createProjectQueries, type RetentionPolicy } from './projects.ts';
import { createServerEventQueries } from './server-events.ts';

export type { DeletionKind, DeletionLogEntry } from './deletion.ts';
export type { RetentionPolicy } from './projects.ts';

export interface DataStore {
  /** Deletes one session, every row naming it and its heatmap counts, in one transaction; false when none. Logged. */
  deleteSession(id: string): Promise<boolean>;
  /** Deletes every session identified with the user id, in one transaction; resolves with how many. Logged. */
  deleteUserSessions(userId: string): Promise<number>;
  /** Deletes up to `limit` of the project's sessions that ended before `before` (ms since epoch). Logged. */
  deleteExpiredSessions(policy: RetentionPolicy, before: number, limit: number): Promise<number>;
  /** The project's retention in days (null: forever), or undefined when no project has the key. */
  getRetentionDays(projectKey: string): Promise<{ days: number | null } | undefined>;
  /** False when no project has the key. */
  setRetentionDays(projectKey: string, days: number | null): Promise<boolean>;
  /** Every project with a retention period. */
  retentionPolicies(): Promise<RetentionPolicy[]>;
  /** The deletion log, newest first. */
  listDeletions(limit: number, offset: number): Promise<DeletionLogEntry[]>;
}

export function createSqliteDataStore(db: Database): DataStore {
  const deletion = createDeletionQueries(db);
  const projects = createProjectQueries(db);
  const serverEvents = createServerEventQueries(db);

  return {
    async deleteSession(id) {
      return deletion.deleteSessions([id], { kind: 'session', subject: id, detail: '' }, Date.now()) > 0;
    },

    async deleteUserSessions(userId) {
      // Selected inside the transaction's lock would be tidier, but a session identified a moment later belongs to
      // a visit still running, and the next request deletes it.
      const ids = deletion.userSessionIds(userId);
      return deletion.deleteSessions(ids, { kind: 'user', subject: userId, detail: '' }, Date.now());
    },

    async deleteExpiredSessions(policy, before, limit) {
      const ids = deletion.endedBefore(policy.projectId, before, limit);
      const detail = `ended more than ${policy.days} ${policy.days === 1 ? 'day' : 'days'} ago`;
      // Backend events without a session expire by their own time; those with one go with their session.
      serverEvents.deleteUnattachedBefore(policy.projectId, before);
      return deletion.deleteSessions(ids, { kind: 'retention', subject: policy.projectKey, detail }, Date.now());
    },

    async getRetentionDays(projectKey) {
      const project = projects.findByKey(projectKey);
      return project && { days: project.retentionDays };
    },

    async setRetentionDays(projectKey, days) {
      return projects.setRetentionDays(projectKey, days);
    },

    async retentionPolicies() {
      return projects.retentionPolicies();
    },

    async listDeletions(limit, offset) {
      return deletion.log(limit, offset);
    },
  };
}
