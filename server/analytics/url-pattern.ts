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

/** Upper bound on matchSegments' steps, as a multiple of (pattern characters + 1) × (path characters + 1). */
export const WORK_BOUND = 8;

/**
 * Most segments a pattern may have where patterns are entered (settings, funnels). Matching is linear for any
 * number; this keeps its constant small (each segment is a state that every path segment may visit), and real page
 * templates have a handful.
 */
export const MAX_PATTERN_SEGMENTS = 16;

/** The segments a pattern has, as written: `/blog/**` has 2, and so has `/a//b/`. */
export function patternSegmentCount(pattern: string): number {
  return pattern.split('/').filter((segment) => segment !== '').length;
}

/** A literal run inside a segment, with its KMP failure table. */
interface Part {
  text: string;
  /** failure[k]: length of the longest proper border of text[0..k]. */
  failure: Int32Array;
}

interface Glob {
  kind: 'glob';
  prefix: string;
  /** The literal runs between inner `*`s, in order; empty runs (`**` inside a segment) left out. */
  middles: Part[];
  suffix: string;
  /** The shortest segment it can match. */
  minLength: number;
}

type Segment = { kind: 'any' } | { kind: 'one' } | { kind: 'literal'; text: string } | Glob;

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
    .map(compileSegment)
    // `**/**` matches what `**` matches; one state fewer per repeat.
    .filter((segment, index, all) => !(segment.kind === 'any' && all[index - 1]?.kind === 'any'));
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

/**
 * Steps of the match under way, kept here rather than on the caller's MatchWork so the inner loops touch a local
 * slot; matchSegments adds them to the caller's count when it returns. Matching never re-enters itself.
 */
let steps = 0;

/** Where `part` first occurs in text[from, to), or -1; each comparison is a step. */
function search(text: string, part: Part, from: number, to: number): number {
  const { text: needle, failure } = part;
  let matched = 0;
  for (let index = from; index < to; index++) {
    const char = text.charCodeAt(index);
    while (matched > 0 && char !== needle.charCodeAt(matched)) {
      matched = failure[matched - 1];
      steps += 1;
    }
    steps += 1;
    if (char === needle.charCodeAt(matched)) matched += 1;
    if (matched === needle.length) return index - needle.length + 1;
  }
  return -1;
}

/**
 * Whether one path segment matches a segment with inner `*`s: the prefix and suffix in place, then each middle part
 * at its leftmost occurrence after the previous one (leftmost leaves the most room, so it never loses a match).
 */
function matchesGlob(glob: Glob, text: string): boolean {
  steps += 1 + glob.prefix.length + glob.suffix.length;
  if (text.length < glob.minLength || !text.startsWith(glob.prefix) || !text.endsWith(glob.suffix)) return false;
  const { middles } = glob;
  let from = glob.prefix.length;
  const to = text.length - glob.suffix.length;
  for (let index = 0; index < middles.length; index++) {
    const at = search(text, middles[index], from, to);
    if (at < 0) return false;
    from = at + middles[index].text.length;
  }
  return true;
}

/** Whether `segment` takes the path segment `text` (for `**`: one more of its segments). */
function consumes(segment: Segment, text: string): boolean {
  switch (segment.kind) {
    case 'any':
    case 'one':
      return text !== '';
    case 'literal':
      steps += 1 + Math.min(segment.text.length, text.length);
      return segment.text === text;
    case 'glob':
      return matchesGlob(segment, text);
  }
}

/**
 * Whether the path's segments (`/a/b` → ['a', 'b']; the root is []) match the pattern. State k means "the first k
 * pattern segments matched the path so far"; each path segment moves every live state at once, and a live state
 * before `**` is also live after it, since `**` may match nothing.
 */
export function matchSegments(pattern: CompiledPattern, path: readonly string[], work?: MatchWork): boolean {
  steps = 1;
  const matched = run(pattern, path);
  if (work) work.steps += steps;
  return matched;
}

function run({ segments, fixed, open }: CompiledPattern, path: readonly string[]): boolean {
  if (path.length < fixed || (!open && path.length !== fixed)) return false;
  const count = segments.length;
  let current = new Uint8Array(count + 1);
  let next = new Uint8Array(count + 1);
  current[0] = 1;
  if (count > 0 && segments[0].kind === 'any') current[1] = 1;
  for (let at = 0; at < path.length; at++) {
    const text = path[at];
    next.fill(0);
    steps += count + 1;
    let live = false;
    for (let state = 0; state < count; state++) {
      if (current[state] === 0 || !consumes(segments[state], text)) continue;
      // `**` stays put to take more segments; the others move past themselves.
      const target = segments[state].kind === 'any' ? state : state + 1;
      next[target] = 1;
      // Consecutive `**` were merged at compile time, so one hop past a `**` is the whole closure.
      if (target < count && segments[target].kind === 'any') next[target + 1] = 1;
      live = true;
    }
    if (!live) return false;
    const previous = current;
    current = next;
    next = previous;
  }
  return current[count] === 1;
}

/** The segments of a normalized path (`/a/b`, no trailing slash; the root is `/`). */
export function pathSegments(path: string): string[] {
  return path === '/' || path === '' ? [] : path.slice(1).split('/');
}
