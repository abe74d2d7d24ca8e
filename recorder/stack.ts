import type { StackFrame } from '../contract/protocol.ts';
import { MAX_STACK_FRAMES } from './constants.ts';

/**
 * Stack traces as frames. Browsers write them two ways:
 * - V8 (Chrome, Edge): `    at fn (https://shop/app.js:12:5)`, `    at https://shop/app.js:12:5`, `    at async fn (…)`;
 *   an eval frame names its caller too (`at eval (eval at run (app.js:3:1), <anonymous>:1:1)`): the caller is kept.
 * - SpiderMonkey and JavaScriptCore (Firefox, Safari): `fn@https://shop/app.js:12:5`, `@https://shop/app.js:12:5`.
 * Lines that name no file position (the message, `at Array.map (<anonymous>)`, `[native code]`) are skipped.
 */

const V8_FRAME = /^\s*at (?:async )?(?:(.*?) \()?(?:eval at [^(]*\()?(.+?):(\d+):(\d+)\)?\)?(?:, .*)?$/;
const GECKO_FRAME = /^\s*(.*?)@(.+?):(\d+):(\d+)$/;

/** Query and fragment go: a script URL's query is a cache buster at best and a token at worst. */
const fileOf = (url: string): string => url.replace(/[?#].*$/, '');

export function parseStack(stack: unknown, maxFrames = MAX_STACK_FRAMES): StackFrame[] {
  const frames: StackFrame[] = [];
  if (typeof stack !== 'string') return frames;
  for (const line of stack.split('\n')) {
    if (frames.length >= maxFrames) break;
    const match = V8_FRAME.exec(line) || GECKO_FRAME.exec(line);
    if (!match) continue;
    frames.push({ fn: match[1] || '', file: fileOf(match[2]!), line: +match[3]!, column: +match[4]! });
  }
  return frames;
}
