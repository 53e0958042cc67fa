// Custom triggers through the admin API and the Triggers API, on SQLite and PostgreSQL: a polling trigger
// against the testkit fake provider (on the built-in integration and on a new bearer-token integration),
// a webhook trigger with provider setup/teardown and verified inbound events, strict validation, lifecycle.
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Poller } from '../../src/engine/poller.js';
import { customTriggersPlugin } from '../../src/http/admin/custom-triggers.js';
import { hooksPlugin } from '../../src/http/routes/hooks.js';
import { signRequest, type HmacScheme } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { startTestkitWorld, type TestkitWorld } from '../helpers/testkit-setup.js';

const POLL_TYPE = 'TESTKIT_TRIGGER_CUSTOM_NEW_ITEM';
const HOOK_TYPE = 'TESTKIT_TRIGGER_CUSTOM_FOLDER_EVENT';
const folderParam = { id: 'folder', title: 'Folder', type: 'TEXT', required: true };
const pollSource = {
  kind: 'poll', path: '/items', query: { folder: '{folder}' }, itemsPath: 'items', keyField: 'id', timestampField: 'createdAt', timestampFormat: 'unixMs',
  since: { param: 'since', format: 'unixMs' }, paging: { kind: 'cursor', param: 'page', cursorPath: 'nextPage' },
};
const hookScheme: HmacScheme = { kind: 'hmac', algorithm: 'sha256', header: 'x-testkit-signature', encoding: 'hex' };
const hookDefinition = {
  integration: 'testkit', title: 'Folder event (custom webhook)', description: 'A webhook the provider registers per subscription.',
  parameters: [folderParam], examplePayload: { id: 'evt_1', type: 'item.changed' },
  source: {
    kind: 'webhook', verification: hookScheme, secret: 'generated',
    setup: { method: 'POST', path: '/hooks', body: { url: '{hookUrl}', secret: '{secret}', folder: '{folder}' }, idPath: 'id' },
    teardown: { method: 'DELETE', path: '/hooks/{hookId}' },
    itemsPath: '', keyField: 'id', timestampField: 'occurredAt', deliveryIdHeader: 'x-testkit-delivery',
  },
};

describe.each(DIALECTS)('custom triggers on %s', (dialect) => {
  let w: TestkitWorld;
  let clock: TestClock;
  let base: string;
  let admin: string;
  beforeEach(async () => {
    clock = new TestClock();
    w = await startTestkitWorld(dialect, { plugins: [customTriggersPlugin(), hooksPlugin()], now: clock.now });
    base = `/projects/${w.project.id}`;
    admin = `/admin/v1/projects/${w.project.id}/custom-triggers`;
    w.provider.items.push(
      { id: 'old-1', folder: 'inbox', title: 'existing', priority: 1, createdAt: 1000 },
      { id: 'old-2', folder: 'inbox', title: 'existing', priority: 1, createdAt: 2000 },
      { id: 'old-3', folder: 'inbox', title: 'existing', priority: 1, createdAt: 3000 },
    );
  });
  afterEach(async () => {
    await w.close();
  });

  const events = async () => (await w.t.admin.get(`/admin/v1/projects/${w.project.id}/events`)).body.events as Array<{ triggerType: string; payload: { id: string } }>;

  it('defines a polling trigger on a built-in integration: listed, subscribed with a baseline, then polled', async () => {
    const put = await w.t.admin.put(`${admin}/${POLL_TYPE}`, {
      integration: 'testkit', title: 'New item (custom)', description: 'Polls /items.', parameters: [folderParam], examplePayload: { id: 'item_1' }, source: pollSource,
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ type: POLL_TYPE, integration: 'testkit', trigger: { type: POLL_TYPE, triggerModel: 'POLLING', title: 'New item (custom)' } });
    expect((await w.t.admin.get(admin)).body.customTriggers.map((t: { type: string }) => t.type)).toEqual([POLL_TYPE]);

    const listed = (await w.user.get(`${base}/triggers`)).body.triggers.testkit;
    expect(listed.map((t: { type: string }) => t.type)).toContain('TESTKIT_TRIGGER_ITEM_CREATED');
    expect(listed.find((t: { type: string }) => t.type === POLL_TYPE)).toEqual({
      type: POLL_TYPE, triggerModel: 'POLLING', title: 'New item (custom)', description: 'Polls /items.',
      parameters: [{ id: 'folder', type: 'TEXT', title: 'Folder', label: 'Folder', required: true }],
    });
    expect((await w.user.post(`${base}/triggers/examples`, { integration: 'testkit', type: POLL_TYPE })).body).toEqual([{ id: 'item_1' }]);

    // Subscribe: the baseline poll pages through the provider with the credential; nothing is emitted.
    const sub = await w.user.post(`${base}/trigger-subscriptions`, { integration: 'testkit', type: POLL_TYPE, parameters: { folder: 'inbox' } });
    expect(sub.status).toBe(200);
    expect(sub.body).toMatchObject({ type: POLL_TYPE, integration: 'testkit', status: 'ACTIVE', credentialId: w.credentialId });
    const baseline = w.provider.requests.filter((q) => q.path.startsWith('/items'));
    expect(baseline.map((q) => q.path)).toEqual(['/items?folder=inbox', '/items?folder=inbox&page=1']);
    expect(baseline.every((q) => q.auth === 'Bearer valid-token')).toBe(true);
    expect(await events()).toEqual([]);

    // New items appear; the poller asks from the newest timestamp seen and emits each new item once.
    w.provider.items.push({ id: 'new-1', folder: 'inbox', title: 'fresh', priority: 1, createdAt: 4000 }, { id: 'other', folder: 'archive', title: 'x', priority: 1, createdAt: 5000 });
    const poller = new Poller(w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p) });
    clock.advance(2 * 60_000 * 60);
    await poller.runDue();
    expect(w.provider.requests.at(-1)?.path).toBe('/items?folder=inbox&since=3000');
    expect((await events()).map((e) => [e.triggerType, e.payload.id])).toEqual([[POLL_TYPE, 'new-1']]);
    clock.advance(2 * 60_000 * 60);
    await poller.runDue();
    expect(await events()).toHaveLength(1);
  });

  it('defines a new integration with bearer-token auth: listed once connected, subscribed with its token', async () => {
    const def = {
      integration: 'acme', integrationName: 'Acme', auth: { kind: 'bearer' }, apiBaseUrl: w.provider.url,
      title: 'New Acme item', parameters: [folderParam], source: pollSource,
    };
    expect((await w.t.admin.put(`${admin}/ACME_TRIGGER_ITEM_CREATED`, def)).status).toBe(201);
    expect((await w.user.get(`${base}/triggers`)).body.triggers.acme).toBeUndefined();
    expect(Object.keys((await w.user.get(`${base}/triggers?limit_to_available=false`)).body.triggers).sort()).toEqual(['acme', 'testkit']);
    // A second trigger of the same integration must agree on auth and apiBaseUrl.
    const mismatch = await w.t.admin.put(`${admin}/ACME_TRIGGER_OTHER`, { ...def, apiBaseUrl: 'https://api.acme.example' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.message).toMatch(/^apiBaseUrl: differs from custom trigger ACME_TRIGGER_ITEM_CREATED/);

    const cred = await w.user.post(`${base}/credentials`, { integration: 'acme', apiKey: 'valid-token' });
    expect(cred.status).toBe(201);
    expect((await w.user.get(`${base}/triggers`)).body.triggers.acme.map((t: { type: string }) => t.type)).toEqual(['ACME_TRIGGER_ITEM_CREATED']);
    const sub = await w.user.post(`${base}/trigger-subscriptions`, { integration: 'acme', type: 'ACME_TRIGGER_ITEM_CREATED', parameters: { folder: 'inbox' } });
    expect(sub.status).toBe(200);
    expect(sub.body).toMatchObject({ integration: 'acme', credentialId: cred.body.id });
    expect(w.provider.requests.at(-1)).toMatchObject({ auth: 'Bearer valid-token' });
    // The integration is configurable like a built-in one (e.g. point it at another host).
    const cfg = await w.t.admin.put(`/admin/v1/projects/${w.project.id}/integrations/acme`, { enabled: true, apiBaseUrl: w.provider.url });
    expect(cfg.status).toBe(200);
  });

  it('defines a webhook trigger: setup registers the hook with a fresh secret, inbound events are verified, teardown removes it', async () => {
    const put = await w.t.admin.put(`${admin}/${HOOK_TYPE}`, hookDefinition);
    expect(put.status).toBe(201);
    expect(put.body.trigger.triggerModel).toBe('WEBHOOK');
    expect(put.body.inboundUrlTemplate).toBe(`${w.t.url}/hooks/s/{subscriptionId}`);
    const sub = await w.user.post(`${base}/trigger-subscriptions`, { type: HOOK_TYPE, parameters: { folder: 'inbox' } });
    expect(sub.status).toBe(200);
    const [hook] = [...w.provider.hooks.values()];
    expect(hook).toMatchObject({ url: `${w.t.url}/hooks/s/${sub.body.id}`, folder: 'inbox' });
    expect(hook!.secret).toMatch(/^[0-9a-f]{64}$/);
    const stored = await w.t.svc.storage.subscriptions.get(sub.body.id);
    expect(stored).toMatchObject({ secret: hook!.secret, state: { hookId: hook!.id, hookUrl: hook!.url } });

    const send = async (body: string, secret: string, delivery: string) => {
      const headers = signRequest(hookScheme, { method: 'POST', url: '/', headers: {}, rawBody: Buffer.from(body) }, { secret }, clock.now());
      const res = await request(hook!.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-testkit-delivery': delivery, ...headers }, body });
      await res.body.text();
      return res.statusCode;
    };
    const body = JSON.stringify({ id: 'evt_9', type: 'item.changed', occurredAt: '2026-01-01T00:00:00Z' });
    expect(await send(body, 'not-the-secret', 'd1')).toBe(401);
    expect(await events()).toEqual([]);
    expect(await send(body, hook!.secret, 'd1')).toBe(200);
    expect(await send(body, hook!.secret, 'd1')).toBe(200); // provider retry: no second event
    expect((await events()).map((e) => [e.triggerType, e.payload.id])).toEqual([[HOOK_TYPE, 'evt_9']]);

    expect((await w.user.delete(`${base}/trigger-subscriptions/${sub.body.id}`)).body).toEqual({ success: true });
    expect(w.provider.hooks.size).toBe(0);
  });

  it("verifies an integrationConfig webhook trigger with the integration's current webhookSecret: required to subscribe, rotation applies at once", async () => {
    const definition = { ...hookDefinition, source: { ...hookDefinition.source, secret: 'integrationConfig', setup: undefined, teardown: undefined } };
    expect((await w.t.admin.put(`${admin}/${HOOK_TYPE}`, definition)).status).toBe(201);
    const configure = (webhookSecret: string | null) => w.t.admin.put(`/admin/v1/projects/${w.project.id}/integrations/testkit`, { enabled: true, webhookSecret });
    expect((await configure(null)).status).toBe(200);
    const refused = await w.user.post(`${base}/trigger-subscriptions`, { type: HOOK_TYPE, parameters: { folder: 'inbox' } });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain("set webhookSecret in this project's testkit integration configuration");

    expect((await configure('first-secret')).status).toBe(200);
    const sub = await w.user.post(`${base}/trigger-subscriptions`, { type: HOOK_TYPE, parameters: { folder: 'inbox' } });
    expect(sub.status).toBe(200);
    const url = `${w.t.url}/hooks/s/${sub.body.id}`;
    const send = async (id: string, secret: string) => {
      const body = JSON.stringify({ id, type: 'item.changed', occurredAt: '2026-01-01T00:00:00Z' });
      const headers = signRequest(hookScheme, { method: 'POST', url: '/', headers: {}, rawBody: Buffer.from(body) }, { secret }, clock.now());
      const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      await res.body.text();
      return res.statusCode;
    };
    expect(await send('evt_1', 'first-secret')).toBe(200);
    expect((await configure('second-secret')).status).toBe(200);
    expect(await send('evt_2', 'first-secret')).toBe(401);
    expect(await send('evt_3', 'second-secret')).toBe(200);
    expect((await events()).map((e) => e.payload.id).sort()).toEqual(['evt_1', 'evt_3']);
  });

  it('validates definitions strictly, naming the field', async () => {
    const poll = { integration: 'testkit', title: 'T', parameters: [folderParam], source: pollSource };
    const cases: Array<[string, unknown, string]> = [
      ['TESTKIT_TRIGGER_X', { ...poll, title: undefined }, 'title: Required'],
      ['TESTKIT_TRIGGER_X', { ...poll, source: { ...pollSource, kind: 'stream' } }, 'source.kind: Invalid discriminator value'],
      ['TESTKIT_TRIGGER_X', { ...poll, source: { ...pollSource, path: '/items/{nope}' } }, 'source.path: unknown placeholder {nope}'],
      ['TESTKIT_TRIGGER_X', { ...poll, source: { ...pollSource, path: 'https://evil.example/items' } }, 'source.path: must be a path starting with /'],
      ['TESTKIT_TRIGGER_X', { ...poll, parameters: [{ ...folderParam, required: false }], source: { ...pollSource, path: '/f/{folder}' } }, 'source.path: {folder} is in the path'],
      ['TESTKIT_TRIGGER_X', { ...poll, source: { ...pollSource, keyField: '' } }, 'source.keyField'],
      ['TESTKIT_TRIGGER_X', { ...poll, source: { ...pollSource, surprise: 1 } }, "source: Unrecognized key(s) in object: 'surprise'"],
      ['TESTKIT_TRIGGER_X', { ...poll, auth: { kind: 'bearer' } }, 'auth: testkit is a built-in integration'],
      ['TESTKIT_TRIGGER_X', { ...poll, parameters: [{ id: 'secret', title: 'S', type: 'TEXT' }] }, 'parameters[0].id: is reserved'],
      ['TESTKIT_TRIGGER_X', { ...poll, parameters: [{ id: 'kind', title: 'Kind', type: 'ENUM' }] }, 'parameters[0].options: an ENUM parameter needs options'],
      ['TESTKIT_TRIGGER_X', { ...poll, parameters: [folderParam, folderParam] }, 'parameters[1].id: duplicate parameter folder'],
      ['ACME_TRIGGER_X', { ...poll, integration: 'acme' }, 'auth: acme is not a built-in integration'],
      ['ACME_TRIGGER_X', { ...poll, integration: 'acme', auth: { kind: 'apiKey', header: 'x-api-key' } }, 'apiBaseUrl: acme is not a built-in integration'],
      ['ACME_TRIGGER_X', { ...poll, integration: 'acme', auth: { kind: 'apiKey', header: 'x-api-key' }, apiBaseUrl: 'ftp://x' }, 'apiBaseUrl: must be an http(s) URL'],
      ['TESTKIT_TRIGGER_X', { ...hookDefinition, source: { ...hookDefinition.source, verification: { kind: 'none', reason: 'trust me' } } }, 'source.verification.kind: custom webhook triggers must verify'],
      ['TESTKIT_TRIGGER_X', { ...hookDefinition, source: { ...hookDefinition.source, verification: { ...hookScheme, toleranceSeconds: 300 } } }, 'source.verification: toleranceSeconds needs a timestamp source'],
      ['TESTKIT_TRIGGER_X', { ...hookDefinition, source: { ...hookDefinition.source, setup: undefined, teardown: undefined } }, 'source.secret: "generated" needs a setup request'],
      ['TESTKIT_TRIGGER_X', { ...hookDefinition, source: { ...hookDefinition.source, secret: 'setupResponse' } }, 'source.setup.secretPath: is required'],
      ['TESTKIT_TRIGGER_X', { ...hookDefinition, source: { ...hookDefinition.source, teardown: { method: 'DELETE', path: '/hooks/{hookUrl}/{hookId}', body: { x: '{token}' } } } }, 'source.teardown.body: unknown placeholder {token}'],
      ['lower_case', poll, 'params.type'],
    ];
    for (const [type, body, message] of cases) {
      const r = await w.t.admin.put(`${admin}/${type}`, body);
      expect(r.status, message).toBe(400);
      expect(r.body.message, message).toContain(message);
      expect(r.body.code).toBe('VALIDATION_FAILED');
    }
    const builtin = await w.t.admin.put(`${admin}/TESTKIT_TRIGGER_ITEM_CREATED`, poll);
    expect(builtin.status).toBe(409);
    expect(builtin.body.message).toContain('built-in trigger');
    expect((await w.t.admin.withToken('nope').put(`${admin}/TESTKIT_TRIGGER_X`, poll)).status).toBe(401);
    expect((await w.t.admin.get(admin)).body.customTriggers).toEqual([]);
  });

  it('protects triggers in use: no delete or kind change while subscribed; deleting removes it from the catalog', async () => {
    const def = { integration: 'testkit', title: 'T', parameters: [folderParam], source: pollSource };
    expect((await w.t.admin.put(`${admin}/${POLL_TYPE}`, def)).status).toBe(201);
    const sub = await w.user.post(`${base}/trigger-subscriptions`, { type: POLL_TYPE, parameters: { folder: 'inbox' } });
    expect(sub.status).toBe(200);
    const busy = await w.t.admin.delete(`${admin}/${POLL_TYPE}`);
    expect(busy.status).toBe(409);
    expect(busy.body.message).toContain('1 subscription(s)');
    expect((await w.t.admin.put(`${admin}/${POLL_TYPE}`, hookDefinition)).status).toBe(409);
    // A compatible change is applied at once (title), and replaces with 200.
    const renamed = await w.t.admin.put(`${admin}/${POLL_TYPE}`, { ...def, title: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect((await w.user.get(`${base}/triggers`)).body.triggers.testkit.find((t: { type: string }) => t.type === POLL_TYPE).title).toBe('Renamed');

    await w.user.delete(`${base}/trigger-subscriptions/${sub.body.id}`);
    expect((await w.t.admin.delete(`${admin}/${POLL_TYPE}`)).body).toEqual({ success: true });
    expect((await w.t.admin.get(`${admin}/${POLL_TYPE}`)).status).toBe(404);
    expect((await w.t.admin.delete(`${admin}/${POLL_TYPE}`)).status).toBe(404);
    expect((await w.user.get(`${base}/triggers`)).body.triggers.testkit.map((t: { type: string }) => t.type)).not.toContain(POLL_TYPE);
    const gone = await w.user.post(`${base}/trigger-subscriptions`, { type: POLL_TYPE, parameters: { folder: 'inbox' } });
    expect(gone.status).toBe(400);
    expect(gone.body.message).toContain('unknown trigger type');
  });
});
