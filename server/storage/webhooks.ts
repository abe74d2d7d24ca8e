/** Webhook subscriptions: a project's URLs, the event types each receives, and each one's signing secret. */
import { webhookEventTypes, type WebhookEventType } from '../../contract/vocabulary.ts';
import type { Database } from './db.ts';
import { parseStringList } from './projects.ts';

/** A subscription as the admin sees it: never with its secret. */
export interface Webhook {
  id: number;
  projectId: number;
  url: string;
  events: WebhookEventType[];
  createdAt: number;
}

export interface WebhookWrite {
  projectId: number;
  url: string;
  events: readonly WebhookEventType[];
  secret: string;
  createdAt: number;
}

interface WebhookRow {
  id: number;
  project_id: number;
  url: string;
  events: string;
  created_at: number;
}

const isEventType = (type: string): type is WebhookEventType => (webhookEventTypes as readonly string[]).includes(type);

function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    projectId: row.project_id,
    url: row.url,
    events: parseStringList(row.events).filter(isEventType),
    createdAt: row.created_at,
  };
}

export function createWebhookQueries(db: Database) {
  const columns = 'id, project_id, url, events, created_at';
  const ofProject = db.prepare<[number], WebhookRow>(`SELECT ${columns} FROM webhooks WHERE project_id = ? ORDER BY id`);
  const byId = db.prepare<[number, number], WebhookRow>(`SELECT ${columns} FROM webhooks WHERE project_id = ? AND id = ?`);
  const count = db.prepare<[number], number>('SELECT count(*) FROM webhooks WHERE project_id = ?').pluck();
  const insert = db.prepare(
    'INSERT INTO webhooks (project_id, url, events, secret, created_at) VALUES (@projectId, @url, @events, @secret, @createdAt)',
  );
  const remove = db.prepare<[number, number]>('DELETE FROM webhooks WHERE project_id = ? AND id = ?');
  const subscribed = db
    .prepare<[number, string], number>(
      // json_valid: json_each fails the whole statement (and so ingest) on one malformed row.
      `SELECT id FROM webhooks WHERE project_id = ?
         AND EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(events) THEN events ELSE '[]' END) WHERE value = ?)
       ORDER BY id`,
    )
    .pluck();

  return {
    /** The project's webhooks, oldest first. */
    list(projectId: number): Webhook[] {
      return ofProject.all(projectId).map(toWebhook);
    },
    get(projectId: number, id: number): Webhook | undefined {
      const row = byId.get(projectId, id);
      return row && toWebhook(row);
    },
    count(projectId: number): number {
      return count.get(projectId) ?? 0;
    },
    create(write: WebhookWrite): Webhook {
      const id = Number(insert.run({ ...write, events: JSON.stringify(write.events) }).lastInsertRowid);
      const { projectId, url, events, createdAt } = write;
      return { id, projectId, url, events: [...events], createdAt };
    },
    /** Deletes the webhook and (by cascade) its deliveries; false when the project has no such webhook. */
    delete(projectId: number, id: number): boolean {
      return remove.run(projectId, id).changes > 0;
    },
    /** Ids of the project's webhooks that receive `type`. */
    subscribedTo(projectId: number, type: string): number[] {
      return subscribed.all(projectId, type);
    },
  };
}
