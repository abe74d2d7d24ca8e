/** zod pieces shared by the read routes' query strings: values arrive as strings, a repeated key as an array. */
import { z } from 'zod';

export const integer = z
  .string()
  .regex(/^\d{1,15}$/, 'expected a non-negative integer')
  .transform(Number);

export const text = z.string().min(1).max(2048);

export const device = z.enum(['mobile', 'tablet', 'desktop']);

/** `true` or `false`, nothing else (`1`, `yes` and `` are refused rather than guessed). */
export const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/** A page key as /api/heatmaps/pages lists it (`/product/:id`), or any URL path. */
export const pageParam = z.string().min(1).max(2048);

/** `from` / `to` in ms since epoch; `from` after `to` is refused. */
export const timeRange = {
  from: integer.optional(),
  to: integer.optional(),
};

export function checkRange(value: { from?: number; to?: number }, context: z.RefinementCtx): void {
  if (value.from !== undefined && value.to !== undefined && value.from > value.to) {
    context.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
  }
}

/**
 * `project`: the key of the project a read acts on. requestProject checks it and the caller's right to it; it is
 * listed here so that strict query schemas accept it.
 */
export const projectParam = {
  project: z
    .string()
    .optional()
    .describe("Key of the project to act on: the admin's choice (the oldest project when left out); a project token's own."),
};
