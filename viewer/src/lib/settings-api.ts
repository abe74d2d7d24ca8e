/** Client of the settings routes: the page patterns that name page keys (`/product/*`). */
import type { PagePatternsResponse } from '../../../contract/api.ts';
import { apiRequest } from './api.ts';

const PAGE_PATTERNS = '/api/settings/page-patterns';

export function fetchPagePatterns(signal?: AbortSignal): Promise<PagePatternsResponse> {
  return apiRequest(PAGE_PATTERNS, { signal });
}

/** Saves the list in place of the old one; resolves with the list as saved. */
export function savePagePatterns(patterns: string[]): Promise<PagePatternsResponse> {
  return apiRequest(PAGE_PATTERNS, { method: 'PUT', body: { patterns } });
}

/** The textarea's lines as patterns: trimmed, blank lines and repeats left out, in order. */
export function patternsFromText(text: string): string[] {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  return [...new Set(lines.filter((line) => line !== ''))];
}

/** One pattern a line, as the textarea shows them. */
export function patternsToText(patterns: readonly string[]): string {
  return patterns.join('\n');
}
