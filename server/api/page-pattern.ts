/** The zod shape of a page pattern (pageKey's syntax: `/product/*`, `/blog/**`, `/order/:id`) as routes accept it. */
import { z } from 'zod';
import { MAX_PATTERN_SEGMENTS, patternSegmentCount } from '../analytics/url-pattern.ts';

/** A path pattern of at most `maxChars` characters and MAX_PATTERN_SEGMENTS segments; 400 `invalid_body` otherwise. */
export function pagePatternText(maxChars: number) {
  return z
    .string()
    .min(1)
    .max(maxChars)
    .regex(/^\//, 'expected a path pattern starting with "/"')
    .refine((pattern) => patternSegmentCount(pattern) <= MAX_PATTERN_SEGMENTS, {
      message: `at most ${MAX_PATTERN_SEGMENTS} segments`,
    });
}
