/**
 * How much went wrong in one session, as one number for ordering the session list with the sessions worth watching
 * first. The weights and caps live in thresholds.ts (FRICTION_*): each rage, error and dead click and each uncaught
 * error adds its weight, counted up to FRICTION_MAX_COUNTED times per kind; an abandoned form and an abandoned cart add
 * theirs once; an abandoned cart's value adds a point per FRICTION_CART_VALUE_PER_POINT, up to FRICTION_CART_MAX_POINTS.
 * A clean purchase scores 0.
 */
import {
  FRICTION_CART_MAX_POINTS,
  FRICTION_CART_VALUE_PER_POINT,
  FRICTION_MAX_COUNTED,
  FRICTION_WEIGHTS,
} from './thresholds.ts';

/** What happened in a session that friction weighs. */
export interface SessionFacts {
  rageClicks: number;
  deadClicks: number;
  errorClicks: number;
  /** Uncaught errors (sl:error). */
  errors: number;
  /** A form was started (a field focused or changed) and never submitted on its page. */
  abandonedForm: boolean;
  /** What the cart events put in the cart, and whether the session bought. */
  cart: CartOutcome;
  cartValue: number;
}

/** none: nothing put in the cart and nothing bought; abandoned: put in, not bought; purchased: bought. */
export type CartOutcome = 'none' | 'abandoned' | 'purchased';

export const noFacts: Readonly<SessionFacts> = Object.freeze({
  rageClicks: 0,
  deadClicks: 0,
  errorClicks: 0,
  errors: 0,
  abandonedForm: false,
  cart: 'none',
  cartValue: 0,
});

const counted = (count: number) => Math.min(Math.max(0, count), FRICTION_MAX_COUNTED);

export function frictionScore(facts: SessionFacts): number {
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
