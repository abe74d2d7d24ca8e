/**
 * What a session's row says happened in it, at a glance: rage, dead and error badges, an abandoned cart or form, a
 * purchase. Pure, from the summary the list already has; the friction order ranks the same facts.
 */
import type { SessionSummary } from '../../../contract/api.ts';

export type BadgeKind = 'rage' | 'dead' | 'error' | 'abandoned' | 'purchase';

export interface Badge {
  kind: BadgeKind;
  /** Short text on the badge. */
  text: string;
  /** The whole sentence, for its tooltip. */
  title: string;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const times = (text: string, n: number) => (n > 1 ? `${text} ×${n}` : text);

/** Cart values as money without a currency sign: the store's currency is not recorded. */
export function formatCartValue(value: number): string {
  return value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function sessionBadges(session: SessionSummary): Badge[] {
  const badges: Badge[] = [];
  const { rageClicks, deadClicks, errorClicks, errorCount, abandonedForm, cart } = session;
  if (rageClicks > 0) badges.push({ kind: 'rage', text: times('Rage', rageClicks), title: count(rageClicks, 'rage click') });
  if (deadClicks > 0) badges.push({ kind: 'dead', text: times('Dead', deadClicks), title: count(deadClicks, 'dead click') });
  if (errorClicks > 0 || errorCount > 0) {
    const parts = [errorClicks > 0 ? count(errorClicks, 'error click') : '', errorCount > 0 ? count(errorCount, 'JavaScript error') : ''];
    badges.push({ kind: 'error', text: times('Error', Math.max(errorClicks, errorCount)), title: parts.filter(Boolean).join(', ') });
  }
  const cartLeft = cart.outcome === 'abandoned';
  if (cartLeft || abandonedForm) {
    const what = [cartLeft ? `a cart of ${formatCartValue(cart.value)}` : '', abandonedForm ? 'a form' : ''].filter(Boolean);
    badges.push({ kind: 'abandoned', text: 'Abandoned', title: `Left ${what.join(' and ')} unfinished` });
  }
  if (cart.outcome === 'purchased') badges.push({ kind: 'purchase', text: 'Purchase', title: `Bought (cart of ${formatCartValue(cart.value)})` });
  return badges;
}
