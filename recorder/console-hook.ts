import type { ConsoleLevel } from '../contract/protocol.ts';
import type { Reporter } from './errors.ts';

/**
 * Wraps the console methods of the chosen levels and hands each call to `sink`; the developer capture (a second
 * file) turns them into sl:console events. The page's call always reaches the original method with its arguments
 * and `this`, whatever happens here.
 */

/** One console call: its level, arguments, the call site for errors (first frame: the wrapper), and its time. */
export type ConsoleSink = (level: ConsoleLevel, args: unknown[], site: Error | undefined, time: number) => void;

/** Returns the function that unwraps the console. */
export function hookConsole(target: Console, levels: readonly ConsoleLevel[], sink: ConsoleSink, now: () => number, report: Reporter): () => void {
  const methods = target as unknown as Record<ConsoleLevel, (...args: unknown[]) => unknown>;
  // A console call made while one is being captured (an onError handler that logs) is not captured again.
  let busy = false;
  const restores = levels.map((level) => {
    const original = methods[level];
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      if (!busy) {
        busy = true;
        try {
          sink(level, args, level === 'error' ? new Error() : undefined, now());
        } catch (error) {
          report(error);
        }
        busy = false;
      }
      return original.apply(this, args);
    };
    if (typeof original === 'function') methods[level] = wrapper;
    // Only our own wrapper is undone: another script may have wrapped it since.
    return () => {
      if (methods[level] === wrapper) methods[level] = original;
    };
  });
  return () => restores.forEach((restore) => restore());
}
