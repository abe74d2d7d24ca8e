import { describe, expect, test } from 'vitest';
import { frictionScore, noFacts, scoreSession, type FrictionFacts } from '../../../server/analytics/friction.ts';

const facts = (more: Partial<FrictionFacts>): FrictionFacts => ({ ...noFacts, ...more });

describe('analytics | friction score', () => {
  test.each<[string, Partial<FrictionFacts>, number]>([
    ['a clean visit', {}, 0],
    ['a clean purchase', { cart: 'purchased', cartValue: 54.9 }, 0],
    ['a rage burst', { rageClicks: 1 }, 5],
    ['an error click', { errorClicks: 1 }, 4],
    ['a dead click', { deadClicks: 1 }, 2],
    ['an uncaught error', { errors: 1 }, 1],
    ['an abandoned form', { abandonedForm: true }, 3],
    ['an abandoned cart of 45.5: 3 + 4.55', { cart: 'abandoned', cartValue: 45.5 }, 7.6],
    ['an abandoned cart worth far more counts its value up to 10 points', { cart: 'abandoned', cartValue: 5000 }, 13],
    ['each kind counted up to 5 times', { deadClicks: 40 }, 10],
    ['a purchase after trouble keeps the trouble', { cart: 'purchased', cartValue: 30, rageClicks: 1 }, 5],
  ])('%s scores %d', (_, more, score) => {
    expect(frictionScore(facts(more))).toBe(score);
  });

  test('what went wrong adds up: rage and abandonment above either alone, above a clean purchase', () => {
    const rageAndAbandon = frictionScore(facts({ rageClicks: 1, abandonedForm: true, cart: 'abandoned', cartValue: 30 }));
    const abandonOnly = frictionScore(facts({ abandonedForm: true, cart: 'abandoned', cartValue: 30 }));
    const purchase = frictionScore(facts({ cart: 'purchased', cartValue: 30 }));
    expect(rageAndAbandon).toBeGreaterThan(abandonOnly);
    expect(abandonOnly).toBeGreaterThan(purchase);
  });

  test('a session is scored from what storage read of it: signals, errors, the form and the cart events', () => {
    const rows = {
      errors: 2,
      abandonedForm: true,
      signals: [{ kind: 'rage', count: 1 }, { kind: 'dead', count: 3 }],
      tracked: [{ name: 'add_to_cart', value: 24.5 }, { name: 'add_to_cart', value: '5.5' }, { name: 'newsletter', value: 99 }],
    };
    // rage 5, dead 3 × 2, errors 2 × 1, form 3, cart 3 + 30 / 10.
    expect(scoreSession(rows)).toEqual({
      rageClicks: 1, deadClicks: 3, errorClicks: 0, errors: 2, abandonedForm: true, cart: 'abandoned', cartValue: 30, friction: 22,
    });
    const bought = scoreSession({ ...rows, tracked: [...rows.tracked, { name: 'purchase', value: 30 }] });
    expect(bought).toMatchObject({ cart: 'purchased', cartValue: 30, friction: 16 });
    expect(scoreSession({ errors: 0, abandonedForm: false, signals: [], tracked: [] })).toEqual({ ...noFacts, friction: 0 });
  });
});
