/**
 * The outbound policy on its own: every internal target of the shared table refused before any connection, every
 * resolved address judged, localhost never asked of DNS, the allow-list, and requests pinned to the address that
 * was checked (a resolver that changes its answer after the check is never asked again).
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createOutboundPolicy, OutboundRefused, systemResolver, type Resolver } from '../../../../server/outbound/policy.ts';
import { INTERNAL_NAMES, INTERNAL_TARGETS } from '../../../helpers/internal-targets.ts';
import { changingResolver, PUBLIC_TEST_ADDRESS, sendOnlyToThisMachine, testResolver } from '../../../../support/outbound.ts';

async function refusal(promise: Promise<unknown>): Promise<OutboundRefused> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(OutboundRefused);
  return error as OutboundRefused;
}

describe('outbound | policy checks', () => {
  const policy = createOutboundPolicy({ resolve: testResolver(INTERNAL_NAMES) });

  test.each(INTERNAL_TARGETS.map((target) => [target.label, target] as const))('refuses %s', async (_label, { host, kind }) => {
    const error = await refusal(policy.check(new URL(`http://${host}:8080/hook`)));
    expect({ code: error.code, kind: error.kind }).toEqual({ code: 'forbidden_address', kind });
    // The message names the host as the URL parser wrote it, never the port or the addresses a name resolved to.
    expect(error.message).not.toContain('8080');
    for (const address of INTERNAL_NAMES[host] ?? []) expect(error.message).not.toContain(address);
  });

  test('accepts a public address, and a name whose every address is public', async () => {
    await expect(policy.check(new URL(`https://${PUBLIC_TEST_ADDRESS}/a.png`))).resolves.toMatchObject({ addresses: [{ address: PUBLIC_TEST_ADDRESS, family: 4 }] });
    const both = createOutboundPolicy({ resolve: async () => ['8.8.8.8', '2606:4700:4700::1111'] });
    await expect(both.check(new URL('https://cdn.shop.example/a.png'))).resolves.toMatchObject({
      addresses: [{ address: '8.8.8.8', family: 4 }, { address: '2606:4700:4700::1111', family: 6 }],
    });
  });

  test('refuses a name when any one of its addresses is internal, whichever comes first', async () => {
    for (const answers of [['8.8.8.8', '10.0.0.1'], ['fd00::1', '8.8.8.8'], ['8.8.8.8', '2606:4700::1', '::ffff:192.168.0.1']]) {
      const mixed = createOutboundPolicy({ resolve: async () => answers });
      expect((await refusal(mixed.check(new URL('https://cdn.shop.example/')))).code).toBe('forbidden_address');
    }
  });

  test('never asks DNS about localhost names, which are loopback whatever a resolver says', async () => {
    const resolver = changingResolver([PUBLIC_TEST_ADDRESS]);
    const lying = createOutboundPolicy({ resolve: resolver });
    for (const host of ['localhost', 'Shop.LocalHost.', 'a.b.localhost']) {
      expect((await refusal(lying.check(new URL(`http://${host}/`)))).kind).toBe('loopback');
    }
    expect(resolver.calls).toEqual([]);
  });

  test('the system resolver is the default and resolves the real localhost to loopback', async () => {
    expect(await systemResolver('localhost')).toContain('127.0.0.1');
    // Through the resolver rather than the localhost rule: a name for loopback from /etc/hosts is refused too.
    const viaSystem = createOutboundPolicy({ resolve: (host) => systemResolver(host === 'shop.test' ? 'localhost' : host) });
    expect((await refusal(viaSystem.check(new URL('http://shop.test/')))).kind).toBe('loopback');
  });

  test.each<[string, Resolver]>([
    ['fails', async () => Promise.reject(Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' }))],
    ['answers nothing', async () => []],
    ['answers something that is not an address', async () => ['cdn.shop.example']],
    ['does not answer in time', () => new Promise(() => {})],
  ])('a host whose lookup %s is unresolvable_host', async (_name, resolve) => {
    const slow = createOutboundPolicy({ resolve, resolveTimeoutMs: 50 });
    const error = await refusal(slow.check(new URL('https://nowhere.example/')));
    expect(error.code).toBe('unresolvable_host');
    expect(error.message).toBe('"nowhere.example" could not be resolved');
  });

  test('a caller abort during the lookup rejects with the abort reason, not a refusal', async () => {
    const hanging = createOutboundPolicy({ resolve: () => new Promise(() => {}) });
    const stop = new AbortController();
    const checking = hanging.check(new URL('https://slow.example/'), stop.signal);
    stop.abort(new Error('stopping'));
    await expect(checking).rejects.toThrow('stopping');
  });

  test('the allow-list lets listed hosts, wildcards and blocks through, and nothing else', async () => {
    const names = { 'hooks.internal': ['10.0.0.7'], 'other.internal': ['10.0.0.7'], 'api.corp.example': ['192.168.1.9'], 'db.lan': ['10.9.0.1'], 'api.corp.example.evil.lan': ['192.168.1.9'] };
    const allowing = createOutboundPolicy({ allow: ['hooks.internal', '*.corp.example', '10.9.0.0/16', '::1'], resolve: testResolver(names) });
    for (const url of ['http://hooks.internal/', 'http://api.corp.example/', 'http://db.lan/', 'http://10.9.255.1/', 'http://[::1]/']) {
      await expect(allowing.check(new URL(url)), url).resolves.toBeDefined();
    }
    for (const url of ['http://other.internal/', 'http://api.corp.example.evil.lan/', 'http://10.0.0.7/', 'http://127.0.0.1/', 'http://localhost/']) {
      expect((await refusal(allowing.check(new URL(url)))).code, url).toBe('forbidden_address');
    }
  });

  test('a listed host name does not allow an address literal, nor an address allow a name beside it', async () => {
    const allowing = createOutboundPolicy({ allow: ['10.0.0.7'], resolve: testResolver({ 'two.internal': ['10.0.0.7', '10.0.0.8'] }) });
    expect((await refusal(allowing.check(new URL('http://two.internal/')))).code).toBe('forbidden_address');
  });
});

describe('outbound | pinned requests', () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(302, { Location: '/elsewhere' }).end('moved');
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('connects to the address that was checked, with the name in the Host header, and returns a 3xx unfollowed', async () => {
    const resolver = changingResolver(['127.0.0.1']);
    const policy = createOutboundPolicy({ allow: ['127.0.0.1'], resolve: resolver });
    const response = await policy.request(new URL(`http://hooks.internal:${port}/hook?x=1`), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
      signal: AbortSignal.timeout(2000),
    });
    expect({ status: response.status, location: response.header('location') }).toEqual({ status: 302, location: '/elsewhere' });
    response.body.destroy();
    expect(resolver.calls).toEqual(['hooks.internal']);
    expect(seen.at(-1)).toMatchObject({ host: `hooks.internal:${port}`, 'content-length': '11' });
  });

  test('a resolver that moves to loopback after the check never gets a connection to loopback', async () => {
    seen.length = 0;
    // The first answer passes (127.0.0.2, allowed here so no packet leaves the machine; a public address works the
    // same way); every later answer is the loopback address the listener is on. Pinned, the request goes to the
    // first answer, where nothing listens.
    const resolver = changingResolver(['127.0.0.2'], ['127.0.0.1']);
    const policy = createOutboundPolicy({ allow: ['127.0.0.2'], resolve: resolver });
    const error = await policy.request(new URL(`http://rebind.example:${port}/`), { method: 'GET', headers: {}, signal: AbortSignal.timeout(2000) }).catch((reason: unknown) => reason);
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(resolver.calls).toEqual(['rebind.example']);
    expect(seen).toEqual([]);
    // Asked again, the policy sees the new answer and refuses before connecting.
    expect((await refusal(policy.request(new URL(`http://rebind.example:${port}/`), { method: 'GET', headers: {}, signal: AbortSignal.timeout(2000) }))).code).toBe('forbidden_address');
    expect(seen).toEqual([]);
  });

  test('rejects with the signal reason when the deadline passes, as fetch does', async () => {
    const hold = createServer(() => {});
    await new Promise<void>((resolve) => hold.listen(0, '127.0.0.1', resolve));
    const policy = createOutboundPolicy({ allow: ['127.0.0.1'] });
    const holdPort = (hold.address() as AddressInfo).port;
    const error = await policy.request(new URL(`http://127.0.0.1:${holdPort}/`), { method: 'GET', headers: {}, signal: AbortSignal.timeout(100) }).catch((reason: unknown) => reason);
    expect((error as Error).name).toBe('TimeoutError');
    await new Promise<void>((resolve) => {
      hold.close(() => resolve());
      hold.closeAllConnections();
    });
  });

  test("the tests' sender passes on loopback requests only: a public address the policy accepted is never sent to", async () => {
    const sent: string[] = [];
    const send = sendOnlyToThisMachine(async (target) => {
      sent.push(target.url.href);
      throw Object.assign(new Error('watched, not sent'), { code: 'EWATCHED' });
    });
    const policy = createOutboundPolicy({ resolve: testResolver(), allow: ['127.0.0.1'], send });
    const init = () => ({ method: 'GET' as const, headers: {}, signal: AbortSignal.timeout(2000) });
    const codeOf = (promise: Promise<unknown>) => promise.then(() => 'sent', (reason: { code?: string }) => reason.code);
    expect(await codeOf(policy.request(new URL('https://cdn.shop.example/a.png'), init()))).toBe('ETESTNETWORK');
    expect(await codeOf(policy.request(new URL(`https://${PUBLIC_TEST_ADDRESS}/a.png`), init()))).toBe('ETESTNETWORK');
    expect(sent).toEqual([]);
    expect(await codeOf(policy.request(new URL('http://127.0.0.1:9/a.png'), init()))).toBe('EWATCHED');
    expect(sent).toEqual(['http://127.0.0.1:9/a.png']);
  });
});
