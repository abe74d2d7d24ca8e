/**
 * What a tracked event's `value` is worth and which order its `orderId` names: the one rule for each, shared by the
 * checkout metrics (analytics) and the checkout totals storage keeps (the SQL functions its triggers call).
 */

/** A finite number or a numeric string is an amount; anything else counts as 0. */
export function moneyValue(value: unknown): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : 0;
}

/** A string or a finite number names an order (`1001` and `"1001"` are the same one); anything else does not. */
export function orderKey(orderId: unknown): string | null {
  if (typeof orderId === 'string' && orderId !== '') return orderId;
  if (typeof orderId === 'number' && Number.isFinite(orderId)) return String(orderId);
  return null;
}
