import { describe, expect, test } from 'vitest';
import { passesLuhn, scrubPII } from '../../../recorder/pii.ts';

describe('recorder | PII text scrubber', () => {
  test.each([
    ['Write to jane.doe@example.com today', 'Write to ******************** today'],
    ['Contact: first+tag@mail.shop.co.uk.', 'Contact: *************************.'],
    ['(john_smith@example.org)', '(**********************)'],
  ])('masks the email in %j', (text, expected) => {
    expect(scrubPII(text)).toBe(expected);
  });

  test.each([
    ['Card 4242424242424242 on file', 'Card **************** on file'],
    ['Card 4242 4242 4242 4242 on file', 'Card **** **** **** **** on file'],
    ['Amex 3782-822463-10005', 'Amex *****************'],
    ['Diners 30569309025904', 'Diners **************'],
  ])('masks the Luhn-valid card number in %j', (text, expected) => {
    expect(scrubPII(text)).toBe(expected);
  });

  test.each([
    ['Call +44 20 7946 0958 now', 'Call *** ** **** **** now'],
    ['Phone: (555) 123-4567', 'Phone: ***** ********'],
    ['Phone 555-123-4567.', 'Phone ************.'],
    ['Tel. 030 12345678', 'Tel. *** ********'],
    ['Mobile +4915112345678', 'Mobile **************'],
    ['555.123.4567', '************'],
  ])('masks the phone number in %j', (text, expected) => {
    expect(scrubPII(text)).toBe(expected);
  });

  test.each([
    'Total: $1,299.99 (3 items)',
    'Price 12.99 EUR, was 15.49 EUR',
    'Delivered on 2024-01-15 at 10:30',
    'Ordered 15.01.2024',
    'Order #100234567',
    'SKU ABC-1234',
    'Card 4242 4242 4242 4241 is not a card number (fails Luhn)',
    'Reference 1234567812345678',
    'Version 1.2.3, 250 ml, 2 x 3',
    'Pay 4 of 12',
    'No personal data here at all',
  ])('leaves %j unchanged', (text) => {
    expect(scrubPII(text)).toBe(text);
  });

  test.each([
    ['4242424242424242', true],
    ['378282246310005', true],
    ['4242424242424241', false],
    ['1234567812345678', false],
  ])('Luhn check of %s is %s', (digits, valid) => {
    expect(passesLuhn(digits)).toBe(valid);
  });
});
