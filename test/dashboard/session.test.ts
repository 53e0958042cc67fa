// The dashboard's sessions through plain HTTP: cookie flags, CSRF and Origin checks on every state change,
// sign-out revocation, expiry, and that the page itself carries no secret.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardPlugin } from '../../src/dashboard/plugin.js';
import { ADMIN_TOKEN_HASH_KEY } from '../../src/http/auth.js';
import { sha256Hex } from '../../src/secrets/tokens.js';
import { startTestkitWorld, type TestkitWorld } from '../helpers/testkit-setup.js';
import { startTestService, TEST_ADMIN_TOKEN, type TestService } from '../helpers/service.js';

function setCookies(headers: Record<string, string | string[] | undefined>): string[] {
  const v = headers['set-cookie'];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** name=value pairs of Set-Cookie headers, as a browser would send them back. */
function cookieHeader(cookies: string[]): string {
  return cookies.map((c) => c.split(';')[0]).join('; ');
}

describe('dashboard sessions (SQLite)', () => {
  let w: TestkitWorld;
  let origin: string;
  let cookie: string;
  let csrf: string;

  beforeAll(async () => {
    w = await startTestkitWorld('sqlite', { plugins: [dashboardPlugin()] });
    origin = w.t.url;
  });
  afterAll(async () => w.close());

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => w.t.admin.withToken('').call(method, path, body, headers);

  it('serves the page without any secret, with a strict content security policy', async () => {
    const page = await call('GET', '/dashboard');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.text).not.toMatch(/whsec_|ot_admin_|test-admin-token/);
    expect(page.text).not.toMatch(/<script>(?!<\/script>)/); // no inline script
    const js = /src="(\/dashboard\/assets\/app\.js\?v=[0-9a-f]+)"/.exec(page.text)?.[1];
    const css = /href="(\/dashboard\/assets\/app\.css\?v=[0-9a-f]+)"/.exec(page.text)?.[1];
    expect(js).toBeDefined();
    const bundle = await call('GET', js!);
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(bundle.headers['cache-control']).toContain('immutable');
    expect(bundle.text.length).toBeGreaterThan(10_000);
    expect((await call('GET', css!)).headers['content-type']).toMatch(/text\/css/);
    // Client-side routes get the same page; unknown API paths are JSON 404s.
    expect((await call('GET', '/dashboard/projects/x/logs')).status).toBe(200);
    expect((await call('GET', '/dashboard/api/nope')).status).toBe(404);
  });

  it('refuses a wrong token, a missing Origin and a foreign Origin at sign-in', async () => {
    expect((await call('GET', '/dashboard/api/session')).body).toEqual({ authenticated: false });
    const wrong = await call('POST', '/dashboard/api/session', { token: 'nope' }, { origin });
    expect(wrong.status).toBe(401);
    expect(setCookies(wrong.headers)).toEqual([]);
    expect((await call('POST', '/dashboard/api/session', { token: TEST_ADMIN_TOKEN })).status).toBe(403);
    expect((await call('POST', '/dashboard/api/session', { token: TEST_ADMIN_TOKEN }, { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('signs in with an HttpOnly, SameSite=Strict session cookie (not Secure over http) and a readable CSRF cookie', async () => {
    const r = await call('POST', '/dashboard/api/session', { token: TEST_ADMIN_TOKEN }, { origin });
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    const cookies = setCookies(r.headers);
    const session = cookies.find((c) => c.startsWith('ot_session='))!;
    const csrfCookie = cookies.find((c) => c.startsWith('ot_csrf='))!;
    expect(session).toMatch(/^ot_session=[A-Za-z0-9_-]{43}; /);
    expect(session).toContain('HttpOnly');
    expect(session).toContain('SameSite=Strict');
    expect(session).toContain('Path=/');
    expect(session).toContain('Max-Age=43200');
    expect(session).not.toContain('Secure');
    expect(csrfCookie).toContain('SameSite=Strict');
    expect(csrfCookie).not.toContain('HttpOnly');
    csrf = r.body.csrfToken;
    expect(csrfCookie.split(';')[0]).toBe(`ot_csrf=${csrf}`);
    expect(r.text).not.toContain(session.split(';')[0]!.split('=')[1]);
    cookie = cookieHeader(cookies);
    const s = await call('GET', '/dashboard/api/session', undefined, { cookie });
    expect(s.body).toMatchObject({ authenticated: true, csrfToken: csrf, publicUrl: w.t.url });
  });

  it('accepts the cookie on admin reads, and on changes only with the CSRF token from our own origin', async () => {
    expect((await call('GET', '/admin/v1/projects', undefined, { cookie })).status).toBe(200);
    const create = (headers: Record<string, string>) => call('POST', '/admin/v1/projects', { name: 'from the dashboard' }, { cookie, ...headers });
    const noToken = await create({ origin });
    expect(noToken.status).toBe(403);
    expect(noToken.body.code).toBe('FORBIDDEN');
    expect(noToken.body.message).toMatch(/CSRF/);
    expect((await create({ origin, 'x-csrf-token': 'forged' })).status).toBe(403);
    expect((await create({ origin: 'https://evil.example', 'x-csrf-token': csrf })).status).toBe(403);
    expect((await create({ 'x-csrf-token': csrf })).status).toBe(403); // neither Origin nor Referer
    expect((await create({ referer: `${origin}/dashboard/projects`, 'x-csrf-token': csrf })).status).toBe(201);
    expect((await create({ origin, 'x-csrf-token': csrf })).status).toBe(201);
    for (const [method, path, body] of [
      ['PATCH', `/admin/v1/projects/${w.project.id}`, { name: 'x' }],
      ['DELETE', `/admin/v1/projects/${w.project.id}`, undefined],
      ['POST', `/admin/v1/projects/${w.project.id}/signing-secret/rotate`, {}],
    ] as const) {
      expect((await call(method, path, body, { cookie, origin })).status, `${method} ${path}`).toBe(403);
    }
    // Without a session the cookie-less bearer token still works and needs no CSRF token.
    expect((await w.t.admin.post('/admin/v1/projects', { name: 'api client' })).status).toBe(201);
    // A garbage cookie is not a session.
    expect((await call('GET', '/admin/v1/projects', undefined, { cookie: 'ot_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(401);
  });

  it('serves the admin catalog the dashboard needs', async () => {
    const r = await call('GET', `/admin/v1/projects/${w.project.id}/catalog`, undefined, { cookie });
    expect(r.status).toBe(200);
    const testkit = r.body.integrations.find((i: any) => i.key === 'testkit');
    expect(testkit.triggers.map((t: any) => t.type)).toContain('TESTKIT_TRIGGER_ITEM_CREATED');
    expect(testkit.triggers[0]).toMatchObject({ triggerModel: 'POLLING', source: 'poll', examplePayload: { id: 'item_1' } });
    expect(r.body.conditionOperators).toContain('$stringExactlyMatches');
  });

  it('signs out: the session is revoked server-side and the cookies cleared', async () => {
    expect((await call('DELETE', '/dashboard/api/session', undefined, { cookie, origin })).status).toBe(403); // no CSRF token
    const out = await call('DELETE', '/dashboard/api/session', undefined, { cookie, origin, 'x-csrf-token': csrf });
    expect(out.status).toBe(200);
    expect(setCookies(out.headers).every((c) => c.includes('Max-Age=0'))).toBe(true);
    // Replaying the old cookie does not work any more.
    expect((await call('GET', '/admin/v1/projects', undefined, { cookie })).status).toBe(401);
    expect((await call('GET', '/dashboard/api/session', undefined, { cookie })).body).toEqual({ authenticated: false });
  });

  it('ends every session when the admin token changes', async () => {
    const r = await call('POST', '/dashboard/api/session', { token: TEST_ADMIN_TOKEN }, { origin });
    const c = cookieHeader(setCookies(r.headers));
    expect((await call('GET', '/admin/v1/projects', undefined, { cookie: c })).status).toBe(200);
    await w.t.svc.storage.meta.set(ADMIN_TOKEN_HASH_KEY, sha256Hex('a-new-admin-token'));
    expect((await call('GET', '/dashboard/api/session', undefined, { cookie: c })).body).toEqual({ authenticated: false });
    await w.t.svc.storage.meta.set(ADMIN_TOKEN_HASH_KEY, sha256Hex(TEST_ADMIN_TOKEN));
  });
});

describe('dashboard sessions behind https', () => {
  let t: TestService;
  let clock = Date.now();
  const origin = 'https://triggers.example.test';

  beforeAll(async () => {
    t = await startTestService({ dialect: 'sqlite', plugins: [dashboardPlugin()], env: { OPENTRIGGERS_PUBLIC_URL: origin }, now: () => clock });
  });
  afterAll(async () => t.stop());

  it('uses Secure __Host- cookies, and the session expires after 12 hours', async () => {
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => t.admin.withToken('').call(method, path, body, headers);
    const r = await call('POST', '/dashboard/api/session', { token: TEST_ADMIN_TOKEN }, { origin });
    expect(r.status).toBe(200);
    const cookies = setCookies(r.headers);
    expect(cookies.find((c) => c.startsWith('__Host-ot_session='))).toMatch(/; Secure/);
    expect(cookies.find((c) => c.startsWith('__Host-ot_csrf='))).toMatch(/; Secure/);
    const cookie = cookieHeader(cookies);
    expect((await call('GET', '/admin/v1/projects', undefined, { cookie })).status).toBe(200);
    clock += 12 * 60 * 60 * 1000 + 1000;
    const expired = await call('GET', '/admin/v1/projects', undefined, { cookie });
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired|signed out/);
  });
});
