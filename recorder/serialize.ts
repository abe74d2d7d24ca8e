/**
 * Console arguments as text, the way a console would print them, within fixed bounds: objects `maxDepth` deep,
 * `maxKeys` keys or items each, `maxChars` in all. It never throws: a getter or proxy that throws, a cycle, a DOM
 * node or a function each print as a short placeholder. Pure, so the rules are tested as tables.
 */

export interface SerializeLimits {
  /** Levels of objects and arrays printed; deeper ones print as `{…}` / `[…]`. */
  maxDepth: number;
  /** Keys of an object or items of an array printed; the rest as `…`. */
  maxKeys: number;
  /** Characters of the whole text; the rest is cut with `…`. */
  maxChars: number;
}

const describeNode = (node: Node): string => {
  if (node.nodeType !== 1) return `#${node.nodeName.toLowerCase().replace(/^#/, '')}`;
  const element = node as Element;
  const id = element.id ? `#${element.id}` : '';
  return `<${element.localName}${id}>`;
};

const isNode = (value: object): value is Node =>
  typeof Node === 'function' ? value instanceof Node : typeof (value as Node).nodeType === 'number' && 'nodeName' in value;

function printPrimitive(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return `[Function${value.name ? ` ${value.name}` : ''}]`;
    case 'symbol':
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
  }
  return value === null ? 'null' : undefined;
}

function printValue(value: unknown, depth: number, limits: SerializeLimits, seen: object[]): string {
  const primitive = printPrimitive(value);
  if (primitive !== undefined) return primitive;
  const object = value as object;
  if (seen.includes(object)) return '[Circular]';
  if (object instanceof Error) return `${object.name}: ${object.message}`;
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
  if (object instanceof RegExp) return String(object);
  if (isNode(object)) return describeNode(object);
  if (object === globalThis) return '[Window]';
  if (object instanceof Map || object instanceof Set) return `${object instanceof Map ? 'Map' : 'Set'}(${object.size})`;
  const isArray = Array.isArray(object);
  if (depth >= limits.maxDepth) return isArray ? '[…]' : '{…}';
  seen.push(object);
  try {
    const keys = isArray ? [] : Object.keys(object);
    const count = isArray ? (object as unknown[]).length : keys.length;
    const parts: string[] = [];
    let length = 0;
    for (let index = 0; index < count && index < limits.maxKeys && length < limits.maxChars; index++) {
      const key = isArray ? index : keys[index]!;
      let item: string;
      try {
        item = printValue((object as Record<string | number, unknown>)[key], depth + 1, limits, seen);
      } catch {
        item = '[Thrown]'; // a getter that throws
      }
      const part = isArray ? item : `${/^[A-Za-z_$][\w$]*$/.test(key as string) ? key : JSON.stringify(key)}: ${item}`;
      parts.push(part);
      length += part.length + 2;
    }
    if (count > parts.length) parts.push('…');
    return isArray ? `[${parts.join(', ')}]` : `{${parts.join(', ')}}`;
  } catch {
    return '[Unreadable]'; // a proxy whose ownKeys throws
  } finally {
    seen.pop();
  }
}

/** One argument as text; a string argument prints as itself, as consoles show it. */
export function serializeArg(value: unknown, limits: SerializeLimits): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : printValue(value, 0, limits, []);
  } catch {
    text = '[Unreadable]'; // a proxy whose traps throw, an Error whose message getter throws
  }
  return text.length > limits.maxChars ? `${text.slice(0, limits.maxChars)}…` : text;
}

/** A number directive's argument as a console prints it; NaN for what cannot become a number. */
function printNumber(arg: unknown, directive: string): string {
  try {
    return String(directive === '%f' ? parseFloat(String(arg)) : parseInt(String(arg), 10));
  } catch {
    return 'NaN';
  }
}

/** printf-style substitutions of a leading format string: %s %d %i %f %o %O %j take an argument, %c drops one (CSS). */
const FORMAT = /%[sdifoOjc%]/g;

/**
 * A console call's arguments as one line: a leading format string takes its arguments, the rest follow with
 * spaces; at most `maxArgs` arguments are printed and `maxChars` characters in all.
 */
export function serializeArgs(args: readonly unknown[], maxArgs: number, limits: SerializeLimits): string {
  const rest = args.slice(0, maxArgs);
  const parts: string[] = [];
  if (typeof rest[0] === 'string' && rest[0].includes('%')) {
    const format = rest.shift() as string;
    parts.push(
      format.replace(FORMAT, (directive) => {
        if (directive === '%%') return '%';
        if (rest.length === 0) return directive;
        const arg = rest.shift();
        if (directive === '%c') return '';
        return /[dif]/.test(directive) ? printNumber(arg, directive) : serializeArg(arg, limits);
      }),
    );
  }
  for (const arg of rest) parts.push(serializeArg(arg, limits));
  if (args.length > maxArgs) parts.push(`… ${args.length - maxArgs} more`);
  const line = parts.join(' ');
  return line.length > limits.maxChars ? `${line.slice(0, limits.maxChars)}…` : line;
}
