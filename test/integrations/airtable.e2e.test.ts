// Airtable end to end through the public API, on SQLite and PostgreSQL: subscribe → an Airtable webhook is created
// at the fake Airtable (our per-subscription URL, the table, the trigger's change type) → a record changes and
// Airtable pings, signed with the webhook's MAC secret → the changes are read from the payload list → exactly one
// signed delivery → Airtable's repeated ping adds nothing → unsubscribe → the webhook is deleted. Plus forged and
// unsigned pings (401, nothing stored), Airtable's per-base webhook limit and bad parameters at subscribe time, the
// hourly check that re-creates a webhook Airtable deleted or disabled (and refreshes one about to expire), the
// backstop sync that reads changes whose ping never came, and connecting with OAuth (PKCE, HTTP Basic).
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { Renewals } from '../../src/engine/renewals.js';
import { airtableIntegration } from '../../src/integrations/airtable/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { airtableMac, startFakeAirtable, type AirtableHook, type FakeAirtable } from '../providers/airtable.js';

const BASE = 'appLkNDICXNqxSDhG';
const TABLE = 'tblZ4mAvAKkqCa0xX';
const MIN = 60_000;
const DAY = 24 * 60 * MIN;

describe.each(DIALECTS)('Airtable end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let at: FakeAirtable;
  let clock: TestClock;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribe = (type: string, parameters: Record<string, unknown> = { baseId: BASE, tableId: TABLE }, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string, parameters?: Record<string, unknown>) => subscriptionOf(await subscribe(type, parameters));
  const hookFor = (subscriptionId: string): AirtableHook | undefined => [...at.hooks.values()].find((h) => h.notificationUrl === `${t.url}/hooks/s/${subscriptionId}`);
  const renewals = () => new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
  const due = (id: string) => t.svc.storage.subscriptions.update(id, { renewAt: clock.now() - 1 });
  const logs = async (id: string) => JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${id}/logs`)).body);

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    at = await startFakeAirtable({ now: clock.now });
    at.validTokens.add('valid-token');
    w = await startIntegrationWorld({
      dialect,
      integration: airtableIntegration,
      config: { clientId: at.clientId, clientSecret: at.clientSecret, apiBaseUrl: at.url, tokenUrl: at.tokenUrl },
      credential: { accessToken: 'valid-token', providerAccountId: at.userId },
      now: clock.now,
      poller: true,
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
    expect(w.config.webhookUrl).toBeNull(); // per-subscription webhooks: nothing to paste
  });
  afterEach(async () => {
    await w.close();
    await at.close();
  });

  it('record created: webhook created, one signed delivery per record, Airtable\'s repeated ping deduplicated, webhook deleted', async () => {
    const sub = await subscribed('AIRTABLE_TRIGGER_RECORD_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId, parameters: { baseId: BASE, tableId: TABLE } });
    const hook = hookFor(sub.id)!;
    expect(hook.specification).toEqual({ options: { filters: { dataTypes: ['tableData'], recordChangeScope: TABLE, changeTypes: ['add'] } } });
    expect(at.requests.find((r) => r.method === 'POST')!.auth).toBe('Bearer valid-token');

    const rec = at.createRecord(BASE, TABLE, { fldName000000001: 'Launch plan' });
    expect((await at.ping(hook.id)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'airtable', triggerType: 'AIRTABLE_TRIGGER_RECORD_CREATED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id,
      payload: { recordId: rec.recordId, baseId: BASE, tableId: TABLE, cellValuesByFieldId: { fldName000000001: 'Launch plan' }, baseTransactionNumber: rec.txn },
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Airtable pings again (a retry, or a second ping before we read): the payloads re-read give nothing new.
    expect((await at.ping(hook.id)).status).toBe(200);
    const second = at.createRecord(BASE, TABLE);
    expect((await at.ping(hook.id)).status).toBe(200);
    expect((await at.ping(hook.id)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);
    expect(deliveries().map((d) => d.payload.recordId)).toEqual([rec.recordId, second.recordId]);
    expect(await events()).toHaveLength(2);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.state).toMatchObject({ webhookId: hook.id, cursor: 3 });

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(at.hooks.size).toBe(0);
    expect(at.deletedHooks.map((x) => x.id)).toEqual([hook.id]);
    expect(at.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/v0/bases/${BASE}/webhooks/${hook.id}` });
  });

  it('record updated and deleted on one base, each delivered once to its own subscription; a third webhook on the base is refused', async () => {
    const updates = await subscribed('AIRTABLE_TRIGGER_RECORD_UPDATED');
    const deletions = await subscribed('AIRTABLE_TRIGGER_RECORD_DELETED');
    const uh = hookFor(updates.id)!;
    const dh = hookFor(deletions.id)!;
    expect(uh.macSecretBase64).not.toBe(dh.macSecretBase64);
    const u1 = at.updateRecord(BASE, TABLE, 'recKeep0000000001', { fldStatus0000001: 'Done' }, { fldStatus0000001: 'Todo' });
    const d1 = at.deleteRecord(BASE, TABLE, 'recGone0000000001');
    for (let i = 0; i < 2; i++) {
      expect((await at.ping(uh.id)).status).toBe(200);
      expect((await at.ping(dh.id)).status).toBe(200);
    }
    // The same record changed again: another event.
    const u2 = at.updateRecord(BASE, TABLE, 'recKeep0000000001', { fldStatus0000001: 'Archived' }, { fldStatus0000001: 'Done' });
    expect((await at.ping(uh.id)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(3);
    expect(deliveries().map((d) => [d.triggerType, d.triggerSubscriptionId, d.payload.recordId, d.payload.baseTransactionNumber]).sort()).toEqual([
      ['AIRTABLE_TRIGGER_RECORD_DELETED', deletions.id, 'recGone0000000001', d1.txn],
      ['AIRTABLE_TRIGGER_RECORD_UPDATED', updates.id, 'recKeep0000000001', u1.txn],
      ['AIRTABLE_TRIGGER_RECORD_UPDATED', updates.id, 'recKeep0000000001', u2.txn],
    ]);
    expect(deliveries().find((d) => d.payload.baseTransactionNumber === u1.txn)!.payload).toMatchObject({
      current: { cellValuesByFieldId: { fldStatus0000001: 'Done' } }, previous: { cellValuesByFieldId: { fldStatus0000001: 'Todo' } },
    });

    // "A single OAuth integration can create up to 2 webhooks per base": the third subscription is refused, nothing stored.
    const third = await subscribe('AIRTABLE_TRIGGER_RECORD_CREATED');
    expect(third.status).toBe(422);
    expect(third.body.message).toContain('TOO_MANY_WEBHOOKS_BY_OAUTH_INTEGRATION_IN_BASE');
    expect(Object.values((await user.get(`${base}/trigger-subscriptions`)).body.triggers).flat()).toHaveLength(2);
    expect(at.hooks.size).toBe(2);
  });

  it('refuses forged, tampered and unsigned pings with 401 and stores nothing', async () => {
    const sub = await subscribed('AIRTABLE_TRIGGER_RECORD_CREATED');
    const hook = hookFor(sub.id)!;
    at.createRecord(BASE, TABLE);
    const body = JSON.stringify({ base: { id: BASE }, webhook: { id: hook.id }, timestamp: new Date(clock.now()).toISOString() });
    const post = (headers: Record<string, string>, payload = body) => fetch(hook.notificationUrl!, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    expect((await at.ping(hook.id, { macSecretBase64: randomBytes(32).toString('base64') })).status).toBe(401);
    const good = airtableMac(hook.macSecretBase64, body);
    expect((await post({ 'x-airtable-content-mac': good }, body.replace(hook.id, 'achSomeoneElse001'))).status).toBe(401);
    expect((await post({})).status).toBe(401);
    // The base64 text used as the key (not decoded) is not Airtable's MAC.
    expect((await post({ 'x-airtable-content-mac': `hmac-sha256=${createHash('sha256').update(body).digest('hex')}` })).status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    expect(at.requests.some((r) => r.path.endsWith('/payloads'))).toBe(false);
    // The genuine ping is accepted and delivers.
    expect((await post({ 'x-airtable-content-mac': good })).status).toBe(200);
    await worker.drain();
    expect(await receiver.waitFor(1)).toHaveLength(1);
  });

  it('answers bad parameters with 400 naming the parameter, and Airtable refusals at subscribe time; stores nothing', async () => {
    const bad = await subscribe('AIRTABLE_TRIGGER_RECORD_CREATED', { baseId: 'Marketing', tableId: TABLE });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining('parameters.baseId')]);
    const noTable = await subscribe('AIRTABLE_TRIGGER_RECORD_CREATED', { baseId: BASE });
    expect([noTable.status, noTable.body.message]).toEqual([400, expect.stringContaining('parameters.tableId')]);
    const byName = await subscribe('AIRTABLE_TRIGGER_RECORD_CREATED', { baseId: BASE, tableId: 'Tasks' });
    expect([byName.status, byName.body.message]).toEqual([400, expect.stringContaining('parameters.tableId: must be an Airtable table id')]);
    const unknownBase = await subscribe('AIRTABLE_TRIGGER_RECORD_CREATED', { baseId: 'appNoSuchBase0001', tableId: TABLE });
    expect([unknownBase.status, unknownBase.body.message]).toEqual([422, expect.stringContaining('has not granted this integration access')]);
    at.failNext(1, 429, { errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded' }] });
    expect((await subscribe('AIRTABLE_TRIGGER_RECORD_CREATED')).status).toBe(429);
    at.failNext(1, 502);
    expect((await subscribe('AIRTABLE_TRIGGER_RECORD_CREATED')).status).toBe(502);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(at.hooks.size).toBe(0);
    // The token is never echoed.
    for (const r of [bad, noTable, byName, unknownBase]) expect(r.text).not.toContain('valid-token');
  });

  it('checks the webhook every hour: refreshes one about to expire, re-creates one Airtable deleted or disabled, and it delivers', async () => {
    const sub = await subscribed('AIRTABLE_TRIGGER_RECORD_CREATED');
    const first = hookFor(sub.id)!;
    const r = renewals();

    // Present and enabled: one GET of the base's webhooks, nothing else.
    let before = at.requests.length;
    await due(sub.id);
    expect((await r.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(at.requests.slice(before).map((q) => `${q.method} ${q.path}`)).toEqual([`GET /v0/bases/${BASE}/webhooks`]);

    // Two days from expiry (no ping came for five days, so nothing listed payloads): refreshed.
    clock.advance(5 * DAY);
    before = at.requests.length;
    await due(sub.id);
    expect((await r.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(at.requests.slice(before).map((q) => `${q.method} ${q.path}`)).toEqual([`GET /v0/bases/${BASE}/webhooks`, `POST /v0/bases/${BASE}/webhooks/${first.id}/refresh`]);
    expect(first.expirationTime).toBe(clock.now() + 7 * DAY);

    // Deleted at Airtable: a new one, with a new MAC secret; the old key no longer verifies.
    at.hooks.delete(first.id);
    await due(sub.id);
    expect((await r.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(await logs(sub.id)).toContain('the webhook was deleted at the provider (found by the hourly check); registered it again with a new secret');
    at.createRecord(BASE, TABLE);
    expect((await at.ping(second.id, { macSecretBase64: first.macSecretBase64 })).status).toBe(401);

    // Disabled by Airtable (expired, or its specification became invalid): deleted, then a new one created.
    second.isHookEnabled = false;
    await due(sub.id);
    expect((await r.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect(at.deletedHooks.map((h) => h.id)).toEqual([second.id]);
    expect(at.hooks.size).toBe(1);
    expect(await logs(sub.id)).toContain('the provider had disabled this webhook; removed it and registered a new one with a new secret');
    const rec = at.createRecord(BASE, TABLE);
    expect((await at.ping(third.id)).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((q) => (q.json as { payload: { recordId: string } }).payload.recordId)).toEqual([rec.recordId]);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });

  it('backstop sync: a change whose ping never came is read from the payloads once, after one interval', async () => {
    const sub = await subscribed('AIRTABLE_TRIGGER_RECORD_UPDATED');
    const missed = at.updateRecord(BASE, TABLE, 'recKeep0000000001', { fldStatus0000001: 'Done' }); // no ping
    await poller.runDue();
    await worker.drain();
    expect(receiver.requests).toHaveLength(0);

    clock.advance(17 * MIN);
    await poller.runDue();
    await worker.drain();
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.recordId, d.payload.baseTransactionNumber])).toEqual([[sub.id, 'recKeep0000000001', missed.txn]]);
    expect(await logs(sub.id)).toContain('backstop sync found 1 event(s) the provider had not notified');

    // The late ping finds nothing new.
    expect((await at.ping(hookFor(sub.id)!.id)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
  });

  it('connects with OAuth: PKCE and HTTP Basic at the token endpoint, the Airtable user id as account; refresh tokens rotate', async () => {
    const start = await user.post(`${base}/connect/airtable`, { redirectUrl: 'https://app.example.com/connected' });
    expect(start.status, start.text).toBe(200);
    const authorize = new URL(start.body.authorizationUrl);
    expect(`${authorize.origin}${authorize.pathname}`).toBe('https://airtable.com/oauth2/v1/authorize');
    expect(authorize.searchParams.get('client_id')).toBe(at.clientId);
    expect(authorize.searchParams.get('response_type')).toBe('code');
    expect(authorize.searchParams.get('scope')).toBe('data.records:read webhook:manage');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');

    at.codes.set('airtable-code-1', authorize.searchParams.get('code_challenge')!);
    const cb = await t.admin.get(`/oauth/callback?code=airtable-code-1&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`);
    expect(cb.status, cb.text).toBe(302);
    const id = new URL(String(cb.headers.location)).searchParams.get('credentialId')!;
    const exchange = at.requests.find((r) => r.path === '/oauth2/v1/token')!;
    expect(exchange.auth).toBe(`Basic ${Buffer.from(`${at.clientId}:${at.clientSecret}`).toString('base64')}`);
    expect(exchange.body).toMatchObject({ grant_type: 'authorization_code', code: 'airtable-code-1', code_verifier: expect.any(String) });
    expect(exchange.body.client_secret).toBeUndefined();
    const stored = (await t.svc.storage.credentials.get(id))!;
    // The same Airtable user as the API-given credential: refreshed in place.
    expect(id).toBe(credentialId);
    expect(stored).toMatchObject({ providerAccountId: at.userId, status: 'VALID' });
    expect(stored.expiresAt! - clock.now()).toBeLessThanOrEqual(60 * MIN);
    const firstRefresh = stored.secrets.refreshToken!;

    // After the hour, the token is refreshed (single use: the old refresh token is spent) and the call succeeds.
    at.validTokens.clear();
    clock.advance(61 * MIN);
    const sub = await subscribed('AIRTABLE_TRIGGER_RECORD_CREATED');
    expect(hookFor(sub.id)).toBeDefined();
    expect(at.refreshTokens.has(firstRefresh)).toBe(false);
    const after = (await t.svc.storage.credentials.get(id))!;
    expect(after.secrets.refreshToken).not.toBe(firstRefresh);
    expect(at.refreshTokens.has(after.secrets.refreshToken!)).toBe(true);
  });
});
