/**
 * The developer capture: console output and network requests, built to dist/recorder/capture.mjs (served as
 * /recorder.capture.mjs) and fetched by the core recorder only when `console` or `captureNetwork` is on, so the core
 * stays within its size budget. It imports nothing of the core at run time: what it needs comes in `deps`.
 */
import type { SlPayloads, StackFrame } from '../contract/protocol.ts';
import type { ResolvedConsoleOptions, ResolvedNetworkOptions } from './capture-options.ts';
import type { ConsoleSink } from './console-hook.ts';
import { consoleSink } from './console-capture.ts';
import {
  CAPTURE_API_VERSION,
  CONSOLE_COUNT_KEY,
  NETWORK_COUNT_KEY,
  NETWORK_EVENTS_PER_SECOND,
  NETWORK_EVENTS_PER_SESSION,
} from './constants.ts';
import type { Reporter } from './errors.ts';
import { captureNetwork } from './network-capture.ts';
import { sessionRateLimit } from './rate-limit.ts';
import { parseStack } from './stack.ts';
import type { KeyValueStore } from './storage.ts';

export const apiVersion = CAPTURE_API_VERSION;

export interface CaptureConfig {
  console: ResolvedConsoleOptions | false;
  network: ResolvedNetworkOptions | false;
  /** The ingest endpoint: the recorder's own requests, never recorded. */
  endpoint: string;
}

export interface CaptureDeps {
  win: Window;
  /** localStorage, for the per-session caps. */
  shared: KeyValueStore;
  sessionId: () => string;
  /** False while nothing is recorded. */
  active: () => boolean;
  now: () => number;
  /** Masks text like page text. */
  mask: (text: string) => string;
  emit: <Tag extends 'sl:console' | 'sl:network'>(tag: Tag, payload: SlPayloads[Tag], time: number) => void;
  report: Reporter;
}

export interface Capture {
  /** Where the core's console hook hands its calls; absent when console capture is off. */
  consoleSink?: ConsoleSink;
  /** An error's stack as frames (for uncaught errors). */
  framesOf(stack: unknown): StackFrame[];
  stop(): void;
}

export function startCapture(config: CaptureConfig, deps: CaptureDeps): Capture {
  const { active, sessionId } = deps;
  let stopNetwork = () => {};
  if (config.network) {
    stopNetwork = captureNetwork({
      win: deps.win,
      options: config.network,
      ownUrls: [config.endpoint],
      active,
      limit: sessionRateLimit(deps.shared, NETWORK_COUNT_KEY, NETWORK_EVENTS_PER_SECOND, NETWORK_EVENTS_PER_SESSION, sessionId),
      now: deps.now,
      mask: deps.mask,
      emit: (payload, time) => deps.emit('sl:network', payload, time),
      report: deps.report,
    });
  }
  const options = config.console;
  return {
    consoleSink: options
      ? consoleSink(options, {
        active,
        limit: sessionRateLimit(deps.shared, CONSOLE_COUNT_KEY, options.perSecond, options.maxPerSession, sessionId),
        emit: (payload, time) => deps.emit('sl:console', payload, time),
      })
      : undefined,
    framesOf: (stack) => parseStack(stack),
    stop: () => stopNetwork(),
  };
}
