/** The part of the Store that deletes data and keeps its retention settings and deletion log. */
import { recordedAssetUrls } from '../assets/rewrite.ts';
import { decodeChunk } from './chunks.ts';
import type { Database } from './db.ts';
import { createDeletionQueries, type DeletionLogQuery, type DeletionRequest } from './deletion.ts';
import type { DeletionLogEntry } from '../../contract/access.ts';
import { createProjectQueries, type RetentionPolicy } from './projects.ts';
import { createServerEventQueries } from './server-events.ts';

export type { DeletionLogQuery } from './deletion.ts';
export type { RetentionPolicy } from './projects.ts';

export interface DataStore {
  /**
   * Deletes one of the project's sessions, every row naming it and its heatmap counts, in one transaction; false
   * when the project has no such session. Logged.
   */
  deleteSession(projectId: number, id: string): Promise<boolean>;
  /** Deletes the project's sessions identified with the user id, in one transaction; resolves with how many. Logged. */
  deleteUserSessions(projectId: number, userId: string): Promise<number>;
  /** Deletes up to `limit` of the project's sessions that ended before `before` (ms since epoch). Logged. */
  deleteExpiredSessions(policy: RetentionPolicy, before: number, limit: number): Promise<number>;
  /** False when no project has the key. */
  setRetentionDays(projectKey: string, days: number | null): Promise<boolean>;
  /** Every project with a retention period. */
  retentionPolicies(): Promise<RetentionPolicy[]>;
  /** The project's deletion log, newest first. */
  listDeletions(query: DeletionLogQuery): Promise<DeletionLogEntry[]>;
}

/**
 * `afterDeletion` runs after every deletion's commit with the ids it was asked to delete: the store forgets what it
 * keeps of them in memory and empties the WAL (erasure.ts).
 */
export function createSqliteDataStore(db: Database, afterDeletion: (sessionIds: readonly string[]) => void): DataStore {
  const deletion = createDeletionQueries(db);
  const projects = createProjectQueries(db);
  const serverEvents = createServerEventQueries(db);

  /** The URLs the sessions' recordings name, when the asset proxy has cached anything that could be one of them. */
  async function assetUrlsOf(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0 || !deletion.hasCachedAssets()) return [];
    const urls = new Set<string>();
    for (const id of ids) {
      for (const eventsGz of deletion.chunksOf(id)) for (const url of recordedAssetUrls(await decodeChunk(eventsGz))) urls.add(url);
    }
    return [...urls];
  }

  async function erase(ids: readonly string[], request: DeletionRequest): Promise<number> {
    // Read before the transaction: inflating recordings must not hold the write lock.
    const assetUrls = await assetUrlsOf(ids);
    try {
      return deletion.deleteSessions(ids, request, Date.now(), assetUrls);
    } finally {
      afterDeletion(ids);
    }
  }

  return {
    async deleteSession(projectId, id) {
      // A session never changes project (ingest refuses that), so checking the owner before the transaction is safe.
      const ids = deletion.projectSessionIds(projectId, id);
      if (ids.length === 0) return false;
      return (await erase(ids, { kind: 'session', subject: id, detail: '', projectId })) > 0;
    },

    async deleteUserSessions(projectId, userId) {
      // Selected inside the transaction's lock would be tidier, but a session identified a moment later belongs to
      // a visit still running, and the next request deletes it.
      const ids = deletion.userSessionIds(projectId, userId);
      return erase(ids, { kind: 'user', subject: userId, detail: '', projectId });
    },

    async deleteExpiredSessions(policy, before, limit) {
      const ids = deletion.endedBefore(policy.projectId, before, limit);
      const detail = `ended more than ${policy.days} ${policy.days === 1 ? 'day' : 'days'} ago`;
      // Backend events without a session expire by their own time; those with one go with their session.
      serverEvents.deleteUnattachedBefore(policy.projectId, before);
      const request = { kind: 'retention' as const, subject: policy.projectKey, detail, projectId: policy.projectId };
      return erase(ids, request);
    },

    async setRetentionDays(projectKey, days) {
      return projects.setRetentionDays(projectKey, days);
    },

    async retentionPolicies() {
      return projects.retentionPolicies();
    },

    async listDeletions(query) {
      return deletion.log(query);
    },
  };
}
