import { describe, expect, test } from 'vitest';
import { serializeArg, serializeArgs, type SerializeLimits } from '../../../recorder/serialize.ts';

const limits: SerializeLimits = { maxDepth: 3, maxKeys: 5, maxChars: 200 };

describe('recorder | console arguments as text', () => {
  test.each<[string, unknown, string]>([
    ['a string as itself', 'cart empty', 'cart empty'],
    ['a number', 42.5, '42.5'],
    ['a boolean', false, 'false'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a bigint', 10n, '10n'],
    ['a symbol', Symbol('id'), 'Symbol(id)'],
    ['a named function', function addToCart() {}, '[Function addToCart]'],
    ['an Error', new TypeError('x is undefined'), 'TypeError: x is undefined'],
    ['a Date', new Date(Date.UTC(2024, 7, 1)), '2024-08-01T00:00:00.000Z'],
    ['an invalid Date', new Date(Number.NaN), 'Invalid Date'],
    ['a RegExp', /a+b/g, '/a+b/g'],
    ['a Map', new Map([[1, 2]]), 'Map(1)'],
    ['an object', { sku: 'L-1', qty: 2, 'odd key': true }, '{sku: "L-1", qty: 2, "odd key": true}'],
    ['an array', [1, 'two', [3]], '[1, "two", [3]]'],
    ['nested past maxDepth', { a: { b: { c: { d: 1 } } } }, '{a: {b: {c: {…}}}}'],
    ['more keys than maxKeys', { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 }, '{a: 1, b: 2, c: 3, d: 4, e: 5, …}'],
    ['more items than maxKeys', [1, 2, 3, 4, 5, 6], '[1, 2, 3, 4, 5, …]'],
    ['the global object', globalThis, '[Window]'],
  ])('%s', (_name, value, expected) => {
    expect(serializeArg(value, limits)).toBe(expected);
  });

  test('a cycle prints as [Circular], a shared object that is no cycle prints twice', () => {
    const cart: Record<string, unknown> = { id: 1 };
    cart.self = cart;
    expect(serializeArg(cart, limits)).toBe('{id: 1, self: [Circular]}');
    const shared = { x: 1 };
    expect(serializeArg([shared, shared], limits)).toBe('[{x: 1}, {x: 1}]');
  });

  test('a getter that throws prints as [Thrown] and the other keys still print', () => {
    const value = { ok: 1, get bad(): never { throw new Error('no'); } };
    expect(serializeArg(value, limits)).toBe('{ok: 1, bad: [Thrown]}');
  });

  test('a proxy whose traps throw prints as [Unreadable], without throwing', () => {
    const hostile = new Proxy({}, {
      ownKeys() { throw new Error('trap'); },
      getPrototypeOf() { throw new Error('trap'); },
    });
    expect(serializeArg(hostile, limits)).toBe('[Unreadable]');
    expect(serializeArgs(['%o and %d', hostile, hostile], 5, limits)).toBe('[Unreadable] and NaN');
  });

  test('a DOM-like node prints as its tag and id, not its tree', () => {
    const element = { nodeType: 1, nodeName: 'BUTTON', localName: 'button', id: 'pay', children: [] };
    const text = { nodeType: 3, nodeName: '#text' };
    expect(serializeArg(element, limits)).toBe('<button#pay>');
    expect(serializeArg(text, limits)).toBe('#text');
  });

  test('a huge string or object is cut at maxChars', () => {
    expect(serializeArg('x'.repeat(500), limits)).toBe(`${'x'.repeat(200)}…`);
    const wide = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, 'y'.repeat(100)]));
    expect(serializeArg(wide, limits).length).toBeLessThanOrEqual(201);
  });

  test('arguments join with spaces; a leading format string takes its arguments', () => {
    expect(serializeArgs(['Payment failed:', { code: 402 }], 5, limits)).toBe('Payment failed: {code: 402}');
    expect(serializeArgs(['%s has %d items (%f%%)', 'cart', '3.7', '12.5'], 5, limits)).toBe('cart has 3 items (12.5%)');
    expect(serializeArgs(['%cstyled', 'color: red', 'after'], 5, limits)).toBe('styled after');
    expect(serializeArgs(['%s and %s', 'one'], 5, limits)).toBe('one and %s');
  });

  test('at most maxArgs arguments, and the line is cut at maxChars', () => {
    expect(serializeArgs([1, 2, 3, 4], 2, limits)).toBe('1 2 … 2 more');
    expect(serializeArgs(['a'.repeat(150), 'b'.repeat(150)], 5, limits)).toHaveLength(201);
  });
});
