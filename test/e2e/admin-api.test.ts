// The admin API of SPEC §6 through real HTTP, on SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { startTestkitWorld, type TestkitWorld } from '../helpers/testkit-setup.js';

describe.each(DIALECTS)('admin API on %s', (dialect) => {
  let w: TestkitWorld;
  let admin: TestkitWorld['t']['admin'];
  let p: string;
  beforeEach(async () => {
    w = await startTestkitWorld(dialect);
    admin = w.t.admin;
    p = `/admin/v1/projects/${w.project.id}`;
  });
  afterEach(async () => {
    await w.close();
  });

  it('creates, lists, reads, renames and deletes projects; the secret appears only where asked for', async () => {
    const created = await admin.post('/admin/v1/projects', { name: 'Second', webhookUrl: 'https://93.184.215.14/hook' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Second', webhookUrl: 'https://93.184.215.14/hook' });
    expect(created.body.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(created.body.signingSecret.slice(6), 'base64')).toHaveLength(32);
    const id = created.body.id;
    const list = await admin.get('/admin/v1/projects');
    expect(list.body.projects.map((x: { id: string }) => x.id)).toContain(id);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    expect((await admin.get(`/admin/v1/projects/${id}`)).body.signingSecret).toBeUndefined();
    expect((await admin.get(`/admin/v1/projects/${id}/signing-secret`)).body.signingSecret).toBe(created.body.signingSecret);
    expect((await admin.patch(`/admin/v1/projects/${id}`, { name: 'Renamed', webhookUrl: null })).body).toMatchObject({ name: 'Renamed', webhookUrl: null });
    expect((await admin.delete(`/admin/v1/projects/${id}`)).body).toEqual({ success: true });
    expect((await admin.get(`/admin/v1/projects/${id}`)).status).toBe(404);
  });

  it('validates project input and changes nothing on refusal', async () => {
    expect((await admin.post('/admin/v1/projects', {})).status).toBe(400);
    expect((await admin.post('/admin/v1/projects', { name: 'x', webhookUrl: 'ftp://x' })).status).toBe(400);
    expect((await admin.post('/admin/v1/projects', { name: 'x', colour: 'red' })).body.message).toContain('colour');
    expect((await admin.get('/admin/v1/projects/not-a-uuid')).status).toBe(400);
    expect((await admin.get('/admin/v1/projects')).body.projects).toHaveLength(1);
  });

  it('refuses private webhook URLs unless allowed', async () => {
    const strict = await startTestkitWorld(dialect, { env: { OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS: 'false' } }).catch((e: unknown) => { throw e; });
    try {
      for (const url of ['http://127.0.0.1:9/x', 'http://10.0.0.1/x', 'http://[::1]/x', 'http://169.254.169.254/latest', 'http://localhost/x']) {
        const r = await strict.t.admin.post('/admin/v1/projects', { name: 'x', webhookUrl: url });
        expect(r.status, url).toBe(400);
        expect(r.body.message).toContain('webhookUrl');
      }
    } finally {
      await strict.close();
    }
  });

  it('rotates the signing secret, keeping the old one for 24 hours', async () => {
    const before = (await admin.get(`${p}/signing-secret`)).body.signingSecret;
    const r = await admin.post(`${p}/signing-secret/rotate`);
    expect(r.status).toBe(200);
    expect(r.body.signingSecret).not.toBe(before);
    const expires = Date.parse(r.body.previousSigningSecretExpiresAt);
    expect(expires - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
  });

  it('generates and imports signing keys, validates imports, and deletes them', async () => {
    const gen = await admin.post(`${p}/signing-keys`, {});
    expect(gen.status).toBe(201);
    expect(gen.body.privateKey).toContain('BEGIN PRIVATE KEY');
    const listed = (await admin.get(`${p}/signing-keys`)).body.signingKeys;
    expect(JSON.stringify(listed)).not.toContain('PRIVATE KEY');
    expect((await admin.get(`${p}/signing-keys/${gen.body.id}`)).body.publicKey).toBe(gen.body.publicKey);
    const bad = await admin.post(`${p}/signing-keys`, { publicKey: 'not a key' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('publicKey');
    const priv = await admin.post(`${p}/signing-keys`, { publicKey: gen.body.privateKey });
    expect(priv.status).toBe(201); // a private PEM yields its public half; the private part is not stored
    expect(priv.body.publicKey).toBe(gen.body.publicKey);
    expect((await admin.delete(`${p}/signing-keys/${gen.body.id}`)).status).toBe(200);
    expect((await admin.delete(`${p}/signing-keys/${gen.body.id}`)).status).toBe(404);
  });

  it('keeps integration secrets write-only and shows the URLs to paste', async () => {
    const r = await admin.put(`${p}/integrations/testkit`, { enabled: true, clientId: 'cid', clientSecret: 'very-secret', webhookSecret: 'hook-secret', scopes: ['a', 'b'] });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).not.toContain('very-secret');
    expect(JSON.stringify(r.body)).not.toContain('hook-secret');
    expect(r.body).toMatchObject({
      integration: 'testkit', enabled: true, clientId: 'cid', hasClientSecret: true, hasWebhookSecret: true, scopes: ['a', 'b'],
      webhookUrl: `${w.t.url}/hooks/app/${w.project.id}/testkit`, oauthRedirectUrl: `${w.t.url}/oauth/callback`,
    });
    // Omitted secrets are kept, null clears.
    const kept = await admin.put(`${p}/integrations/testkit`, { enabled: false });
    expect(kept.body).toMatchObject({ enabled: false, hasClientSecret: true, clientId: 'cid' });
    const cleared = await admin.put(`${p}/integrations/testkit`, { enabled: true, clientSecret: null });
    expect(cleared.body.hasClientSecret).toBe(false);
    expect((await admin.put(`${p}/integrations/testkit`, { enabled: true, apiBaseUrl: 'not a url' })).status).toBe(400);
    expect((await admin.put(`${p}/integrations/nope`, { enabled: true })).status).toBe(404);
    const all = await admin.get(`${p}/integrations`);
    expect(all.body.integrations.find((i: { integration: string }) => i.integration === 'testkit')).toMatchObject({ configured: true, authKind: 'oauth2' });
  });

  it('lists users with counts, searches and paginates, shows one, and deletes one with its provider teardown', async () => {
    const hook = await w.user.post(`/projects/${w.project.id}/trigger-subscriptions`, { type: 'TESTKIT_TRIGGER_HOOK_EVENT', parameters: { folder: 'inbox' } });
    expect(w.provider.hooks.size).toBe(1);
    for (const u of ['bob', 'carol', 'dave']) {
      const c = await admin.post(`${p}/users/${u}/credentials`, { integration: 'testkit', accessToken: 'secret-token-value', refreshToken: 'refresh-secret' });
      expect(c.status).toBe(201);
      expect(JSON.stringify(c.body)).not.toContain('secret-token-value');
      expect(JSON.stringify(c.body)).not.toContain('refresh-secret');
    }
    const page1 = await admin.get(`${p}/users?limit=2`);
    expect(page1.body.users.map((u: { id: string }) => u.id)).toEqual(['bob', 'carol']);
    const page2 = await admin.get(`${p}/users?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.users.map((u: { id: string }) => u.id)).toEqual(['dave', 'user-1']);
    expect(page2.body.nextCursor).toBeNull();
    const me = (await admin.get(`${p}/users?search=user-`)).body.users;
    expect(me).toEqual([expect.objectContaining({ id: 'user-1', integrations: ['testkit'], activeSubscriptions: 1, erroredSubscriptions: 0 })]);
    const detail = await admin.get(`${p}/users/user-1`);
    expect(detail.body.subscriptions.map((s: { id: string }) => s.id)).toEqual([hook.body.id]);
    expect(JSON.stringify(detail.body)).not.toContain('valid-token');
    expect((await admin.delete(`${p}/users/user-1`)).body).toEqual({ success: true });
    expect(w.provider.hooks.size).toBe(0);
    expect((await admin.get(`${p}/users/user-1`)).status).toBe(404);
  });

  it('pages through the event log with filters, and shows one event with its attempts', async () => {
    const sub = await w.t.svc.storage.subscriptions.create({
      projectId: w.project.id, userId: 'user-1', credentialId: w.credentialId, integration: 'testkit', triggerType: 'TESTKIT_TRIGGER_APP_EVENT',
      parameters: {}, webhookOverride: null, status: 'ACTIVE', error: null, state: {}, secret: null, nextPollAt: null, renewAt: null,
    });
    const t0 = Date.now();
    await w.t.svc.storage.events.record(Array.from({ length: 5 }, (_, i) => ({ subscription: sub, dedupeKey: `k${i}`, payload: { n: i } })), t0);
    const first = await admin.get(`${p}/events?limit=2`);
    expect(first.body.events.map((e: { payload: { n: number } }) => e.payload.n)).toEqual([4, 3]);
    const second = await admin.get(`${p}/events?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.events.map((e: { payload: { n: number } }) => e.payload.n)).toEqual([2, 1]);
    const third = await admin.get(`${p}/events?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body.events.map((e: { payload: { n: number } }) => e.payload.n)).toEqual([0]);
    expect(third.body.nextCursor).toBeNull();
    expect((await admin.get(`${p}/events?status=DELIVERED`)).body.events).toEqual([]);
    expect((await admin.get(`${p}/events?userId=nobody`)).body.events).toEqual([]);
    expect((await admin.get(`${p}/events?type=TESTKIT_TRIGGER_APP_EVENT&from=${new Date(t0 - 1000).toISOString()}&to=${t0 + 1000}`)).body.events).toHaveLength(5);
    expect((await admin.get(`${p}/events?from=yesterday`)).status).toBe(400);
    expect((await admin.get(`${p}/events?cursor=abc`)).status).toBe(400);
    const one = await admin.get(`${p}/events/${first.body.events[0].id}`);
    expect(one.body).toMatchObject({ id: first.body.events[0].id, status: 'PENDING', payload: { n: 4 }, attempts: [], deliveries: [expect.objectContaining({ status: 'PENDING' })] });
    expect((await admin.get(`${p}/events/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
  });
});
