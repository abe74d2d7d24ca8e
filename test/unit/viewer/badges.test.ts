import { describe, expect, test } from 'vitest';
import type { SessionSummary } from '../../../contract/api.ts';
import { sessionBadges } from '../../../viewer/src/lib/badges.ts';

const clean = {
  rageClicks: 0, deadClicks: 0, errorClicks: 0, errorCount: 0, abandonedForm: false, cart: { outcome: 'none', value: 0 },
} as const;
const badgesOf = (facts: Partial<SessionSummary>) =>
  sessionBadges({ ...clean, ...facts } as SessionSummary).map(({ kind, text, title }) => `${kind}: ${text} (${title})`);

describe('viewer | session badges', () => {
  test.each<[string, Partial<SessionSummary>, string[]]>([
    ['a clean visit shows none', {}, []],
    ['a rage burst', { rageClicks: 1 }, ['rage: Rage (1 rage click)']],
    ['two dead clicks', { deadClicks: 2 }, ['dead: Dead ×2 (2 dead clicks)']],
    ['errors from clicks and from the page', { errorClicks: 1, errorCount: 3 }, ['error: Error ×3 (1 error click, 3 JavaScript errors)']],
    ['an abandoned cart and form', { abandonedForm: true, cart: { outcome: 'abandoned', value: 30 } },
      ['abandoned: Abandoned (Left a cart of 30.00 and a form unfinished)']],
    ['a purchase', { cart: { outcome: 'purchased', value: 54.9 } }, ['purchase: Purchase (Bought (cart of 54.90))']],
    ['rage, then a purchase', { rageClicks: 1, cart: { outcome: 'purchased', value: 10 } },
      ['rage: Rage (1 rage click)', 'purchase: Purchase (Bought (cart of 10.00))']],
  ])('%s', (_, facts, badges) => {
    expect(badgesOf(facts)).toEqual(badges);
  });
});
