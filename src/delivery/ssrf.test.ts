import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGuardedConnector,
  createGuardedLookup,
  ERR_SSRF_FORBIDDEN_ADDRESS,
  forbiddenAddressReason,
  isForbiddenAddress,
  resolveAndCheck,
  type Resolver,
  validateWebhookUrl,
} from './ssrf.js';

const FORBIDDEN = [
  // IPv4
  '127.0.0.1', '127.255.255.254', '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255',
  '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '100.127.255.255', '100.100.100.200',
  '169.254.169.254', '169.254.0.1', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
  '192.0.0.1', '192.0.0.192', '198.18.0.1', '198.19.255.255', '192.0.2.1', '198.51.100.7', '203.0.113.9',
  // IPv6
  '::1', '::', 'fc00::1', 'fd12:3456:789a::1', 'fd00:ec2::254', 'fe80::1', 'febf::1', 'fec0::1', 'ff02::1',
  '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.1.2.3', '::ffff:a9fe:a9fe', '0:0:0:0:0:ffff:c0a8:0101',
  '::127.0.0.1', '::8.8.8.8', // IPv4-compatible: deprecated, refused whatever they embed
  '64:ff9b::127.0.0.1', '64:ff9b::a00:1', '64:ff9b::169.254.169.254', '64:ff9b:1::1',
  '2002:7f00:1::', '2002:c0a8:101::1', '2002:a9fe:a9fe::',
  '2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:2::1', '2001:db8::1', '3fff::1', '100::1',
  // not a canonical IP literal: fail closed
  'example.com', '', '127.1', '0x7f.0.0.1', '010.0.0.1', '2130706433', 'fe80::1%eth0', '[::1]',
];

const ALLOWED = [
  '8.8.8.8', '1.1.1.1', '93.184.216.34', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1',
  '192.169.0.1', '198.17.255.255', '198.20.0.1', '223.255.255.255', '11.0.0.1', '169.253.255.255',
  '2606:4700::1111', '2001:4860:4860::8888', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '::ffff:808:808',
  '64:ff9b::8.8.8.8', '2002:808:808::1', '2001:200::1',
];

describe('isForbiddenAddress', () => {
  it.each(FORBIDDEN)('refuses %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each(ALLOWED)('allows %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });

  it('says why', () => {
    expect(forbiddenAddressReason('169.254.169.254')).toMatch(/link-local/);
    expect(forbiddenAddressReason('::ffff:7f00:1')).toMatch(/IPv4-mapped loopback/);
    expect(forbiddenAddressReason('8.8.8.8')).toBeUndefined();
  });
});

describe('validateWebhookUrl', () => {
  const strict = { allowPrivate: false };
  const lax = { allowPrivate: true };

  it.each([
    ['https://hooks.example.com/path?q=1', strict],
    ['http://hooks.example.com:8080/', strict],
    ['https://8.8.8.8/', strict],
    ['https://[2606:4700::1111]/', strict],
    ['http://127.0.0.1:3000/hook', lax],
    ['http://localhost:3000/hook', lax],
    ['http://[::1]/', lax],
  ])('accepts %s', (url, opts) => {
    const result = validateWebhookUrl(url, opts);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.url.href).toBe(new URL(url).href);
  });

  it.each([
    ['not a url', /valid absolute URL/],
    ['/relative/path', /valid absolute URL/],
    ['ftp://example.com/', /scheme ftp/],
    ['file:///etc/passwd', /scheme file/],
    ['javascript:alert(1)', /scheme javascript/],
    ['gopher://example.com/', /scheme gopher/],
    ['https://user:pass@example.com/', /credentials/],
    ['https://user@example.com/', /credentials/],
  ])('refuses %s even with allowPrivate', (url, reason) => {
    for (const opts of [strict, lax]) {
      const result = validateWebhookUrl(url, opts);
      expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
    }
  });

  it.each([
    'http://127.0.0.1/',
    'http://2130706433/', // WHATWG URL normalises legacy IPv4 spellings to 127.0.0.1
    'http://0x7f.1/',
    'http://[::1]:8080/',
    'http://[::ffff:127.0.0.1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/',
    'http://10.0.0.1/',
    'http://localhost/',
    'http://api.localhost./',
  ])('refuses private destination %s unless allowPrivate', (url) => {
    expect(validateWebhookUrl(url, strict)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a public address/) });
    expect(validateWebhookUrl(url, lax).ok).toBe(true);
  });
});

const fixedResolver =
  (...answers: (readonly LookupAddress[])[]): Resolver =>
  async () => {
    // Each call takes the next answer; the last one repeats. Models a DNS server that changes its mind.
    const answer = answers.length > 1 ? answers.shift() : answers[0];
    return answer ?? [];
  };
const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });

describe('resolveAndCheck', () => {
  it('passes a host whose addresses are all public', async () => {
    const result = await resolveAndCheck('https://hooks.example.test/x', {
      allowPrivate: false,
      resolve: fixedResolver([v4('8.8.8.8'), v6('2606:4700::1111')]),
    });
    expect(result).toMatchObject({ ok: true, addresses: ['8.8.8.8', '2606:4700::1111'] });
  });

  it('refuses a host with any forbidden address, unless allowPrivate', async () => {
    const resolve = fixedResolver([v4('8.8.8.8'), v4('10.0.0.7')]);
    expect(await resolveAndCheck('https://mixed.example.test/', { allowPrivate: false, resolve })).toEqual({
      ok: false,
      reason: 'mixed.example.test: it resolves to 10.0.0.7, which is not a public address (private)',
    });
    expect(await resolveAndCheck('https://mixed.example.test/', { allowPrivate: true, resolve })).toMatchObject({ ok: true });
  });

  it('reports an unresolvable host clearly', async () => {
    const resolve: Resolver = async (hostname) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    };
    for (const allowPrivate of [false, true]) {
      expect(await resolveAndCheck('https://nowhere.invalid/', { allowPrivate, resolve })).toEqual({
        ok: false,
        reason: 'host nowhere.invalid could not be resolved (ENOTFOUND)',
      });
    }
  });

  it('checks literal IPs without resolving, and runs URL validation first', async () => {
    const resolve: Resolver = async () => {
      throw new Error('must not resolve');
    };
    expect(await resolveAndCheck('https://8.8.8.8/', { allowPrivate: false, resolve })).toMatchObject({
      ok: true,
      addresses: ['8.8.8.8'],
    });
    expect(await resolveAndCheck('https://[::1]/', { allowPrivate: false, resolve })).toMatchObject({ ok: false });
    expect(await resolveAndCheck('ftp://example.test/', { allowPrivate: false, resolve })).toMatchObject({ ok: false });
  });

  it('uses the system resolver by default (localhost via /etc/hosts)', async () => {
    expect(await resolveAndCheck('http://localhost/', { allowPrivate: false })).toMatchObject({ ok: false });
    const result = await resolveAndCheck('http://localhost/', { allowPrivate: true });
    expect(result).toMatchObject({ ok: true });
  });
});

describe('createGuardedLookup, called the way net.connect calls it', () => {
  const call = (lookup: ReturnType<typeof createGuardedLookup>, hostname: string, options: object) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family: unknown }>((resolve) => {
      lookup(hostname, options, (err, address, family) => resolve({ err, address, family }));
    });

  it('answers both the all:true and the single-address forms, filtered by family', async () => {
    const lookup = createGuardedLookup({ allowPrivate: false, resolve: fixedResolver([v6('2606:4700::1111'), v4('1.1.1.1')]) });
    expect(await call(lookup, 'h.test', { all: true })).toMatchObject({
      err: null,
      address: [v6('2606:4700::1111'), v4('1.1.1.1')],
    });
    expect(await call(lookup, 'h.test', {})).toMatchObject({ err: null, address: '2606:4700::1111', family: 6 });
    expect(await call(lookup, 'h.test', { family: 4 })).toMatchObject({ err: null, address: '1.1.1.1', family: 4 });
    expect(await call(lookup, 'h.test', { family: 'IPv4', all: true })).toMatchObject({ address: [v4('1.1.1.1')] });
  });

  it('fails with ERR_SSRF_FORBIDDEN_ADDRESS when any address is forbidden', async () => {
    const lookup = createGuardedLookup({ allowPrivate: false, resolve: fixedResolver([v4('1.1.1.1'), v6('::1')]) });
    const { err } = await call(lookup, 'h.test', { all: true });
    expect(err).toMatchObject({ code: ERR_SSRF_FORBIDDEN_ADDRESS, address: '::1', hostname: 'h.test' });
    expect(err?.message).toMatch(/OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS/);
  });

  it('reports ENOTFOUND when no address of the requested family exists', async () => {
    const lookup = createGuardedLookup({ allowPrivate: false, resolve: fixedResolver([v4('1.1.1.1')]) });
    expect((await call(lookup, 'h.test', { family: 6 })).err).toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('guarded connections through undici (real HTTP to 127.0.0.1 only)', () => {
  let server: Server;
  let port: number;
  const agents: Agent[] = [];
  const agent = (connect: ConstructorParameters<typeof Agent>[0]) => {
    const a = new Agent(connect);
    agents.push(a);
    return a;
  };
  const loopback: Resolver = async () => [v4('127.0.0.1')];

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('reached'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await new Promise((resolve) => server.close(resolve));
  });

  const get = async (url: string, dispatcher: Agent) => {
    const res = await request(url, { dispatcher });
    return res.body.text();
  };

  it('refuses a name that resolves to loopback, and reaches it with allowPrivate', async () => {
    const refused = agent({ connect: { lookup: createGuardedLookup({ allowPrivate: false, resolve: loopback }) } });
    await expect(get(`http://receiver.test:${port}/`, refused)).rejects.toMatchObject({ code: ERR_SSRF_FORBIDDEN_ADDRESS });

    const allowed = agent({ connect: { lookup: createGuardedLookup({ allowPrivate: true, resolve: loopback }) } });
    await expect(get(`http://receiver.test:${port}/`, allowed)).resolves.toBe('reached');
  });

  it('refuses localhost through the real system resolver', async () => {
    const refused = agent({ connect: { lookup: createGuardedLookup({ allowPrivate: false }) } });
    await expect(get(`http://localhost:${port}/`, refused)).rejects.toMatchObject({ code: ERR_SSRF_FORBIDDEN_ADDRESS });
  });

  it('catches DNS rebinding: public at subscribe time, loopback at connect time', async () => {
    // The attacker's DNS answers a public address first, then 127.0.0.1 (the classic rebinding trick).
    const rebinding = fixedResolver([v4('93.184.216.34')], [v4('127.0.0.1')]);
    const opts = { allowPrivate: false, resolve: rebinding };

    // Asserting the first answer was consumed here also guarantees the request below never sees it.
    expect(await resolveAndCheck(`http://rebind.test:${port}/`, opts)).toMatchObject({ ok: true, addresses: ['93.184.216.34'] });

    const dispatcher = agent({ connect: { lookup: createGuardedLookup(opts) } });
    await expect(get(`http://rebind.test:${port}/`, dispatcher)).rejects.toMatchObject({
      code: ERR_SSRF_FORBIDDEN_ADDRESS,
      address: '127.0.0.1',
    });
  });

  it('a bare lookup does not see IP-literal hosts (net skips lookup) — which is why the connector exists', async () => {
    const lookupOnly = agent({ connect: { lookup: createGuardedLookup({ allowPrivate: false }) } });
    await expect(get(`http://127.0.0.1:${port}/`, lookupOnly)).resolves.toBe('reached');

    const guarded = agent({ connect: createGuardedConnector({ allowPrivate: false }) });
    await expect(get(`http://127.0.0.1:${port}/`, guarded)).rejects.toMatchObject({ code: ERR_SSRF_FORBIDDEN_ADDRESS });
    await expect(get(`http://[::1]:${port}/`, guarded)).rejects.toMatchObject({ code: ERR_SSRF_FORBIDDEN_ADDRESS });
    await expect(get(`http://[::ffff:127.0.0.1]:${port}/`, guarded)).rejects.toMatchObject({
      code: ERR_SSRF_FORBIDDEN_ADDRESS,
    });
  });

  it('the connector guards names too, and lets everything through with allowPrivate', async () => {
    const guarded = agent({ connect: createGuardedConnector({ allowPrivate: false, resolve: loopback }) });
    await expect(get(`http://receiver.test:${port}/`, guarded)).rejects.toMatchObject({ code: ERR_SSRF_FORBIDDEN_ADDRESS });

    const open = agent({ connect: createGuardedConnector({ allowPrivate: true, resolve: loopback, connect: { timeout: 5_000 } }) });
    await expect(get(`http://127.0.0.1:${port}/`, open)).resolves.toBe('reached');
    await expect(get(`http://receiver.test:${port}/`, open)).resolves.toBe('reached');
  });

  it('passes resolver errors through unchanged', async () => {
    const failing: Resolver = async (hostname) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    };
    const dispatcher = agent({ connect: createGuardedConnector({ allowPrivate: false, resolve: failing }) });
    await expect(get(`http://nowhere.test:${port}/`, dispatcher)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});
