import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { parseSignatureHeader, signatureHeader, verifySignature } from '../../../../server/webhooks/signing.ts';

const SECRET = 'whsec_test-secret';
const BODY = '{"id":"evt_1","type":"test"}';
const NOW_MS = Date.UTC(2025, 0, 2, 3, 4, 5);
const NOW_S = Math.floor(NOW_MS / 1000);

describe('webhooks | signing', () => {
  test('signs "<t>.<body>" with HMAC-SHA256 of the secret, as docs/api.md tells receivers to recompute it', () => {
    const expected = createHmac('sha256', SECRET).update(`${NOW_S}.${BODY}`).digest('hex');
    expect(signatureHeader(SECRET, BODY, NOW_S)).toBe(`t=${NOW_S},v1=${expected}`);
  });

  test('verifies its own signature, over a string or the same bytes', () => {
    const header = signatureHeader(SECRET, BODY, NOW_S);
    expect(verifySignature(SECRET, header, BODY, NOW_MS)).toBe(true);
    expect(verifySignature(SECRET, header, Buffer.from(BODY), NOW_MS)).toBe(true);
  });

  test.each([
    ['a wrong secret', () => verifySignature('whsec_other', signatureHeader(SECRET, BODY, NOW_S), BODY, NOW_MS)],
    ['a changed body', () => verifySignature(SECRET, signatureHeader(SECRET, BODY, NOW_S), `${BODY} `, NOW_MS)],
    ['a timestamp older than the tolerance', () => verifySignature(SECRET, signatureHeader(SECRET, BODY, NOW_S - 301), BODY, NOW_MS)],
    ['a timestamp too far ahead', () => verifySignature(SECRET, signatureHeader(SECRET, BODY, NOW_S + 301), BODY, NOW_MS)],
    ['a replayed signature with its t changed', () => verifySignature(SECRET, signatureHeader(SECRET, BODY, NOW_S - 3600).replace(/t=\d+/, `t=${NOW_S}`), BODY, NOW_MS)],
    ['no header', () => verifySignature(SECRET, undefined, BODY, NOW_MS)],
    ['a header without v1', () => verifySignature(SECRET, `t=${NOW_S}`, BODY, NOW_MS)],
    ['garbage', () => verifySignature(SECRET, 'not a signature', BODY, NOW_MS)],
  ])('refuses %s', (_name, verify) => {
    expect(verify()).toBe(false);
  });

  test('accepts a timestamp at the edge of a custom tolerance and refuses one just past it', () => {
    const header = signatureHeader(SECRET, BODY, NOW_S - 10);
    expect(verifySignature(SECRET, header, BODY, NOW_MS, 10)).toBe(true);
    expect(verifySignature(SECRET, header, BODY, NOW_MS + 1000, 10)).toBe(false);
  });

  test('accepts a header with several v1 values when one matches (as during a secret rotation)', () => {
    const good = signatureHeader(SECRET, BODY, NOW_S).split('v1=')[1];
    expect(verifySignature(SECRET, `t=${NOW_S},v1=${'0'.repeat(64)},v1=${good}`, BODY, NOW_MS)).toBe(true);
  });

  test('parses t and the v1 values, ignoring unknown schemes', () => {
    expect(parseSignatureHeader(`t=12, v0=abc, v1=${'a'.repeat(64)}`)).toEqual({ timestampS: 12, signatures: ['a'.repeat(64)] });
    expect(parseSignatureHeader('v1=abc')).toBeNull();
  });
});
