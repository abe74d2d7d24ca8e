import type { z } from 'zod';
import type { ReasonCode } from '../../contract/reason-codes.ts';
import { describeFirstIssue } from '../zod-issues.ts';
import { HttpError } from './errors.ts';

/** Parses `value` with `schema` or throws a 400 HttpError with `code` and the first issue as message. */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, value: unknown, code: ReasonCode): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, code, describeFirstIssue(result.error));
  return result.data;
}
