import type { z } from 'zod';
import { HttpError } from './errors.ts';
import type { ReasonCode } from '../../contract/reason-codes.ts';

/** `events[155].type` style path of a zod issue; `(root)` for the value itself. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text || '(root)';
}

/** One line naming the first bad path, e.g. `events[155].type: expected number, received undefined`. */
export function describeFirstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  // zod prefixes type errors with "Invalid input: ", which says nothing the path does not.
  return `${formatPath(issue.path)}: ${issue.message.replace(/^Invalid input: /, '')}`;
}

/** Parses `value` with `schema` or throws a 400 HttpError with `code` and the first issue as message. */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, value: unknown, code: ReasonCode): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, code, describeFirstIssue(result.error));
  return result.data;
}
