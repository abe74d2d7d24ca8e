import type { ConsoleLevel, ConsolePayload } from '../contract/protocol.ts';
import type { ResolvedConsoleOptions } from './capture-options.ts';
import type { ConsoleSink } from './console-hook.ts';
import type { RateLimit } from './rate-limit.ts';
import { serializeArgs } from './serialize.ts';
import { parseStack } from './stack.ts';

/**
 * Part of the developer capture: turns the console calls the core's hook (console-hook.ts) hands over into
 * sl:console events, within the rate limit. Text is masked later, with every other custom event's message
 * (scrub-event.ts), so console output is masked exactly like page text.
 */

export interface ConsoleCaptureDeps {
  /** False while nothing is recorded (session not sampled): no work is done for such calls. */
  active: () => boolean;
  /** Per second and per session. */
  limit: RateLimit;
  emit: (payload: ConsolePayload, time: number) => void;
}

export function consoleSink(options: ResolvedConsoleOptions, deps: ConsoleCaptureDeps): ConsoleSink {
  return (level: ConsoleLevel, args: unknown[], site: Error | undefined, time: number) => {
    if (!deps.active() || !deps.limit.take(time)) return;
    const error = args.find((arg): arg is Error => arg instanceof Error);
    const payload: ConsolePayload = {
      level,
      message: serializeArgs(args, options.maxArgs, options),
      // An Error argument's own stack; else the call site, whose first frame is the core's wrapper.
      frames: error ? parseStack(error.stack) : parseStack(site?.stack).slice(1),
    };
    const dropped = deps.limit.takeDropped();
    if (dropped > 0) payload.dropped = dropped;
    deps.emit(payload, time);
  };
}
