/** zod's first complaint as one line that names the bad path: the message of every 400 a schema refuses. */
import type { z } from 'zod';

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
