/**
 * Personal data found in page text (not in inputs: privacy.ts masks those). Pure functions, so the rules are
 * tested as tables. What is masked keeps its length and spacing, so a replay's layout does not shift.
 */

export const maskText = (text: string): string => text.replace(/\S/g, '*');

const EMAIL = /[\w.%+-]+@[\w-]+(?:\.[\w-]+)+/g;
/** Digits with single spaces, dots, dashes or brackets between them: candidates for card and phone numbers. */
const DIGIT_RUN = /\+?\(?\d(?:[ .-]?\(?\d\)?)+/g;
/** Groups of 2–4 digits after an optional +country code and (area code): "+44 20 7946 0958", "(555) 123-4567". */
const PHONE = /^(\+\d{1,3}[ .-]?)?(\(\d{1,4}\)[ .-]?)?\d{2,12}([ .-]\d{2,8})*$/;
/** Dates and times are numbers a shopper needs to see: 2024-01-15, 15.01.2024. */
const DATE = /\d{4}[.-]\d\d[.-]\d\d|\d\d[.-]\d\d[.-]\d{4}/;

/** The Luhn checksum that every payment card number passes (and 90% of random digit strings fail). */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

function isCardOrPhone(run: string): boolean {
  const digits = run.replace(/\D/g, '');
  // Cards: 13–19 digits, grouped by spaces or dashes only, passing Luhn.
  if (/^\d[\d -]*$/.test(run) && digits.length >= 13 && digits.length <= 19 && passesLuhn(digits)) return true;
  // Phones: a + prefix, or 9–15 digits (E.164's maximum) in phone-like groups; a plain run of digits is an id.
  const grouped = run.startsWith('+') || /\D/.test(run);
  return grouped && digits.length >= (run.startsWith('+') ? 7 : 9) && digits.length <= 15 && PHONE.test(run) && !DATE.test(run);
}

/**
 * An email needs an @, and a card or phone number 7 digits at least (isCardOrPhone): text with neither, which is
 * most text of a page (names, prices, labels), is returned at the cost of one quick test instead of two replaces.
 */
const MAY_HOLD_PII = /@|\d(?:\D*\d){6}/;

/**
 * Masks emails, Luhn-valid card numbers and phone numbers in `text` and returns everything else unchanged:
 * prices, dates, quantities, order numbers without separators.
 */
export function scrubPII(text: string): string {
  if (!MAY_HOLD_PII.test(text)) return text;
  return text
    .replace(EMAIL, maskText)
    .replace(DIGIT_RUN, (run, offset: number) =>
      // Part of a longer word or number ("SKU12345678901", "v1.2.3") is not a number on its own.
      /[\w.,]/.test(text[offset - 1] || '') && !run.startsWith('+') ? run : isCardOrPhone(run.trim()) ? maskText(run) : run);
}
