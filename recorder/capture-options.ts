import type { ConsoleLevel } from '../contract/protocol.ts';

/** What console capture records (the `console` option). */
export interface ConsoleOptions {
  /** Console methods recorded: any of 'error', 'warn', 'info', 'log', 'debug'. Defaults to ['error', 'warn']. */
  levels?: ConsoleLevel[];
  /** Arguments printed per call; the rest are counted. Defaults to 10. */
  maxArgs?: number;
  /** Levels of nested objects and arrays printed. Defaults to 3. */
  maxDepth?: number;
  /** Keys of an object or items of an array printed. Defaults to 20. */
  maxKeys?: number;
  /** Characters per call, all arguments together. Defaults to 2000. */
  maxChars?: number;
  /** Calls recorded per second at most; the rest are counted in the next one's `dropped`. Defaults to 10. */
  perSecond?: number;
  /** Calls recorded per session at most, over all its pages. Defaults to 1000. */
  maxPerSession?: number;
}

/**
 * A URL pattern: a RegExp, or a string where `*` matches anything (`https://api.shop.example/search*`), matched
 * against the whole URL without its query and fragment. A string starting with `/` names a path on the page's origin.
 */
export type UrlPattern = string | RegExp;

/** What network capture records beyond method, URL, status, timing and sizes (the `captureNetwork` option). */
export interface NetworkOptions {
  /** URLs whose query string is kept (masked like page text). Defaults to none: every query string is dropped. */
  allowQuery?: UrlPattern[];
  /** URLs whose request and response headers are kept (never Authorization, Cookie or Set-Cookie). Defaults to none. */
  allowHeaders?: UrlPattern[];
  /** URLs whose request and response bodies are kept, text only, cut and masked like page text. Defaults to none. */
  allowBodies?: UrlPattern[];
}

export type ResolvedConsoleOptions = Required<ConsoleOptions>;
export type ResolvedNetworkOptions = Required<NetworkOptions>;

export const DEFAULT_CONSOLE_OPTIONS: ResolvedConsoleOptions = {
  levels: ['error', 'warn'],
  maxArgs: 10,
  maxDepth: 3,
  maxKeys: 20,
  maxChars: 2_000,
  perSecond: 10,
  maxPerSession: 1_000,
};

type Fail = (name: string, expected: string, value: unknown) => never;

const LEVELS: readonly ConsoleLevel[] = ['error', 'warn', 'info', 'log', 'debug'];

/** The object's fields, each checked by `check` (which throws) and merged over `defaults`; unknown keys throw. */
function resolveFields<T extends object>(value: unknown, name: string, defaults: T, check: (key: string, given: unknown) => boolean, expected: (key: string) => string, fail: Fail): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(name, 'true, false or an object', value);
  const resolved: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, given] of Object.entries(value as object)) {
    if (!(key in defaults)) throw new Error(`Sightline init: unknown option "${name}.${key}"`);
    if (given === undefined) continue;
    if (!check(key, given)) fail(`${name}.${key}`, expected(key), given);
    resolved[key] = given;
  }
  return resolved as T;
}

/** `console`: true (the defaults), false (off) or an object of ConsoleOptions. */
export function resolveConsole(value: unknown, fail: Fail): ResolvedConsoleOptions | false {
  if (value === false) return false;
  if (value === true) return DEFAULT_CONSOLE_OPTIONS;
  return resolveFields(
    value,
    'console',
    DEFAULT_CONSOLE_OPTIONS,
    (key, given) => key === 'levels'
      ? Array.isArray(given) && given.every((level) => LEVELS.includes(level))
      : Number.isInteger(given) && (given as number) > 0,
    (key) => (key === 'levels' ? `a list of ${LEVELS.join(', ')}` : 'a positive integer'),
    fail,
  );
}

/** `captureNetwork`: false (the default), true, or an object of NetworkOptions. */
export function resolveNetwork(value: unknown, fail: Fail): ResolvedNetworkOptions | false {
  const none: ResolvedNetworkOptions = { allowQuery: [], allowHeaders: [], allowBodies: [] };
  if (value === false || value === true) return value && none;
  return resolveFields(
    value,
    'captureNetwork',
    none,
    (_key, given) => Array.isArray(given) &&
      given.every((pattern) => pattern instanceof RegExp || (typeof pattern === 'string' && pattern.trim() !== '')),
    () => 'a list of URL patterns (strings with * or RegExps)',
    fail,
  );
}
