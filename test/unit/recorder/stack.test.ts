import { describe, expect, test } from 'vitest';
import { parseStack } from '../../../recorder/stack.ts';

describe('recorder | stack traces', () => {
  test.each([
    ['V8 named', '    at addToCart (https://shop.example/app.js:12:5)', { fn: 'addToCart', file: 'https://shop.example/app.js', line: 12, column: 5 }],
    ['V8 anonymous', '    at https://shop.example/app.js:7:19', { fn: '', file: 'https://shop.example/app.js', line: 7, column: 19 }],
    ['V8 async', '    at async checkout (https://shop.example/pay.js:3:1)', { fn: 'checkout', file: 'https://shop.example/pay.js', line: 3, column: 1 }],
    ['V8 constructor', '    at new Cart (https://shop.example/cart.js:40:11)', { fn: 'new Cart', file: 'https://shop.example/cart.js', line: 40, column: 11 }],
    ['V8 method', '    at Object.onClick [as handler] (https://shop.example/ui.js:2:8)', { fn: 'Object.onClick [as handler]', file: 'https://shop.example/ui.js', line: 2, column: 8 }],
    ['V8 eval keeps its caller', '    at eval (eval at run (https://shop.example/app.js:3:1), <anonymous>:1:1)', { fn: 'eval', file: 'https://shop.example/app.js', line: 3, column: 1 }],
    ['Firefox named', 'addToCart@https://shop.example/app.js:12:5', { fn: 'addToCart', file: 'https://shop.example/app.js', line: 12, column: 5 }],
    ['Firefox anonymous', '@https://shop.example/app.js:12:5', { fn: '', file: 'https://shop.example/app.js', line: 12, column: 5 }],
    ['Safari global code', 'global code@https://shop.example/app.js:1:20', { fn: 'global code', file: 'https://shop.example/app.js', line: 1, column: 20 }],
    ['a query string is dropped', '    at f (https://shop.example/app.js?v=3&token=abc:1:2)', { fn: 'f', file: 'https://shop.example/app.js', line: 1, column: 2 }],
  ])('%s', (_name, line, frame) => {
    expect(parseStack(`Error: boom\n${line}`)).toEqual([frame]);
  });

  test('skips the message and frames without a position, keeps the order', () => {
    const stack = [
      'TypeError: cart.items is undefined',
      '    at total (https://shop.example/cart.js:10:3)',
      '    at Array.map (<anonymous>)',
      '    at render (https://shop.example/ui.js:20:9)',
      'forEach@[native code]',
    ].join('\n');
    expect(parseStack(stack).map((frame) => frame.fn)).toEqual(['total', 'render']);
  });

  test('keeps at most maxFrames, innermost first', () => {
    const stack = Array.from({ length: 50 }, (_, i) => `    at f${i} (https://shop.example/a.js:${i + 1}:1)`).join('\n');
    const frames = parseStack(stack, 5);
    expect(frames.map((frame) => frame.fn)).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
    expect(parseStack(stack)).toHaveLength(20);
  });

  test.each([undefined, null, 42, {}, ''])('a stack that is not text (%j) gives no frames', (stack) => {
    expect(parseStack(stack)).toEqual([]);
  });
});
