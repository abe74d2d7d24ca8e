/**
 * A scripted shopper: the fake identity it types into the checkout, and a seeded source of randomness that makes its
 * choices and pauses repeatable. Tests pass their own details to plant canaries that must never leave the browser.
 */

/** What a shopper types into the checkout form. All of it is fake; `example.test` never resolves. */
export interface ShopperDetails {
  fullName: string;
  email: string;
  address: string;
  city: string;
  postcode: string;
  /** Digits, optionally grouped with spaces. */
  cardNumber: string;
  /** MM/YY. */
  cardExpiry: string;
  cardCvc: string;
  /** '' means the shopper does not create an account. */
  password: string;
  promoCode: string;
}

export interface Shopper {
  /** Number of this shopper in its run. */
  index: number;
  details: ShopperDetails;
  /**
   * Uniform in [0, 1) for decisions (which product, how many, which branch): seeded, and drawn a fixed number of
   * times per journey, so the same seed takes the same path at any pace and under any machine load.
   */
  choose: () => number;
  /** Uniform in [0, 1) for motion (pauses, aim, mouse paths), whose draws depend on timing such as scroll steps. */
  jitter: () => number;
  /** Multiplier on every human-ish pause and keystroke delay; 0 runs at full speed. */
  pace: number;
}

export interface ShopperOptions {
  /** Number of the shopper in its run; varies the fake details. Default 0. */
  index?: number;
  /** Seed of this shopper's choices and pauses. Default index + 1. */
  seed?: number;
  /** Multiplier on every human-ish pause; 0 for tests that only care about the outcome. Default 1. */
  pace?: number;
  /** Replaces parts of the generated details, e.g. canary values in privacy tests. Default: none. */
  details?: Partial<ShopperDetails>;
}

const names = ['Ada Lindqvist', 'Bruno Okafor', 'Chen Wei', 'Dana Whitfield', 'Elif Kaya', 'Farid Haddad',
  'Greta Novak', 'Hugo Martins', 'Ines Duarte', 'Jonas Berg', 'Kira Tanaka', 'Luca Romano'];
const streets = ['Elm Street', 'Harbour Road', 'Mill Lane', 'Orchard Way', 'Station Road', 'Willow Close'];
const cities = ['Springfield', 'Riverton', 'Lakeside', 'Fairview', 'Oakdale', 'Brookfield'];

/** Deterministic fake details for shopper number `index`; a third of them create an account. */
export function fakeDetails(index: number): ShopperDetails {
  const pick = <T>(list: readonly T[]) => list[index % list.length];
  return {
    fullName: pick(names),
    email: `shopper+${index}@example.test`,
    address: `${10 + ((index * 7) % 90)} ${pick(streets)}`,
    city: pick(cities),
    postcode: String(10_000 + ((index * 7919) % 89_999)),
    // Stripe's public test card: passes the length check and any Luhn check, charges nothing anywhere.
    cardNumber: '4242 4242 4242 4242',
    cardExpiry: `${String(1 + (index % 12)).padStart(2, '0')}/${30 + (index % 5)}`,
    cardCvc: String(100 + ((index * 37) % 900)),
    password: index % 3 === 0 ? `fake-Passw0rd-${index}` : '',
    promoCode: 'SPRING10',
  };
}

/** mulberry32: tiny, fast and good enough to vary pacing and choices. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function createShopper(options: ShopperOptions = {}): Shopper {
  const index = options.index ?? 0;
  const seed = options.seed ?? index + 1;
  return {
    index,
    details: { ...fakeDetails(index), ...options.details },
    choose: seededRandom(seed),
    jitter: seededRandom(seed ^ 0x5bd1e995),
    pace: options.pace ?? 1,
  };
}

/** A whole number in [min, max] from one of the shopper's sources, e.g. `randomInt(shopper.choose, 1, 6)`. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** True with the given probability. */
export function chance(random: () => number, probability: number): boolean {
  return random() < probability;
}
