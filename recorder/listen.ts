import { guard, type Reporter } from './errors.ts';

/**
 * Listens for `types` on `target` in the capture phase and passively (never delaying the page's scrolling), with
 * whatever the handler throws sent to `report`; pushes the removal onto `removers`.
 */
export function listen(
  target: EventTarget,
  types: readonly string[],
  handler: (event: Event) => void,
  report: Reporter,
  removers: Array<() => void>,
): void {
  const wrapped = guard(report, handler);
  const options = { capture: true, passive: true };
  for (const type of types) {
    target.addEventListener(type, wrapped, options);
    removers.push(() => target.removeEventListener(type, wrapped, options));
  }
}
