// The Paragon-compatible Triggers API through real HTTP, on SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { startTestkitWorld, type TestkitWorld } from '../helpers/testkit-setup.js';

describe.each(DIALECTS)('Triggers API on %s', (dialect) => {
  let w: TestkitWorld;
  let base: string;
  beforeEach(async () => {
    w = await startTestkitWorld(dialect);
    base = `/projects/${w.project.id}`;
    w.provider.items.push(
      { id: 'old-1', folder: 'inbox', title: 'existing', priority: 1, createdAt: 1000 },
      { id: 'old-2', folder: 'inbox', title: 'existing', priority: 1, createdAt: 2000 },
      { id: 'old-3', folder: 'inbox', title: 'existing', priority: 1, createdAt: 3000 },
    );
  });
  afterEach(async () => {
    await w.close();
  });

  it('lists triggers of connected integrations by default, all with limit_to_available=false', async () => {
    const stranger = await w.project.userClient('user-without-accounts');
    expect((await stranger.get(`${base}/triggers`)).body).toEqual({ triggers: {} });
    const all = await stranger.get(`${base}/triggers?limit_to_available=false`);
    expect(Object.keys(all.body.triggers)).toEqual(['testkit']);
    const mine = await w.user.get(`${base}/triggers`);
    const poll = mine.body.triggers.testkit.find((t: { type: string }) => t.type === 'TESTKIT_TRIGGER_ITEM_CREATED');
    expect(poll).toMatchObject({
      type: 'TESTKIT_TRIGGER_ITEM_CREATED', triggerModel: 'POLLING', title: 'New item',
      parameters: [
        { id: 'folder', type: 'TEXT', title: 'Folder', label: 'Folder', required: true },
        { id: 'minPriority', type: 'NUMBER', title: 'Minimum priority', label: 'Minimum priority', required: false },
        { id: 'filter', type: 'CONDITIONAL', required: false },
      ],
    });
    expect(mine.body.triggers.testkit.find((t: { type: string }) => t.type === 'TESTKIT_TRIGGER_HOOK_EVENT').triggerModel).toBe('WEBHOOK');
    expect((await w.user.get(`${base}/triggers?integrations=slack`)).body).toEqual({ triggers: {} });
  });

  it('subscribes to a polling trigger: baseline at the provider, nothing emitted for existing items', async () => {
    const r = await w.user.post(`${base}/trigger-subscriptions`, { integration: 'testkit', type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'inbox' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      integration: 'testkit', type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'inbox' }, status: 'ACTIVE',
      dateLastReceivedEvent: null, credentialId: w.credentialId,
    });
    expect(Date.parse(r.body.dateCreated)).not.toBeNaN();
    expect(r.body.webhookOverride).toBeUndefined();
    // The provider was asked with the credential's token, page by page.
    const calls = w.provider.requests.filter((q) => q.path.startsWith('/items'));
    expect(calls.map((q) => q.auth)).toEqual(['Bearer valid-token', 'Bearer valid-token']);
    const events = await w.t.admin.get(`/admin/v1/projects/${w.project.id}/events`);
    expect(events.body.events).toEqual([]);
  });

  it('validates parameters against the trigger, naming the parameter, and stores nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [{}, 'parameters.folder: is required'],
      [{ folder: 42 }, 'parameters.folder: must be a string'],
      [{ folder: 'x', minPriority: 'high' }, 'parameters.minPriority: must be a number'],
      [{ folder: 'x', colour: 'red' }, 'parameters.colour: unknown parameter'],
      [{ folder: 'x', filter: { operator: 'AND', conditions: [{ field: 'title', operator: '$nope', value: 1 }] } }, 'parameters.filter'],
    ];
    for (const [parameters, message] of cases) {
      const r = await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters });
      expect(r.status, JSON.stringify(parameters)).toBe(400);
      expect(r.body.message).toContain(message);
      expect(r.body).toMatchObject({ code: 'INVALID_PARAMETER', status: 400 });
      expect(typeof r.body.meta.requestId).toBe('string');
    }
    const unknown = await w.user.post(`${base}/trigger-subscriptions`, { type: 'NOPE_TRIGGER', parameters: {} });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('type: unknown trigger type');
    const wrongIntegration = await w.user.post(`${base}/trigger-subscriptions`, { integration: 'slack', type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'a' } });
    expect(wrongIntegration.status).toBe(400);
    expect((await w.user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
  });

  it('needs a connected account, and X-Paragon-Credential picks one of the user\'s own', async () => {
    const stranger = await w.project.userClient('user-2');
    const none = await stranger.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'inbox' } });
    expect(none.status).toBe(422);
    expect(none.body.message).toContain('has not connected testkit');
    // Another user's credential id is not found, not used.
    const stolen = await stranger.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'inbox' } }, { 'x-paragon-credential': w.credentialId });
    expect(stolen.status).toBe(404);
    const second = await w.user.post(`${base}/credentials`, { integration: 'testkit', accessToken: 'valid-token', providerAccountId: 'acct_2' });
    const chosen = await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'inbox' } }, { 'x-paragon-credential': w.credentialId });
    expect(chosen.body.credentialId).toBe(w.credentialId);
    const latest = await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'inbox' } });
    expect(latest.body.credentialId).toBe(second.body.id);
  });

  it('lists, filters, gets, patches and deletes subscriptions, scoped to their user', async () => {
    const a = (await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'inbox', minPriority: 2 } })).body;
    const b = (await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_APP_EVENT', parameters: {} })).body;
    const list = await w.user.get(`${base}/trigger-subscriptions`);
    expect(list.body.triggers.testkit.map((s: { id: string }) => s.id)).toEqual([a.id, b.id]);
    expect((await w.user.get(`${base}/trigger-subscriptions?type=TESTKIT_TRIGGER_APP_EVENT`)).body.triggers.testkit.map((s: { id: string }) => s.id)).toEqual([b.id]);
    expect((await w.user.get(`${base}/trigger-subscriptions?status=ERRORED`)).body).toEqual({ triggers: {} });
    expect((await w.user.get(`${base}/trigger-subscriptions?integrations=slack`)).body).toEqual({ triggers: {} });
    expect((await w.user.get(`${base}/trigger-subscriptions/${a.id}`)).body.id).toBe(a.id);

    // Another user of the same project sees nothing of it.
    const other = await w.project.userClient('user-2');
    expect((await other.get(`${base}/trigger-subscriptions/${a.id}`)).status).toBe(404);
    expect((await other.patch(`${base}/trigger-subscriptions/${a.id}`, { parameters: { folder: 'x' } })).status).toBe(404);
    expect((await other.delete(`${base}/trigger-subscriptions/${a.id}`)).status).toBe(404);

    // PATCH: shallow merge, null deletes a key; webhookOverride replaces, null clears.
    const patched = await w.user.patch(`${base}/trigger-subscriptions/${a.id}`, {
      parameters: { minPriority: null, folder: 'inbox' },
      webhookOverride: { url: 'https://example.com/hook', headers: { 'x-tenant': 't1' }, metadata: { tags: ['a', 'b'] } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.parameters).toEqual({ folder: 'inbox' });
    expect(patched.body.webhookOverride).toEqual({ url: 'https://example.com/hook', headers: { 'x-tenant': 't1' }, metadata: { tags: ['a', 'b'] } });
    const replaced = await w.user.patch(`${base}/trigger-subscriptions/${a.id}`, { webhookOverride: { url: 'https://example.com/other' } });
    expect(replaced.body.webhookOverride).toEqual({ url: 'https://example.com/other' });
    const cleared = await w.user.patch(`${base}/trigger-subscriptions/${a.id}`, { webhookOverride: null });
    expect(cleared.body.webhookOverride).toBeUndefined();
    const badPatch = await w.user.patch(`${base}/trigger-subscriptions/${a.id}`, { parameters: { folder: null } });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.message).toContain('parameters.folder: is required');

    const del = await w.user.delete(`${base}/trigger-subscriptions/${a.id}`);
    expect(del.body).toEqual({ success: true });
    expect((await w.user.get(`${base}/trigger-subscriptions/${a.id}`)).status).toBe(404);
  });

  it('registers a provider webhook on subscribe and removes it on delete, warning when teardown fails', async () => {
    const r = await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_HOOK_EVENT', parameters: { folder: 'inbox' } });
    expect(r.status).toBe(200);
    const [hook] = [...w.provider.hooks.values()];
    expect(hook?.url).toBe(`${w.t.url}/hooks/s/${r.body.id}`);
    expect(hook?.secret).toMatch(/^[0-9a-f]{64}$/);
    expect((await w.user.delete(`${base}/trigger-subscriptions/${r.body.id}`)).body).toEqual({ success: true });
    expect(w.provider.hooks.size).toBe(0);

    const again = await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_HOOK_EVENT', parameters: { folder: 'inbox' } });
    w.provider.failNext(1, 500);
    const warned = await w.user.delete(`${base}/trigger-subscriptions/${again.body.id}`);
    expect(warned.body.success).toBe(true);
    expect(warned.body.warning).toContain('provider teardown failed');
  });

  it('reports a provider refusal at setup as 422 with the reason, and stores nothing', async () => {
    const r = await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_HOOK_EVENT', parameters: { folder: 'forbidden' } });
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('no access to this folder');
    w.provider.failNext(1, 429, { 'retry-after': '30' });
    const limited = await w.user.post(`${base}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_HOOK_EVENT', parameters: { folder: 'inbox' } });
    expect(limited.status).toBe(429);
    expect((await w.user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
  });

  it('returns example payloads', async () => {
    const r = await w.user.post(`${base}/triggers/examples`, { integration: 'testkit', type: 'TESTKIT_TRIGGER_ITEM_CREATED' });
    expect(r.body).toEqual([{ id: 'item_1', folder: 'inbox', title: 'Hello', priority: 1, createdAt: 1700000000000 }]);
    expect((await w.user.post(`${base}/triggers/examples`, { integration: 'testkit', type: 'NOPE' })).status).toBe(400);
  });

  it('answers bad input with a 4xx contract error and changes nothing', async () => {
    const path = `${base}/trigger-subscriptions`;
    const malformed = await w.user.call('POST', path, '{"type": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 'INVALID_JSON', status: 400 });
    const huge = await w.user.post(path, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.status).toBe(413);
    const longParam = await w.user.post(path, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'x'.repeat(20_000) } });
    expect(longParam.status).toBe(400);
    const wrongType = await w.user.post(path, { type: 42, parameters: [] });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toMatch(/^body\.type/);
    const unknownField = await w.user.post(path, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: 'x' }, owner: 'me' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.message).toContain('owner');
    const sqlish = await w.user.get(`${path}/${encodeURIComponent("1' OR '1'='1")}`);
    expect(sqlish.status).toBe(400);
    const notUuid = await w.user.delete(`${path}/not-a-uuid`);
    expect(notUuid.status).toBe(400);
    const missing = await w.user.get(`${path}/00000000-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    const badOverride = await w.user.post(path, { type: 'TESTKIT_TRIGGER_APP_EVENT', webhookOverride: { url: 'ftp://example.com/x' } });
    expect(badOverride.status).toBe(400);
    expect(badOverride.body.message).toContain('webhookOverride.url');
    const badHeaderName = await w.user.post(path, { type: 'TESTKIT_TRIGGER_APP_EVENT', webhookOverride: { url: 'https://example.com', headers: { 'bad header': 'x' } } });
    expect(badHeaderName.status).toBe(400);
    const injected = await w.user.post(path, { type: 'TESTKIT_TRIGGER_ITEM_CREATED', parameters: { folder: "'; DROP TABLE subscriptions; --" } });
    expect(injected.status).toBe(200);
    const list = await w.user.get(path);
    expect(list.body.triggers.testkit.map((s: { parameters: { folder: string } }) => s.parameters.folder)).toEqual(["'; DROP TABLE subscriptions; --"]);
  });
});
