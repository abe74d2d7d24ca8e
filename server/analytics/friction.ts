/**
 * What went wrong in one session, and how much, as one number for ordering the session list with the sessions worth
 * watching first. The weights and caps live in thresholds.ts (FRICTION_*): each rage, error and dead click and each
 * uncaught error adds its weight, counted up to FRICTION_MAX_COUNTED times per kind; an abandoned form and an
 * abandoned cart add theirs once; an abandoned cart's value adds a point per FRICTION_CART_VALUE_PER_POINT, up to
 * FRICTION_CART_MAX_POINTS. A clean purchase scores 0.
 *
 * The cart follows the checkout metrics' rules: cart events put something in it (their values summed as money),
 * a purchase event settles it.
 */
import { moneyValue } from '../../contract/money.ts';
import type { CartOutcome, CheckoutOptions, SessionFactRows, SessionFacts } from '../../contract/rows.ts';
import { defaultCheckoutOptions } from './checkout-metrics.ts';
import {
  FRICTION_CART_MAX_POINTS,
  FRICTION_CART_VALUE_PER_POINT,
  FRICTION_MAX_COUNTED,
  FRICTION_WEIGHTS,
} from './thresholds.ts';

/** The facts friction weighs. */
export type FrictionFacts = Omit<SessionFacts, 'friction'>;

export const noFacts: Readonly<FrictionFacts> = Object.freeze({
  rageClicks: 0,
  deadClicks: 0,
  errorClicks: 0,
  errors: 0,
  abandonedForm: false,
  cart: 'none',
  cartValue: 0,
});

const counted = (count: number) => Math.min(Math.max(0, count), FRICTION_MAX_COUNTED);

export function frictionScore(facts: FrictionFacts): number {
  const { rageClick, deadClick, errorClick, error, abandonedForm, abandonedCart } = FRICTION_WEIGHTS;
  const cartPoints =
    facts.cart === 'abandoned'
      ? abandonedCart + Math.min(FRICTION_CART_MAX_POINTS, Math.max(0, facts.cartValue) / FRICTION_CART_VALUE_PER_POINT)
      : 0;
  const points =
    rageClick * counted(facts.rageClicks) +
    errorClick * counted(facts.errorClicks) +
    deadClick * counted(facts.deadClicks) +
    error * counted(facts.errors) +
    (facts.abandonedForm ? abandonedForm : 0) +
    cartPoints;
  // Whole tenths: a stable sort key that prints as it compares.
  return Math.round(points * 10) / 10;
}

/** A session's facts and friction from what storage read of it. */
export function scoreSession(rows: SessionFactRows, options: Partial<CheckoutOptions> = {}): SessionFacts {
  const { cartEvent, purchaseEvent } = { ...defaultCheckoutOptions, ...options };
  const signals = new Map(rows.signals.map(({ kind, count }) => [kind, count]));
  const added = rows.tracked.filter((event) => event.name === cartEvent);
  const cart: CartOutcome = rows.tracked.some((event) => event.name === purchaseEvent)
    ? 'purchased'
    : added.length > 0
      ? 'abandoned'
      : 'none';
  const facts: FrictionFacts = {
    rageClicks: signals.get('rage') ?? 0,
    deadClicks: signals.get('dead') ?? 0,
    errorClicks: signals.get('error') ?? 0,
    errors: rows.errors,
    abandonedForm: rows.abandonedForm,
    cart,
    cartValue: Math.round(added.reduce((sum, event) => sum + moneyValue(event.value), 0) * 100) / 100,
  };
  return { ...facts, friction: frictionScore(facts) };
}
