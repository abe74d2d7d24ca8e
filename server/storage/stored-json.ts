/**
 * Reading JSON columns back. Sightline writes them with JSON.stringify, but a database written by an older version,
 * an import or a hand edit can hold anything a TEXT column takes, and a read must still answer: each reader gives
 * its fallback for a value that is not what it expects, rather than throwing.
 */

/** The column's JSON parsed, or undefined when it is not JSON text. */
export function parseStoredJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The column's JSON object, or {} when it holds anything else. */
export function storedObject(text: unknown): Record<string, unknown> {
  const value = parseStoredJson(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
