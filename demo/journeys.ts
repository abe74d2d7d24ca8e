/**
 * Scripted journeys through the demo store, shared by the traffic generator and the end-to-end tests. Each one starts
 * from a fresh page, leaves the page where the shopper gives up (the caller flushes the recorder and closes), and
 * throws when the store does not behave, so a run doubles as a check of the store.
 *
 * `baseUrl` is the store's root, ending in /demo/ (e.g. http://localhost:8787/demo/).
 */
import type { Page } from 'playwright-core';
import { follow, hover, openStore, pause, press, skim, storeRoot, typeInto, usesTouch } from './human.ts';
import { chance, randomInt, type Shopper } from './shopper.ts';

export interface JourneyOutcome {
  /** One short line for the traffic log. */
  summary: string;
}
export interface BrowseOutcome extends JourneyOutcome {
  productIds: number[];
}
export interface CartOutcome extends JourneyOutcome {
  productId: number;
  quantity: number;
}
export interface RageOutcome extends JourneyOutcome {
  clicks: number;
}
export interface DeadClickOutcome extends JourneyOutcome {
  productId: number;
}
export interface PurchaseOutcome extends JourneyOutcome {
  orderId: string;
  /** As the confirmation page shows it, e.g. "$54.90". */
  total: string;
}

export type Journey = (page: Page, baseUrl: string, shopper: Shopper) => Promise<JourneyOutcome>;

/** The catalog in shop.js holds products 1..6. */
const PRODUCT_COUNT = 6;
/**
 * Quiet time after a deliberate dead click, not scaled by pace: a scroll, focus or navigation within the detector's
 * window (1000 ms by default) would make the click look alive.
 */
export const DEAD_CLICK_SETTLE_MS = 1_600;
/** Quiet time before a deliberate dead click, not scaled by pace: a response just before a click also rescues it. */
export const DEAD_CLICK_QUIET_BEFORE_MS = 500;
/** Gap between the presses of a rage click, in ms; quick enough that 3 presses fit well inside one second. */
const RAGE_GAP_MS = { min: 70, max: 140 } as const;

/** Path of the product list: the store's root or its index.html. */
const LIST_PATH = /\/(index\.html)?$/;

const pickProduct = (shopper: Shopper) => randomInt(shopper.choose, 1, PRODUCT_COUNT);

/** From the product list, opens one product's page. */
async function openProductFromList(page: Page, shopper: Shopper, productId: number): Promise<void> {
  if (chance(shopper.choose, 0.5)) await hover(page, shopper, page.locator(`#product-link-${productId === 1 ? 2 : 1}`));
  await follow(page, shopper, page.locator(`#product-link-${productId}`), /product\.html$/);
  await pause(page, shopper, 400, 1_000);
}

/** Opens the store, finds a product and adds 1-3 of it to the cart; ends on the product page. */
export async function addProductToCart(page: Page, baseUrl: string, shopper: Shopper,
  productId = pickProduct(shopper)): Promise<CartOutcome> {
  if (!page.url().startsWith(storeRoot(baseUrl))) await openStore(page, baseUrl);
  else if (!LIST_PATH.test(new URL(page.url()).pathname)) {
    await follow(page, shopper, page.locator('#nav-shop'), LIST_PATH);
  }
  await skim(page, shopper, randomInt(shopper.choose, 150, 500));
  await openProductFromList(page, shopper, productId);
  const before = Number(await page.locator('#cart-count').textContent());
  const quantity = chance(shopper.choose, 0.4) ? randomInt(shopper.choose, 2, 3) : 1;
  for (let more = 1; more < quantity; more++) {
    await press(page, shopper, page.locator('#qty-increase'));
    await pause(page, shopper, 150, 400);
  }
  await press(page, shopper, page.locator('#add-to-cart'));
  await page.locator('#added-message').waitFor({ state: 'visible' });
  const after = Number(await page.locator('#cart-count').textContent());
  if (after !== before + quantity) throw new Error(`cart count went from ${before} to ${after}, expected +${quantity}`);
  await pause(page, shopper, 300, 700);
  return { productId, quantity, summary: `added ${quantity} × product ${productId}` };
}

/** From any store page with a filled cart: cart, then checkout; ends on an empty checkout form. */
export async function goToCheckout(page: Page, shopper: Shopper): Promise<void> {
  const viaNotice = await page.locator('#view-cart').isVisible();
  await follow(page, shopper, page.locator(viaNotice ? '#view-cart' : '#nav-cart'), /cart\.html$/);
  await pause(page, shopper, 300, 800);
  await follow(page, shopper, page.locator('#checkout-button'), /checkout\.html$/);
  await page.locator('#checkout-form').waitFor({ state: 'visible' });
  await pause(page, shopper, 300, 700);
}

/** Types name, email and the delivery address. */
async function fillContact(page: Page, shopper: Shopper): Promise<void> {
  const { details } = shopper;
  await typeInto(page, shopper, page.locator('#full-name'), details.fullName);
  await typeInto(page, shopper, page.locator('#email'), details.email, chance(shopper.jitter, 0.7));
  await typeInto(page, shopper, page.locator('#address'), details.address, chance(shopper.jitter, 0.7));
  await typeInto(page, shopper, page.locator('#city'), details.city, chance(shopper.jitter, 0.7));
  await typeInto(page, shopper, page.locator('#postcode'), details.postcode, chance(shopper.jitter, 0.7));
}

/** Looks at the list and one to three products, then leaves without buying. */
export async function browseAndLeave(page: Page, baseUrl: string, shopper: Shopper): Promise<BrowseOutcome> {
  await openStore(page, baseUrl);
  await skim(page, shopper, randomInt(shopper.choose, 300, 900));
  const productIds: number[] = [];
  const visits = randomInt(shopper.choose, 1, 3);
  for (let visit = 0; visit < visits; visit++) {
    let productId = pickProduct(shopper);
    while (productIds.includes(productId)) productId = (productId % PRODUCT_COUNT) + 1;
    productIds.push(productId);
    if (visit > 0) await follow(page, shopper, page.locator('#breadcrumb-shop'), LIST_PATH);
    await openProductFromList(page, shopper, productId);
    await skim(page, shopper, randomInt(shopper.choose, 100, 400));
    await pause(page, shopper, 300, 900);
  }
  return { productIds, summary: `viewed product${productIds.length > 1 ? 's' : ''} ${productIds.join(', ')}` };
}

/** Adds something to the cart, sometimes looks at the cart, then leaves. */
export async function addToCartAndLeave(page: Page, baseUrl: string, shopper: Shopper): Promise<CartOutcome> {
  const added = await addProductToCart(page, baseUrl, shopper);
  if (chance(shopper.choose, 0.5)) {
    await follow(page, shopper, page.locator('#view-cart'), /cart\.html$/);
    await pause(page, shopper, 600, 1_400);
    return { ...added, summary: `${added.summary}, saw the cart` };
  }
  return added;
}

/** Starts the checkout, types the contact and address fields, focuses the card number and gives up there. */
export async function abandonAtCard(page: Page, baseUrl: string, shopper: Shopper): Promise<JourneyOutcome> {
  await addProductToCart(page, baseUrl, shopper);
  await goToCheckout(page, shopper);
  await fillContact(page, shopper);
  await press(page, shopper, page.locator('#card-number'));
  const focused = await page.evaluate(() => document.activeElement?.id);
  if (focused !== 'card-number') throw new Error(`expected the card number to have focus, not ${focused}`);
  await pause(page, shopper, 800, 1_800);
  return { summary: 'left at the card number' };
}

/** Types a promo code and presses the broken "Apply" button 4-6 times in quick succession, then leaves. */
export async function rageClickPromo(page: Page, baseUrl: string, shopper: Shopper,
  clicks = randomInt(shopper.choose, 4, 6)): Promise<RageOutcome> {
  await addProductToCart(page, baseUrl, shopper);
  await goToCheckout(page, shopper);
  if (chance(shopper.choose, 0.6)) await typeInto(page, shopper, page.locator('#email'), shopper.details.email);
  await typeInto(page, shopper, page.locator('#promo-code'), shopper.details.promoCode);
  const apply = page.locator('#apply-promo');
  const { x, y } = await press(page, shopper, apply);
  // Frustration is fast whatever the pace: a slow rage click is no rage click.
  const touch = await usesTouch(page);
  for (let pressed = 1; pressed < clicks; pressed++) {
    await page.waitForTimeout(randomInt(shopper.jitter, RAGE_GAP_MS.min, RAGE_GAP_MS.max));
    const jitterX = x + (shopper.jitter() - 0.5) * 6;
    const jitterY = y + (shopper.jitter() - 0.5) * 6;
    if (touch) await page.touchscreen.tap(jitterX, jitterY);
    else await page.mouse.click(jitterX, jitterY, { delay: randomInt(shopper.jitter, 15, 40) });
  }
  await pause(page, shopper, 1_000, 1_800);
  // Back to the cart to check the price by hand; the later page also closes the clicks' dead-click windows.
  await follow(page, shopper, page.locator('#nav-cart'), /cart\.html$/);
  await pause(page, shopper, 600, 1_200);
  return { clicks, summary: `pressed Apply ${clicks}×, went back to the cart` };
}

/** Opens a product and clicks its image, which looks zoomable but does nothing; waits, goes back to the list. */
export async function clickDeadImage(page: Page, baseUrl: string, shopper: Shopper): Promise<DeadClickOutcome> {
  const productId = pickProduct(shopper);
  await openStore(page, baseUrl);
  await skim(page, shopper, randomInt(shopper.choose, 100, 400));
  await openProductFromList(page, shopper, productId);
  // The product page has just rendered; let that settle so it cannot pass for the image's response.
  await page.waitForTimeout(DEAD_CLICK_QUIET_BEFORE_MS);
  await press(page, shopper, page.locator('#product-image'));
  await page.waitForTimeout(DEAD_CLICK_SETTLE_MS);
  // Leaving gives the recording an event after the detector's window; a click at the very end is never judged.
  await follow(page, shopper, page.locator('#breadcrumb-shop'), LIST_PATH);
  await pause(page, shopper, 400, 1_000);
  return { productId, summary: `clicked the image of product ${productId}` };
}

/** Buys one or two products with the shopper's details; sometimes trips over validation first. */
export async function completePurchase(page: Page, baseUrl: string, shopper: Shopper): Promise<PurchaseOutcome> {
  const first = await addProductToCart(page, baseUrl, shopper);
  if (chance(shopper.choose, 0.2)) {
    const second = (first.productId % PRODUCT_COUNT) + 1;
    await addProductToCart(page, baseUrl, shopper, second);
  }
  await goToCheckout(page, shopper);
  await fillContact(page, shopper);
  const { details } = shopper;
  if (chance(shopper.choose, 0.25)) {
    // Pressing Pay too early shows the inline messages; the shopper reads them and carries on.
    await press(page, shopper, page.locator('#pay-button'));
    await page.locator('#cardNumber-error').waitFor({ state: 'visible' });
    await pause(page, shopper, 600, 1_400);
  }
  await typeInto(page, shopper, page.locator('#card-number'), details.cardNumber);
  await typeInto(page, shopper, page.locator('#card-expiry'), details.cardExpiry, chance(shopper.jitter, 0.7));
  await typeInto(page, shopper, page.locator('#card-cvc'), details.cardCvc, chance(shopper.jitter, 0.7));
  if (details.password) {
    await typeInto(page, shopper, page.locator('#password'), details.password, chance(shopper.jitter, 0.7));
    if (chance(shopper.choose, 0.5)) await press(page, shopper, page.locator('#toggle-password'));
  }
  await follow(page, shopper, page.locator('#pay-button'), /confirmation\.html$/);
  const orderId = (await page.locator('#order-number').textContent())?.trim() ?? '';
  const total = (await page.locator('#order-total').textContent())?.trim() ?? '';
  if (!orderId || !total) throw new Error('the confirmation page shows no order number or total');
  await pause(page, shopper, 500, 1_200);
  return { orderId, total, summary: `bought order ${orderId} for ${total}` };
}

/** Every journey by name, for the traffic generator's plan. */
export const journeys = {
  browseAndLeave,
  addToCartAndLeave,
  abandonAtCard,
  rageClickPromo,
  clickDeadImage,
  completePurchase,
} satisfies Record<string, Journey>;
export type JourneyName = keyof typeof journeys;
