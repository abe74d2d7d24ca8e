import { describe, expect, test, vi } from 'vitest';
import type { ConsolePayload } from '../../../contract/protocol.ts';
import { DEFAULT_CONSOLE_OPTIONS } from '../../../recorder/capture-options.ts';
import { consoleSink } from '../../../recorder/console-capture.ts';
import { hookConsole, type ConsoleSink } from '../../../recorder/console-hook.ts';
import { createRateLimit } from '../../../recorder/rate-limit.ts';

function fakeConsole() {
  const printed: Array<[string, unknown[], unknown]> = [];
  const target = {
    error(this: unknown, ...args: unknown[]) { printed.push(['error', args, this]); return 'printed'; },
    warn(this: unknown, ...args: unknown[]) { printed.push(['warn', args, this]); },
    log(this: unknown, ...args: unknown[]) { printed.push(['log', args, this]); },
  };
  return { target: target as unknown as Console, printed };
}

describe('recorder | console hook', () => {
  test('hands every call of the chosen levels to the sink, and the original still prints it with its this', () => {
    const { target, printed } = fakeConsole();
    const sink = vi.fn<ConsoleSink>();
    hookConsole(target, ['error', 'warn'], sink, () => 7, vi.fn());
    expect(target.error('a', 1)).toBe('printed');
    target.warn('b');
    target.log('c');
    expect(printed).toEqual([['error', ['a', 1], target], ['warn', ['b'], target], ['log', ['c'], target]]);
    expect(sink.mock.calls.map(([level, args, site, time]) => [level, args, site instanceof Error, time])).toEqual([
      ['error', ['a', 1], true, 7],
      ['warn', ['b'], false, 7],
    ]);
  });

  test('a sink that throws is reported and the page still prints; a call made inside the sink is not captured again', () => {
    const { target, printed } = fakeConsole();
    const report = vi.fn();
    let calls = 0;
    hookConsole(target, ['error'], () => {
      calls++;
      target.error('from inside'); // an onError handler that logs
      throw new Error('sink bug');
    }, () => 0, report);
    target.error('page');
    expect(calls).toBe(1);
    expect(report).toHaveBeenCalledTimes(1);
    expect(printed.map(([, args]) => args[0])).toEqual(['from inside', 'page']);
  });

  test('stop() unwraps only its own wrapper', () => {
    const { target } = fakeConsole();
    const original = target.warn;
    const stop = hookConsole(target, ['warn', 'error'], vi.fn(), () => 0, vi.fn());
    const theirs = () => {};
    target.error = theirs;
    stop();
    expect(target.warn).toBe(original);
    expect(target.error).toBe(theirs);
  });
});

describe('recorder | console calls as sl:console', () => {
  function sinkWith(limit = createRateLimit(10, 1_000), active = true) {
    const emitted: Array<[ConsolePayload, number]> = [];
    const sink = consoleSink(DEFAULT_CONSOLE_OPTIONS, { active: () => active, limit, emit: (payload, time) => emitted.push([payload, time]) });
    return { sink, emitted };
  }

  test('prints the arguments as one line, with an Error argument\'s own frames', () => {
    const { sink, emitted } = sinkWith();
    const error = new Error('declined');
    error.stack = 'Error: declined\n    at pay (https://shop.example/pay.js:4:2)';
    sink('error', ['Payment', { code: 402 }, error], new Error(), 123);
    expect(emitted).toEqual([[{
      level: 'error',
      message: 'Payment {code: 402} Error: declined',
      frames: [{ fn: 'pay', file: 'https://shop.example/pay.js', line: 4, column: 2 }],
    }, 123]]);
  });

  test('without an Error argument, an error gets its call site minus the wrapper frame; a warning none', () => {
    const { sink, emitted } = sinkWith();
    const site = new Error();
    site.stack = 'Error\n    at wrapper (https://sightline.example/recorder.js:1:9)\n    at checkout (https://shop.example/app.js:8:3)';
    sink('error', ['failed'], site, 1);
    sink('warn', ['slow'], undefined, 2);
    expect(emitted.map(([payload]) => payload.frames)).toEqual([[{ fn: 'checkout', file: 'https://shop.example/app.js', line: 8, column: 3 }], []]);
  });

  test('past the rate limit calls are dropped and counted on the next one that goes', () => {
    const { sink, emitted } = sinkWith(createRateLimit(2, 1_000));
    for (let i = 0; i < 5; i++) sink('warn', [i], undefined, 100 + i);
    sink('warn', ['next second'], undefined, 1_200);
    expect(emitted.map(([payload]) => [payload.message, payload.dropped])).toEqual([['0', undefined], ['1', undefined], ['next second', 3]]);
  });

  test('nothing is done while the session is not recorded', () => {
    const { sink, emitted } = sinkWith(createRateLimit(10, 10), false);
    sink('error', ['x'], undefined, 1);
    expect(emitted).toEqual([]);
  });
});
