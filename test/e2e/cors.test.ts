// Cross-origin calls to the user API (src/http/cors.ts): the project's CORS origins through real HTTP on
// both databases, then the same through Chromium, which is what actually enforces CORS.
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventsPullPlugin } from '../../src/http/routes/events-pull.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestProject, type TestProject } from '../helpers/project.js';
import { startTestService, type TestService } from '../helpers/service.js';

const APP = 'https://app.example.com';

describe.each(DIALECTS)('CORS on the user API (%s)', (dialect) => {
  let t: TestService;
  let project: TestProject;
  let base: string;
  beforeEach(async () => {
    t = await startTestService({ dialect });
    project = await createTestProject(t.admin);
    base = `/projects/${project.id}`;
  });
  afterEach(async () => {
    await t.stop();
  });

  const preflight = (origin: string, path = `${base}/trigger-subscriptions`) =>
    t.admin.withToken('').call('OPTIONS', path, undefined, {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    });

  it('admits no origin until the project lists it, and then only those', async () => {
    const user = await project.userClient('alice');
    const before = await user.get(`${base}/triggers?limit_to_available=false`, { origin: APP });
    expect(before.status).toBe(200);
    expect(before.headers['access-control-allow-origin']).toBeUndefined();
    expect(before.headers.vary).toMatch(/Origin/);
    expect((await preflight(APP)).status).toBe(403);

    const put = await t.admin.put(`/admin/v1/projects/${project.id}/cors-origins`, { origins: [APP, 'http://localhost:3000/'] });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ origins: [APP, 'http://localhost:3000'] });
    expect((await t.admin.get(`/admin/v1/projects/${project.id}/cors-origins`)).body).toEqual({ origins: [APP, 'http://localhost:3000'] });

    const ok = await preflight(APP);
    expect(ok.status).toBe(204);
    expect(ok.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'GET, POST, PATCH, DELETE',
      'access-control-allow-headers': 'authorization, content-type, last-event-id',
      'access-control-max-age': '7200',
    });
    // Bearer tokens, never cookies: credentials are never admitted.
    expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
    const get = await user.get(`${base}/triggers?limit_to_available=false`, { origin: APP });
    expect(get.status).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe(APP);
    expect(get.headers['access-control-expose-headers']).toBe('x-request-id, retry-after');

    // Another origin, or the same host on another scheme or port, is still refused.
    for (const other of ['https://evil.example.com', 'http://app.example.com', 'https://app.example.com:8443']) {
      expect((await preflight(other)).status).toBe(403);
      expect((await user.get(`${base}/triggers`, { origin: other })).headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('lets the page read the API\'s errors, a 401 included, but never opens the admin API', async () => {
    await t.admin.put(`/admin/v1/projects/${project.id}/cors-origins`, { origins: [APP] });
    const noToken = await t.admin.withToken('').get(`${base}/triggers`, { origin: APP });
    expect(noToken.status).toBe(401);
    expect(noToken.headers['access-control-allow-origin']).toBe(APP);
    const user = await project.userClient('alice');
    const bad = await user.post(`${base}/trigger-subscriptions`, { type: 'NO_SUCH_TRIGGER', parameters: {} }, { origin: APP });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.headers['access-control-allow-origin']).toBe(APP);

    const admin = await t.admin.get(`/admin/v1/projects/${project.id}`, { origin: APP });
    expect(admin.status).toBe(200);
    expect(admin.headers['access-control-allow-origin']).toBeUndefined();
    expect((await t.admin.call('OPTIONS', `/admin/v1/projects/${project.id}`, undefined, { origin: APP, 'access-control-request-method': 'GET' })).headers['access-control-allow-origin']).toBeUndefined();
    // Another project's list admits nothing here.
    const other = await createTestProject(t.admin);
    expect((await preflight(APP, `/projects/${other.id}/triggers`)).status).toBe(403);
  });

  it('admits any origin with ["*"], which must stand alone; bad entries change nothing', async () => {
    const path = `/admin/v1/projects/${project.id}/cors-origins`;
    await t.admin.put(path, { origins: [APP] });
    for (const [origins, parameter] of [
      [['*', APP], 'origins[0]'],
      [[APP, 'https://x.example.com/path'], 'origins[1]'],
      [['ftp://files.example.com'], 'origins[0]'],
      [['not a url'], 'origins[0]'],
    ] as const) {
      const r = await t.admin.put(path, { origins });
      expect(r.status).toBe(400);
      expect(r.body.message).toContain(parameter);
    }
    expect((await t.admin.put(path, { origin: [APP] })).status).toBe(400);
    expect((await t.admin.get(path)).body).toEqual({ origins: [APP] });

    expect((await t.admin.put(path, { origins: ['*'] })).body).toEqual({ origins: ['*'] });
    const anywhere = await preflight('https://anything.example.org');
    expect(anywhere.status).toBe(204);
    expect(anywhere.headers['access-control-allow-origin']).toBe('https://anything.example.org');
    expect((await t.admin.put(path, { origins: [] })).body).toEqual({ origins: [] });
    expect((await preflight(APP)).status).toBe(403);
  });

  it('forgets the list with the project', async () => {
    await t.admin.put(`/admin/v1/projects/${project.id}/cors-origins`, { origins: [APP] });
    expect(await t.svc.storage.meta.get(`cors_origins:${project.id}`)).not.toBeNull();
    expect((await t.admin.delete(`/admin/v1/projects/${project.id}`)).status).toBe(200);
    expect(await t.svc.storage.meta.get(`cors_origins:${project.id}`)).toBeNull();
    expect((await t.admin.get(`/admin/v1/projects/${project.id}/cors-origins`)).status).toBe(404);
  });

  it('answers a plain OPTIONS request with what the API accepts, and an unknown project admits nothing', async () => {
    const plain = await t.admin.withToken('').call('OPTIONS', `${base}/triggers`);
    expect(plain.status).toBe(204);
    expect(plain.headers.allow).toBe('GET, POST, PATCH, DELETE, OPTIONS');
    expect((await preflight(APP, '/projects/00000000-0000-4000-8000-000000000000/triggers')).status).toBe(403);
    expect((await preflight(APP, '/projects/not-a-uuid/triggers')).status).toBe(403);
  });
});

// What matters in the end: a page on another origin calling the API with a user token, in a real browser.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`skipping the CORS browser test: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.skipIf(!HAVE_CHROMIUM)('CORS in Chromium (SQLite)', { timeout: 60_000 }, () => {
  let t: TestService;
  let project: TestProject;
  let browser: Browser;
  let page: Server;
  let pageOrigin: string;
  beforeAll(async () => {
    t = await startTestService({ dialect: 'sqlite', plugins: [eventsPullPlugin()] });
    project = await createTestProject(t.admin);
    // The SaaS front end: a page on another origin (another port of 127.0.0.1 is another origin).
    page = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>'));
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => page?.close(r));
    await t?.stop();
  });

  it('lists triggers and reads the event stream from another origin once admitted', async () => {
    const token = await project.tokenFor('alice');
    const tab = await browser.newPage();
    await tab.goto(pageOrigin);
    const call = (what: 'list' | 'stream') =>
      tab.evaluate(async ({ api, token, what }) => {
        const headers = { authorization: `Bearer ${token}` };
        try {
          if (what === 'list') {
            const r = await fetch(`${api}/triggers?limit_to_available=false`, { headers });
            return { status: r.status, requestId: r.headers.get('x-request-id'), body: await r.json() };
          }
          // Server-sent events through fetch (EventSource cannot send a token): the first chunk is enough.
          const r = await fetch(`${api}/events/stream`, { headers });
          const reader = r.body!.getReader();
          const first = await reader.read();
          await reader.cancel();
          return { status: r.status, requestId: r.headers.get('x-request-id'), body: new TextDecoder().decode(first.value) };
        } catch (e) {
          return { error: String(e) };
        }
      }, { api: `${t.url}/projects/${project.id}`, token, what });

    // Not admitted: the browser refuses the response (the preflight for the Authorization header fails).
    expect(await call('list')).toMatchObject({ error: expect.stringMatching(/Failed to fetch/) });

    await t.admin.put(`/admin/v1/projects/${project.id}/cors-origins`, { origins: [pageOrigin] });
    const list = await call('list');
    expect(list).toMatchObject({ status: 200, requestId: expect.any(String), body: { triggers: expect.any(Object) } });
    expect(await call('stream')).toMatchObject({ status: 200, body: expect.stringContaining('retry: 3000') });
  });
});
