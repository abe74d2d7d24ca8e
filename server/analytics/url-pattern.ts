/**
 * Page patterns (`/product/*`, `/blog/**`, `/order/:id`, `/p-*`), matched against a path segment by segment.
 *
 * Syntax, per `/`-separated segment of the pattern (empty segments are ignored, so `/a//b/` is `/a/b`):
 * - `**` matches any number of non-empty path segments, none included;
 * - `*` and `:name` match exactly one non-empty segment;
 * - anything else matches one segment literally, except that each `*` inside it matches any run of characters
 *   within that segment (`p-*` holds `p-blue`; `***` holds any segment, even an empty one).
 *
 * Promise: no regular expression and no backtracking. The pattern runs as a set of states over the path's segments
 * (an NFA simulation), and a segment's inner `*`s are placed greedily with a KMP search for each literal part, so a
 * pattern of P characters against a path of U characters costs at most WORK_BOUND × (P + 1) × (U + 1) steps,
 * whatever either holds. Patterns come from users (page-pattern settings, funnel steps); paths from recordings.
 */

/** Upper bound on matchPath's steps, as a multiple of (pattern characters + 1) × (path characters + 1). */
export const WORK_BOUND = 8;

/** A literal run inside a segment, with its KMP failure table. */
interface Part {
  text: string;
  /** failure[k]: length of the longest proper border of text[0..k]. */
  failure: Int32Array;
}

type Segment =
  | { kind: 'any' }
  | { kind: 'one' }
  | { kind: 'literal'; text: string }
  | { kind: 'glob'; prefix: string; middles: Part[]; suffix: string; minLength: number };

export interface CompiledPattern {
  segments: readonly Segment[];
  /** Segments that consume exactly one path segment: the fewest path segments that can match. */
  fixed: number;
  /** Whether some segment is `**` (else the path must have exactly `fixed` segments). */
  open: boolean;
}

/** Counts the steps a match takes, for tests that prove the bound. */
export interface MatchWork {
  steps: number;
}

function failureTable(text: string): Int32Array {
  const failure = new Int32Array(text.length);
  let border = 0;
  for (let index = 1; index < text.length; index++) {
    while (border > 0 && text.charCodeAt(index) !== text.charCodeAt(border)) border = failure[border - 1];
    if (text.charCodeAt(index) === text.charCodeAt(border)) border += 1;
    failure[index] = border;
  }
  return failure;
}

function compileSegment(text: string): Segment {
  if (text === '**') return { kind: 'any' };
  if (text === '*' || text.startsWith(':')) return { kind: 'one' };
  if (!text.includes('*')) return { kind: 'literal', text };
  const pieces = text.split('*');
  const prefix = pieces[0];
  const suffix = pieces[pieces.length - 1];
  const middles = pieces
    .slice(1, -1)
    .filter((piece) => piece !== '')
    .map((piece) => ({ text: piece, failure: failureTable(piece) }));
  const minLength = prefix.length + suffix.length + middles.reduce((sum, part) => sum + part.text.length, 0);
  return { kind: 'glob', prefix, middles, suffix, minLength };
}

function compile(pattern: string): CompiledPattern {
  const segments = pattern
    .split('/')
    .filter((segment) => segment !== '')
    .map(compileSegment);
  const fixed = segments.filter((segment) => segment.kind !== 'any').length;
  return { segments, fixed, open: fixed < segments.length };
}

/** Compiled patterns by text. Bounded: funnel queries bring patterns nobody saved, and they must not pile up. */
const compiledPatterns = new Map<string, CompiledPattern>();
const MAX_CACHED_PATTERNS = 1000;

/** The pattern's segments, ready for matchSegments (cached by text). */
export function compilePattern(pattern: string): CompiledPattern {
  let compiled = compiledPatterns.get(pattern);
  if (!compiled) {
    if (compiledPatterns.size >= MAX_CACHED_PATTERNS) compiledPatterns.clear();
    compiled = compile(pattern);
    compiledPatterns.set(pattern, compiled);
  }
  return compiled;
}

/** Where `part` first occurs in text[from, to), or -1; each comparison is a step. */
function search(text: string, part: Part, from: number, to: number, work: MatchWork): number {
  const { text: needle, failure } = part;
  let matched = 0;
  for (let index = from; index < to; index++) {
    const char = text.charCodeAt(index);
    while (matched > 0 && char !== needle.charCodeAt(matched)) {
      matched = failure[matched - 1];
      work.steps += 1;
    }
    work.steps += 1;
    if (char === needle.charCodeAt(matched)) matched += 1;
    if (matched === needle.length) return index - needle.length + 1;
  }
  return -1;
}

/**
 * Whether one path segment matches a segment with inner `*`s: the prefix and suffix in place, then each middle part
 * at its leftmost occurrence after the previous one (leftmost leaves the most room, so it never loses a match).
 */
function matchesGlob(glob: Extract<Segment, { kind: 'glob' }>, text: string, work: MatchWork): boolean {
  work.steps += 1 + glob.prefix.length + glob.suffix.length;
  if (text.length < glob.minLength || !text.startsWith(glob.prefix) || !text.endsWith(glob.suffix)) return false;
  let from = glob.prefix.length;
  const to = text.length - glob.suffix.length;
  for (const part of glob.middles) {
    const at = search(text, part, from, to, work);
    if (at < 0) return false;
    from = at + part.text.length;
  }
  return true;
}

function consumes(segment: Segment, text: string, work: MatchWork): boolean {
  switch (segment.kind) {
    case 'any':
    case 'one':
      return text !== '';
    case 'literal':
      work.steps += Math.min(segment.text.length, text.length);
      return segment.text === text;
    case 'glob':
      return matchesGlob(segment, text, work);
  }
}

/** Follows `**` segments, which may match nothing: a state before one also stands after it. */
function close(states: Uint8Array, segments: readonly Segment[]): void {
  for (let index = 0; index < segments.length; index++) {
    if (states[index] === 1 && segments[index].kind === 'any') states[index + 1] = 1;
  }
}

/**
 * Whether the path's segments (`/a/b` → ['a', 'b']; the root is []) match the pattern. State k means "the first k
 * pattern segments matched the path so far"; each path segment moves every live state at once.
 */
export function matchSegments(pattern: CompiledPattern, path: readonly string[], work: MatchWork = { steps: 0 }): boolean {
  const { segments } = pattern;
  work.steps += 1;
  if (path.length < pattern.fixed || (!pattern.open && path.length !== pattern.fixed)) return false;
  let current = new Uint8Array(segments.length + 1);
  let next = new Uint8Array(segments.length + 1);
  current[0] = 1;
  close(current, segments);
  for (const text of path) {
    next.fill(0);
    work.steps += segments.length + 1;
    let live = false;
    for (let state = 0; state < segments.length; state++) {
      if (current[state] === 0) continue;
      const segment = segments[state];
      if (!consumes(segment, text, work)) continue;
      // `**` stays put to take more segments; the others move past themselves.
      next[segment.kind === 'any' ? state : state + 1] = 1;
      live = true;
    }
    if (!live) return false;
    close(next, segments);
    [current, next] = [next, current];
  }
  return current[segments.length] === 1;
}

/** The segments of a normalized path (`/a/b`, no trailing slash; the root is `/`). */
export function pathSegments(path: string): string[] {
  return path === '/' || path === '' ? [] : path.slice(1).split('/');
}
