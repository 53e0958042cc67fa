// Smartsheet end to end through the public API, on SQLite and PostgreSQL: subscribe → a sheet webhook is created at
// the fake Smartsheet and enabled, Smartsheet's verification challenge (sent while the enabling PUT runs, before the
// subscription exists) answered → a signed skinny callback → the row read from Smartsheet → exactly one signed
// delivery → Smartsheet's retry adds nothing → unsubscribe deletes the webhook. Plus forged and unsigned callbacks
// (401, nothing stored), the ongoing challenge and status change callbacks, refusals at subscribe time, and the
// hourly check that re-creates a webhook Smartsheet disabled or that was deleted.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import callback from '../../src/integrations/smartsheet/fixtures/callback.json' with { type: 'json' };
import row from '../../src/integrations/smartsheet/fixtures/row.json' with { type: 'json' };
import { smartsheetIntegration } from '../../src/integrations/smartsheet/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeSmartsheet, type FakeSmartsheet, type SmartsheetHook } from '../providers/smartsheet.js';

const SHEET = 3285357287499652;
const CREATED = 3987537850460036;
const UPDATED = 6141831453927300;

describe.each(DIALECTS)('Smartsheet end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let ss: FakeSmartsheet;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribe = (type: string, parameters: Record<string, unknown> = { sheetId: String(SHEET) }, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string) => subscriptionOf(await subscribe(type));
  const hookFor = (subscriptionId: string): SmartsheetHook | undefined => [...ss.hooks.values()].find((h) => h.callbackUrl === `${t.url}/hooks/s/${subscriptionId}`);
  const forHook = (hook: SmartsheetHook, body: object = callback) => ({ ...body, webhookId: hook.id });

  beforeEach(async () => {
    ss = await startFakeSmartsheet();
    ss.validTokens.add('valid-token');
    ss.sheets.set(SHEET, new Map([[CREATED, { ...row }], [UPDATED, { ...row, id: UPDATED, rowNumber: 2 }]]));
    w = await startIntegrationWorld({
      dialect,
      integration: smartsheetIntegration,
      config: { clientId: 'smartsheet-client', clientSecret: 'smartsheet-secret', apiBaseUrl: ss.url, tokenUrl: `${ss.url}/token` },
      credential: { accessToken: 'valid-token', providerAccountId: '48569348493401' },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await ss.close();
  });

  it('row created: webhook created and enabled (challenge answered), one signed delivery of the row, the retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('SMARTSHEET_TRIGGER_ROW_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId, parameters: { sheetId: String(SHEET) } });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ scope: 'sheet', scopeObjectId: SHEET, events: ['*.*'], version: 1, enabled: true, status: 'ENABLED' });
    expect(ss.challenges).toEqual([expect.objectContaining({ webhookId: hook.id, status: 200, echoed: true })]);
    expect(ss.requests.find((r) => r.method === 'POST')!.auth).toBe('Bearer valid-token');

    const body = forHook(hook);
    expect((await ss.deliver(hook.id, body)).status).toBe(200);
    expect(ss.requests.at(-1)).toMatchObject({ method: 'GET', path: `/sheets/${SHEET}/rows/${CREATED}` });
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'smartsheet', triggerType: 'SMARTSHEET_TRIGGER_ROW_CREATED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: row,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Smartsheet retries the same callback: acknowledged, nothing new.
    expect((await ss.deliver(hook.id, body)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    // Verification is ongoing: a later challenge to the existing subscription is answered too.
    expect(await ss.challenge(hook.id)).toBe(true);
    // A status change callback (signed) is acknowledged and delivers nothing.
    expect(await ss.disable(hook.id, 'DISABLED_SCOPE_INACCESSIBLE')).toBe(200);
    hook.enabled = true;
    await worker.drain();
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(ss.hooks.size).toBe(0);
    expect(ss.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(ss.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/webhooks/${hook.id}` });
  });

  it('row updated and row deleted: each subscription gets its own rows once; a new row version is a new event', async () => {
    const updates = await subscribed('SMARTSHEET_TRIGGER_ROW_UPDATED');
    const deletions = await subscribed('SMARTSHEET_TRIGGER_ROW_DELETED');
    const uh = hookFor(updates.id)!;
    const dh = hookFor(deletions.id)!;
    expect(uh.sharedSecret).not.toBe(dh.sharedSecret);
    for (let i = 0; i < 2; i++) {
      expect((await ss.deliver(uh.id, forHook(uh))).status).toBe(200);
      expect((await ss.deliver(dh.id, forHook(dh))).status).toBe(200);
    }
    ss.sheets.get(SHEET)!.get(UPDATED)!.modifiedAt = '2022-06-27T22:00:00Z';
    expect((await ss.deliver(uh.id, forHook(uh))).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(3);
    const got = receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: { id: number; modifiedAt?: string } });
    expect(got.map((g) => [g.triggerType, g.triggerSubscriptionId, g.payload.id, g.payload.modifiedAt ?? null]).sort()).toEqual([
      ['SMARTSHEET_TRIGGER_ROW_DELETED', deletions.id, 1123834829694852, null],
      ['SMARTSHEET_TRIGGER_ROW_UPDATED', updates.id, UPDATED, '2022-06-27T21:34:23Z'],
      ['SMARTSHEET_TRIGGER_ROW_UPDATED', updates.id, UPDATED, '2022-06-27T22:00:00Z'],
    ]);
    expect(await w.events()).toHaveLength(3);
  });

  it('refuses forged, tampered and unsigned callbacks with 401 and stores nothing', async () => {
    const sub = await subscribed('SMARTSHEET_TRIGGER_ROW_CREATED');
    const hook = hookFor(sub.id)!;
    const body = JSON.stringify(forHook(hook));
    const post = (headers: Record<string, string>, payload = body) => fetch(hook.callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    const before = ss.requests.length;
    expect((await ss.deliver(hook.id, forHook(hook), { secret: 'not-the-secret' })).status).toBe(401);
    const good = createHmac('sha256', hook.sharedSecret).update(body).digest('hex');
    expect((await post({ 'smartsheet-hmac-sha256': good }, body.replace('"created"', '"deleted"'))).status).toBe(401);
    expect((await post({})).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
    expect(ss.requests.length).toBe(before); // no row was read for a refused callback
    expect((await post({ 'smartsheet-hmac-sha256': good })).status).toBe(200);
    await worker.drain();
    expect(await receiver.waitFor(1)).toHaveLength(1);
  });

  it('reports Smartsheet refusals at subscribe time and keeps no webhook: bad sheetId, unknown sheet, rate limit, 5xx, 403, revoked token', async () => {
    const bad = await subscribe('SMARTSHEET_TRIGGER_ROW_CREATED', { sheetId: 'budget' });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining('parameters.sheetId')]);
    const unknown = await subscribe('SMARTSHEET_TRIGGER_ROW_CREATED', { sheetId: '111' });
    expect([unknown.status, unknown.body.message]).toEqual([422, expect.stringContaining('(errorCode 1006): Not Found')]);
    ss.rateLimitNext();
    expect((await subscribe('SMARTSHEET_TRIGGER_ROW_CREATED')).status).toBe(429);
    ss.failNext(1, 500);
    expect((await subscribe('SMARTSHEET_TRIGGER_ROW_CREATED')).status).toBe(502);
    ss.failNext(1, 403, { errorCode: 1004, message: 'You are not authorized to perform this action.' });
    const forbidden = await subscribe('SMARTSHEET_TRIGGER_ROW_CREATED');
    expect([forbidden.status, forbidden.body.message]).toEqual([422, expect.stringContaining('You are not authorized to perform this action.')]);
    expect(forbidden.text).not.toContain('valid-token');
    const revoked = await user.post(`${base}/credentials`, { integration: 'smartsheet', accessToken: 'revoked', providerAccountId: '48569348493401' });
    const r401 = await subscribe('SMARTSHEET_TRIGGER_ROW_CREATED', { sheetId: String(SHEET) }, { 'x-paragon-credential': revoked.body.id });
    expect([r401.status, r401.body.code]).toEqual([422, 'CREDENTIAL_INVALID']);
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(ss.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one Smartsheet disabled, or that was deleted, is created again, enabled and delivers', async () => {
    const sub = await subscribed('SMARTSHEET_TRIGGER_ROW_CREATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const logs = async () => JSON.stringify((await t.admin.get(`/admin/v1/projects/${project.id}/subscriptions/${sub.id}/logs`)).body);

    const first = hookFor(sub.id)!;
    const before = ss.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(ss.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /webhooks/${first.id}`]);

    // Smartsheet disabled it (e.g. too many failed callbacks): deleted, then a new one created and enabled.
    expect(await ss.disable(first.id, 'DISABLED_TOO_MANY_FAILED_ATTEMPTS')).toBe(200);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect([second.id === first.id, second.enabled, second.sharedSecret === first.sharedSecret]).toEqual([false, true, false]);
    expect(ss.deletedHooks.map((h) => h.id)).toEqual([first.id]);
    expect(await logs()).toContain('the provider had disabled this webhook; removed it and registered a new one with a new secret');

    // The user deleted it in Smartsheet: a new one.
    ss.hooks.delete(second.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = hookFor(sub.id)!;
    expect([third.id === second.id, third.enabled]).toEqual([false, true]);
    expect(await logs()).toContain('the webhook was deleted at the provider (found by the hourly check); registered it again with a new secret');
    // Callbacks signed with an old secret are refused; the new webhook's are delivered.
    expect((await ss.deliver(third.id, forHook(third), { secret: second.sharedSecret })).status).toBe(401);
    expect((await ss.deliver(third.id, forHook(third))).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([sub.id]);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});
