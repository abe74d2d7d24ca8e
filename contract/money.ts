/**
 * What a tracked event's `value` is worth: the one rule for it, shared by the checkout metrics (analytics) and the
 * per-day checkout totals storage keeps (the SQL function its triggers call).
 */

/** A finite number or a numeric string is an amount; anything else counts as 0. */
export function moneyValue(value: unknown): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : 0;
}
