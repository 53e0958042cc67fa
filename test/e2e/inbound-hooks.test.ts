// Inbound provider webhooks through real HTTP: verification on raw bytes, handshakes, dedupe of provider
// retries, routing of app-level events by provider account — on SQLite and PostgreSQL.
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOOK_BODY_LIMIT } from '../../src/http/routes/hooks.js';
import { defaultPlugins } from '../../src/roles.js';
import { signRequest } from '../../src/sdk/index.js';
import { DIALECTS } from '../helpers/databases.js';
import { startTestkitWorld, type TestkitWorld } from '../helpers/testkit-setup.js';
import { testkitAppScheme, testkitHookScheme } from '../helpers/testkit-integration.js';

async function post(url: string, body: string | Buffer, headers: Record<string, string>) {
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.body.text();
  return { status: res.statusCode, text, headers: res.headers };
}

describe.each(DIALECTS)('inbound hooks on %s', (dialect) => {
  let w: TestkitWorld;
  let base: string;
  const events = async () => (await w.t.admin.get(`/admin/v1/projects/${w.project.id}/events?limit=100`)).body.events as Array<{ payload: any; triggerSubscriptionId: string }>;

  beforeEach(async () => {
    w = await startTestkitWorld(dialect, { plugins: defaultPlugins() });
    base = `/projects/${w.project.id}`;
  });
  afterEach(async () => {
    await w.close();
  });

  describe('per-subscription webhooks', () => {
    let subId: string;
    let hookUrl: string;
    let secret: string;
    const signed = (body: string, extra: Record<string, string> = {}) => ({
      ...signRequest(testkitHookScheme, { method: 'POST', url: '/', headers: {}, rawBody: Buffer.from(body) }, { secret }, Date.now()),
      ...extra,
    });
    beforeEach(async () => {
      const r = await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_HOOK_EVENT', parameters: { folder: 'inbox' } });
      subId = r.body.id;
      const hook = [...w.provider.hooks.values()][0]!;
      hookUrl = hook.url;
      secret = hook.secret;
    });

    it('stores a verified event once, however often the provider retries it', async () => {
      const body = JSON.stringify({ id: 'evt_1', type: 'item.changed', data: { id: 'item_9' } });
      const first = await post(hookUrl, body, signed(body, { 'x-testkit-delivery': 'd-1' }));
      expect(first.status).toBe(200);
      const retry = await post(hookUrl, body, signed(body, { 'x-testkit-delivery': 'd-1' }));
      expect(retry.status).toBe(200);
      const list = await events();
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ triggerSubscriptionId: subId, payload: { id: 'evt_1', type: 'item.changed' } });
      const sub = await w.user.get(`${base}/trigger-subscriptions/${subId}`);
      expect(sub.body.dateLastReceivedEvent).not.toBeNull();
    });

    it('refuses a bad signature, a tampered body and a missing signature with 401, storing nothing', async () => {
      const body = JSON.stringify({ id: 'evt_2' });
      expect((await post(hookUrl, body, { 'x-testkit-signature': '00'.repeat(32) })).status).toBe(401);
      expect((await post(hookUrl, JSON.stringify({ id: 'evt_3' }), signed(body))).status).toBe(401);
      expect((await post(hookUrl, body, {})).status).toBe(401);
      expect(await events()).toEqual([]);
    });

    it('answers a malformed event with a 4xx and stores nothing, and refuses oversized bodies', async () => {
      const body = JSON.stringify({ nothing: 'here' });
      const r = await post(hookUrl, body, signed(body));
      expect(r.status).toBe(422);
      const huge = Buffer.alloc(HOOK_BODY_LIMIT + 10, 'a');
      expect((await post(hookUrl, huge, { 'x-testkit-signature': 'x' })).status).toBe(413);
      expect(await events()).toEqual([]);
    });

    it('answers alike whether node:http serves the hook directly or Fastify does (a chunked body)', async () => {
      const body = JSON.stringify({ id: 'evt_same', type: 'item.changed', data: { id: 'item_1' } });
      const headers = { 'content-type': 'application/json', ...signed(body, { 'x-testkit-delivery': 'd-same' }) };
      const direct = await post(hookUrl, body, headers);
      const chunked = await request(hookUrl, { method: 'POST', body: Readable.from([Buffer.from(body)]), headers });
      const viaFastify = { status: chunked.statusCode, text: await chunked.body.text(), headers: chunked.headers };
      for (const r of [direct, viaFastify]) {
        expect(r.status).toBe(200);
        expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect(JSON.parse(direct.text)).toEqual({ ok: true, events: 1 });
      expect(JSON.parse(viaFastify.text)).toEqual({ ok: true, events: 0 }); // the same delivery again: deduped
      expect(await events()).toHaveLength(1);
    });

    it('answers 404 for an unknown subscription and 400 for a malformed id', async () => {
      expect((await post(`${w.t.url}/hooks/s/00000000-0000-4000-8000-000000000000`, '{}', {})).status).toBe(404);
      expect((await post(`${w.t.url}/hooks/s/nope`, '{}', {})).status).toBe(400);
    });
  });

  describe('app-level webhooks', () => {
    let appUrl: string;
    const sign = (body: string, now = Date.now()) =>
      signRequest(testkitAppScheme, { method: 'POST', url: '/', headers: {}, rawBody: Buffer.from(body) }, { secret: 'app-secret-1' }, now);

    beforeEach(async () => {
      const cfg = await w.t.admin.get(`/admin/v1/projects/${w.project.id}/integrations/testkit`);
      appUrl = cfg.body.webhookUrl;
      expect(appUrl).toBe(`${w.t.url}/hooks/app/${w.project.id}/testkit`);
    });

    it('answers the signed url_verification challenge', async () => {
      const body = JSON.stringify({ type: 'url_verification', challenge: 'ch-123' });
      const r = await post(appUrl, body, sign(body));
      expect(r.status).toBe(200);
      expect(JSON.parse(r.text)).toEqual({ challenge: 'ch-123' });
      expect((await post(appUrl, body, {})).status).toBe(401);
    });

    it('routes an event to the subscriptions of every credential of that account, filtered by parameters', async () => {
      const all = (await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_APP_EVENT', parameters: {} })).body.id;
      const onlyOther = (await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_APP_EVENT', parameters: { eventType: 'other' } })).body.id;
      const user2 = await w.project.userClient('user-2');
      await user2.post(`${base}/credentials`, { integration: 'testkit', accessToken: 'valid-token', providerAccountId: 'acct_1' });
      const theirs = (await user2.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_APP_EVENT', parameters: {} })).body.id;
      const user3 = await w.project.userClient('user-3');
      await user3.post(`${base}/credentials`, { integration: 'testkit', accessToken: 'valid-token', providerAccountId: 'acct_OTHER' });
      await user3.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_APP_EVENT', parameters: {} });

      const body = JSON.stringify({ account: 'acct_1', id: 'app-evt-1', type: 'thing.happened', data: { n: 1 } });
      expect((await post(appUrl, body, sign(body))).status).toBe(200);
      expect((await post(appUrl, body, sign(body))).status).toBe(200); // provider retry
      const got = await events();
      expect(got.map((e) => e.triggerSubscriptionId).sort()).toEqual([all, theirs].sort());
      expect(got.map((e) => e.triggerSubscriptionId)).not.toContain(onlyOther);
      expect(got[0]?.payload).toEqual(JSON.parse(body));
    });

    it('refuses stale timestamps and bad signatures with 401', async () => {
      await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_APP_EVENT', parameters: {} });
      const body = JSON.stringify({ account: 'acct_1', id: 'app-evt-2', type: 't' });
      expect((await post(appUrl, body, sign(body, Date.now() - 10 * 60_000))).status).toBe(401);
      expect((await post(appUrl, body, { ...sign(body), 'x-testkit-app-signature': 'v1=' + '0'.repeat(64) })).status).toBe(401);
      expect(await events()).toEqual([]);
    });

    it('answers 404 where the integration is not configured or has no app webhook', async () => {
      expect((await post(`${w.t.url}/hooks/app/${w.project.id}/slack`, '{}', {})).status).toBe(404);
      expect((await post(`${w.t.url}/hooks/app/00000000-0000-4000-8000-000000000000/testkit`, '{}', {})).status).toBe(404);
    });
  });
});
