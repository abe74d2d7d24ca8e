/**
 * Page patterns (`/product/*`, `/blog/**`, `/order/:id`, `/p-*`), matched against a path segment by segment.
 *
 * Syntax, per `/`-separated segment of the pattern (empty segments are ignored, so `/a//b/` is `/a/b`):
 * - `**` matches any number of non-empty path segments, none included;
 * - `*` and `:name` match exactly one non-empty segment;
 * - anything else matches one segment literally, except that each `*` inside it matches any run of characters
 *   within that segment (`p-*` holds `p-blue`; `***` holds any segment, even an empty one).
 *
 * Promise: no regular expression and no backtracking. The pattern runs as a set of live states over the path's
 * segments (an NFA simulation), and a segment's inner `*`s are placed greedily with a KMP search for each literal
 * part, so a pattern of P characters against a path of U characters costs at most WORK_BOUND × (P + 1) × (U + 1)
 * steps whatever either holds: linear in the path for any one pattern. On top of that bound, states the rest of the
 * path cannot complete are dropped, a live `**` stands for every state before it, and equal globs are tested once
 * per path segment. Patterns come from users (page-pattern settings, funnel steps); paths from recordings.
 */

/** Upper bound on matchSegments' steps, as a multiple of (pattern characters + 1) × (path characters + 1). */
export const WORK_BOUND = 8;

/**
 * Most segments a pattern may have where patterns are entered (settings, funnels). The bound above needs no limit;
 * this one keeps its constant small (each segment is a state a path segment may visit), and page templates have a
 * handful.
 */
export const MAX_PATTERN_SEGMENTS = 16;

/**
 * Most segments a path may have and still match a pattern: a longer path matches none (pageKey then keys it by its
 * id-like segments alone). Store pages have a handful; a path of hundreds is made to cost, since each of its segments
 * moves every live state. Documented in docs/api.md.
 */
export const MAX_PATH_SEGMENTS = 64;

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

/** A segment with inner `*`s: `p-*`, `*.html`, `a*b*c`. */
interface Glob {
  prefix: string;
  /** The literal runs between inner `*`s, in order; empty runs (`**` inside a segment) left out. */
  middles: Part[];
  suffix: string;
  /** The shortest segment it can match. */
  minLength: number;
}

/** What a pattern segment is, one number per state so the matching loop reads a typed array. */
const ANY = 0; // `**`
const ONE = 1; // `*` or `:name`
const LITERAL = 2;
const GLOB = 3;

export interface CompiledPattern {
  /** Per pattern segment (repeated `**` merged into one): ANY, ONE, LITERAL or GLOB. */
  kinds: Uint8Array;
  /** Per segment: its text when LITERAL. */
  literals: string[];
  /** Per segment: the index in `globs` when GLOB. Equal globs share one, so each is tested once per path segment. */
  globIds: Int32Array;
  globs: Glob[];
  /** fixedAfter[k]: segments from k on that take exactly one path segment (all but `**`). */
  fixedAfter: Int32Array;
  /** openAfter[k]: 1 when some segment from k on is `**`, so the path may be longer than fixedAfter[k]. */
  openAfter: Uint8Array;
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

function kindOf(segment: string): number {
  if (segment === '**') return ANY;
  if (segment === '*' || segment.startsWith(':')) return ONE;
  return segment.includes('*') ? GLOB : LITERAL;
}

function compileGlob(pieces: string[]): Glob {
  const middles = pieces.slice(1, -1).map((piece) => ({ text: piece, failure: failureTable(piece) }));
  const prefix = pieces[0];
  const suffix = pieces[pieces.length - 1];
  const minLength = pieces.reduce((sum, piece) => sum + piece.length, 0);
  return { prefix, middles, suffix, minLength };
}

function compile(pattern: string): CompiledPattern {
  // `**/**` matches what `**` matches; merged, a state right after a `**` is never a `**` (run relies on it).
  const texts = pattern
    .split('/')
    .filter((segment) => segment !== '')
    .filter((segment, index, all) => !(segment === '**' && all[index - 1] === '**'));
  const count = texts.length;
  const kinds = new Uint8Array(count);
  const literals = texts.map(() => '');
  const globIds = new Int32Array(count);
  const globs: Glob[] = [];
  const globIndex = new Map<string, number>();
  texts.forEach((text, index) => {
    kinds[index] = kindOf(text);
    if (kinds[index] === LITERAL) literals[index] = text;
    if (kinds[index] !== GLOB) return;
    // Runs of `*` mean one `*`, so `a**b` and `a*b` are one glob.
    const pieces = text.split('*').filter((piece, at, all) => piece !== '' || at === 0 || at === all.length - 1);
    const key = pieces.join('*');
    if (!globIndex.has(key)) {
      globIndex.set(key, globs.length);
      globs.push(compileGlob(pieces));
    }
    globIds[index] = globIndex.get(key)!;
  });
  const fixedAfter = new Int32Array(count + 1);
  const openAfter = new Uint8Array(count + 1);
  for (let index = count - 1; index >= 0; index--) {
    fixedAfter[index] = fixedAfter[index + 1] + (kinds[index] === ANY ? 0 : 1);
    openAfter[index] = kinds[index] === ANY ? 1 : openAfter[index + 1];
  }
  return { kinds, literals, globIds, globs, fixedAfter, openAfter };
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
 * Whether one path segment matches a glob: the prefix and suffix in place, then each middle part at its leftmost
 * occurrence after the previous one (leftmost leaves the most room, so it never loses a match).
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

/** A normalized path cut into segments once, to be matched against many patterns. */
export interface SplitPath {
  /** `/a/b` → ['a', 'b']; the root is []. */
  segments: readonly string[];
  /** Index of the last empty segment (`/a//b` has one), or -1. */
  lastEmpty: number;
}

/** A normalized path (`/a/b`, no trailing slash; the root is `/`) cut into segments. */
export function splitPath(path: string): SplitPath {
  const segments = path === '/' || path === '' ? [] : path.slice(1).split('/');
  return { segments, lastEmpty: segments.lastIndexOf('') };
}

/**
 * Whether the path matches the pattern. State k means "the first k pattern segments matched the path so far"; each
 * path segment moves every live state at once, and a live state before `**` is also live after it, since `**` may
 * match nothing.
 */
export function matchSegments(pattern: CompiledPattern, path: SplitPath, work?: MatchWork): boolean {
  steps = 1;
  const matched = path.segments.length <= MAX_PATH_SEGMENTS && run(pattern, path);
  if (work) work.steps += steps;
  return matched;
}

function run(pattern: CompiledPattern, { segments: path, lastEmpty }: SplitPath): boolean {
  const { kinds, literals, globIds, globs, fixedAfter, openAfter } = pattern;
  const count = kinds.length;
  if (path.length < fixedAfter[0] || (openAfter[0] === 0 && path.length !== fixedAfter[0])) return false;
  const endsOpen = count > 0 && kinds[count - 1] === ANY;
  // State k is live before path segment `at` when liveAt[k] === at + 1: one array, no clearing between segments.
  // Moving from the last live state down means a state's entry is rewritten only after it has been read.
  const liveAt = new Int32Array(count + 1);
  // Per glob: the path segment (index + 1) it was last tested on, and the answer.
  const testedOn = new Int32Array(globs.length);
  const verdicts = new Uint8Array(globs.length);
  liveAt[0] = 1;
  if (count > 0 && kinds[0] === ANY) liveAt[1] = 1;
  let top = count > 0 && kinds[0] === ANY ? 1 : 0;
  for (let at = 0; at < path.length; at++) {
    const now = at + 1;
    const then = at + 2;
    // A trailing `**` that is live takes whatever is left, unless an empty segment is left.
    if (endsOpen && liveAt[count - 1] === now && lastEmpty < at) return true;
    const text = path[at];
    const left = path.length - at;
    let nextTop = -1;
    for (let state = Math.min(top, count - 1); state >= 0; state--) {
      steps += 1;
      if (liveAt[state] !== now) continue;
      // A state is worth moving only while the path left can still fill the pattern left.
      const need = fixedAfter[state];
      if (left < need || (openAfter[state] === 0 && left !== need)) continue;
      const kind = kinds[state];
      if (kind === ANY) {
        if (text === '') continue;
        // `**` takes this segment and stays; a state before it stands after it too.
        liveAt[state] = then;
        liveAt[state + 1] = then;
        if (nextTop < state + 1) nextTop = state + 1;
        // With no empty segment left, this `**` can take whatever a state before it would have, on the way here.
        if (lastEmpty < at) break;
        continue;
      }
      const target = state + 1;
      // Already live (a `**` that kept itself): testing this segment could add nothing.
      if (liveAt[target] === then) continue;
      if (kind === ONE) {
        if (text === '') continue;
      } else if (kind === LITERAL) {
        steps += Math.min(literals[state].length, text.length);
        if (literals[state] !== text) continue;
      } else {
        const id = globIds[state];
        if (testedOn[id] !== now) {
          testedOn[id] = now;
          verdicts[id] = matchesGlob(globs[id], text) ? 1 : 0;
        }
        if (verdicts[id] === 0) continue;
      }
      liveAt[target] = then;
      if (target < count && kinds[target] === ANY) {
        liveAt[target + 1] = then;
        if (nextTop < target + 1) nextTop = target + 1;
      } else if (nextTop < target) nextTop = target;
    }
    if (nextTop < 0) return false;
    top = nextTop;
  }
  return liveAt[count] === path.length + 1;
}
