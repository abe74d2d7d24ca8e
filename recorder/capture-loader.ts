import type { StackFrame } from '../contract/protocol.ts';
import type { Capture, CaptureConfig, CaptureDeps } from './capture.ts';
import type { ResolvedConsoleOptions, ResolvedNetworkOptions } from './capture-options.ts';
import { hookConsole } from './console-hook.ts';
import { CAPTURE_API_VERSION, CAPTURE_FILE, MAX_CALLS_AWAITING_CAPTURE } from './constants.ts';
import { SightlineError } from './errors.ts';

/**
 * Starts the developer capture (console, network, stack traces) when `console` or `captureNetwork` is on: the
 * console is wrapped at once, and the capture itself is fetched from the endpoint's host as a module. Console calls
 * of the meantime wait for it (up to MAX_CALLS_AWAITING_CAPTURE); requests made and errors thrown before it arrived
 * are recorded without the capture (requests not at all, errors without their stack). When it cannot be loaded (a
 * CSP, the network) recording goes on without it.
 */

export interface CaptureHandle {
  /** The frames of `stack`; undefined while the capture is not loaded (or off, or failed to load). */
  framesOf(stack: unknown): StackFrame[] | undefined;
  stop(): void;
}

interface CaptureModule {
  apiVersion: number;
  startCapture(config: CaptureConfig, deps: CaptureDeps): Capture;
}

export function loadCapture(
  options: { console: ResolvedConsoleOptions | false; captureNetwork: ResolvedNetworkOptions | false; endpoint: string },
  deps: CaptureDeps & { importModule: (url: string) => Promise<unknown> },
): CaptureHandle {
  const { console: consoleOptions, captureNetwork: network } = options;
  let capture: Capture | undefined;
  let settled = !consoleOptions && !network;
  let stopped = false;
  const waiting: Array<() => void> = [];
  const whenLoaded = (call: () => void) => {
    if (settled) call();
    else if (waiting.length < MAX_CALLS_AWAITING_CAPTURE) waiting.push(call);
  };
  const unhook = consoleOptions
    ? hookConsole((deps.win as Window & typeof globalThis).console, consoleOptions.levels,
      (...call) => whenLoaded(() => capture?.consoleSink?.(...call)), deps.now, deps.report)
    : () => {};
  if (!settled) {
    const url = new URL(CAPTURE_FILE, options.endpoint).href;
    deps.importModule(url).then((loaded) => {
      const module = loaded as CaptureModule;
      if (module.apiVersion !== CAPTURE_API_VERSION) throw new Error(`${url} belongs to another recorder version`);
      if (!stopped) capture = module.startCapture({ console: consoleOptions, network, endpoint: options.endpoint.replace(/[?#].*/, '') }, deps);
    }).catch((error: unknown) => {
      unhook();
      deps.report(new SightlineError('capture_unavailable', `console and network capture did not load: ${String(error)}`, error));
    }).finally(() => {
      settled = true;
      waiting.splice(0).forEach((call) => call());
    });
  }
  return {
    framesOf: (stack) => capture?.framesOf(stack),
    stop() {
      stopped = true;
      unhook();
      capture?.stop();
    },
  };
}
