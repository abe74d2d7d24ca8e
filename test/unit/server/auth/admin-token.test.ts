import { describe, expect, test } from 'vitest';
import {
  ADMIN_TOKEN_SETTING,
  generateAdminToken,
  resolveAdminToken,
  tokensMatch,
} from '../../../../server/auth/admin-token.ts';
import { openDatabase } from '../../../../server/storage/db.ts';
import { createSqliteStore } from '../../../../server/storage/store.ts';

function freshStore() {
  return createSqliteStore(openDatabase(':memory:'));
}

describe('admin token', () => {
  test('is generated and stored on the first start, then read back on every later start', async () => {
    const store = freshStore();
    let generated = 0;
    const generate = () => `generated-${++generated}`;

    const first = await resolveAdminToken(undefined, store, generate);
    expect(first).toEqual({ token: 'generated-1', source: 'generated' });
    expect(await store.getSetting(ADMIN_TOKEN_SETTING)).toBe('generated-1');

    // Only the first start generates, so only it has a token to print.
    const second = await resolveAdminToken(undefined, store, generate);
    expect(second).toEqual({ token: 'generated-1', source: 'stored' });
    expect(generated).toBe(1);
  });

  test('comes from the environment when set, which is neither generated nor stored', async () => {
    const store = freshStore();
    const fail = () => {
      throw new Error('must not generate');
    };
    expect(await resolveAdminToken('from-env', store, fail)).toEqual({ token: 'from-env', source: 'env' });
    expect(await store.getSetting(ADMIN_TOKEN_SETTING)).toBeUndefined();
    // The environment also wins over a token stored earlier.
    await store.setSetting(ADMIN_TOKEN_SETTING, 'stored-one');
    expect((await resolveAdminToken('from-env', store, fail)).token).toBe('from-env');
    expect(await resolveAdminToken('', store, fail)).toEqual({ token: 'stored-one', source: 'stored' });
  });

  test('generated tokens are 24 random bytes in base64url and differ each time', () => {
    const tokens = new Set(Array.from({ length: 20 }, generateAdminToken));
    expect(tokens.size).toBe(20);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  test('matches only the exact token', () => {
    expect(tokensMatch('abc', 'abc')).toBe(true);
    expect(tokensMatch('abd', 'abc')).toBe(false);
    expect(tokensMatch('abc ', 'abc')).toBe(false);
    expect(tokensMatch('', 'abc')).toBe(false);
  });
});
