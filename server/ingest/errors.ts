/**
 * What ingest raises when it refuses a request (a recorder batch or a backend's events): a reason code, a message
 * naming what was wrong, and the HTTP status it is answered with. Ingest knows nothing of HTTP; the ingest and events
 * routes turn it into the one error shape.
 */
import type { z } from 'zod';
import type { ReasonCode } from '../../contract/reason-codes.ts';
import { describeFirstIssue } from '../zod-issues.ts';

export class IngestError extends Error {
  constructor(
    readonly code: ReasonCode,
    message: string,
    /** The answer's status: 400 unless the refusal is about who sent it (403), its size (413) or a clash (409). */
    readonly status: 400 | 403 | 409 | 413 = 400,
  ) {
    super(message);
    this.name = 'IngestError';
  }
}

/** Parses `value` with `schema` or raises a 400 IngestError with `code` and the first issue as message. */
export function parseOrRaise<Schema extends z.ZodType>(schema: Schema, value: unknown, code: ReasonCode): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw new IngestError(code, describeFirstIssue(result.error));
  return result.data;
}
