// ActiveCampaign end to end through the public API, on SQLite and PostgreSQL: subscribe → the fake account (its
// host standing in as `${url}/{account}`, filled from the credential's `extra.account`) gets an account webhook for
// our per-subscription URL with `?token=<secret>`, the trigger's event and every source → ActiveCampaign posts a
// form-encoded event there → exactly one signed delivery of the parsed body → an "at least once" repeat adds
// nothing → unsubscribe → the webhook is deleted. Plus wrong or missing tokens refused, filters, errors mapped at
// subscribe time, and the hourly check re-creating a webhook deleted in the account.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { activeCampaignIntegration } from '../../src/integrations/activecampaign/integration.js';
import tagAdded from '../../src/integrations/activecampaign/fixtures/contact-tag-added.json' with { type: 'json' };
import dealAdd from '../../src/integrations/activecampaign/fixtures/deal-add.json' with { type: 'json' };
import dealUpdate from '../../src/integrations/activecampaign/fixtures/deal-update-stage.json' with { type: 'json' };
import subscribe from '../../src/integrations/activecampaign/fixtures/subscribe.json' with { type: 'json' };
import unsubscribe from '../../src/integrations/activecampaign/fixtures/unsubscribe.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeActiveCampaign, type AcHook, type FakeActiveCampaign } from '../providers/activecampaign.js';

describe.each(DIALECTS)('ActiveCampaign end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let ac: FakeActiveCampaign;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const subscribe_ = (type: string, parameters: Record<string, unknown> = {}) => user.post(`${base}/trigger-subscriptions`, { integration: 'activecampaign', type, parameters });
  const subscribed = async (type: string, parameters?: Record<string, unknown>) => {
    const r = await subscribe_(type, parameters);
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string; status: string; credentialId: string };
  };
  const hookFor = (id: string): AcHook | undefined => [...ac.hooks.values()].find((h) => h.url.startsWith(`${t.url}/hooks/s/${id}?`));
  const tokenOf = (hook: AcHook) => new URL(hook.url).searchParams.get('token')!;
  const payloads = () => receiver.requests.map((r) => (r.json as { payload: unknown }).payload);

  beforeEach(async () => {
    ac = await startFakeActiveCampaign('acme');
    ac.validKeys.add('ac-key-1');
    w = await startIntegrationWorld({
      dialect,
      integration: activeCampaignIntegration,
      config: { apiBaseUrl: `${ac.url}/{account}` },
      credential: { apiKey: 'ac-key-1', providerAccountId: 'acme', extra: { account: 'acme.activehosted.com' } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await ac.close();
  });

  it('contact added on a list: webhook created on the account host, one signed delivery, repeat deduplicated, webhook deleted', async () => {
    const sub = await subscribed('ACTIVECAMPAIGN_TRIGGER_CONTACT_ADDED', { listId: '3' });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({ events: ['subscribe'], sources: ['public', 'admin', 'api', 'system'], listid: '3' });
    expect(tokenOf(hook)).toMatch(/^[0-9a-f]{64}$/);
    expect(ac.requests[0]).toMatchObject({ method: 'POST', path: '/acme/api/3/webhooks', apiToken: 'ac-key-1' });

    expect((await ac.deliver(hook.id, subscribe)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ integration: 'activecampaign', triggerType: 'ACTIVECAMPAIGN_TRIGGER_CONTACT_ADDED', triggerSubscriptionId: sub.id, credentialId, projectId: project.id, payload: subscribe });
    expectSignedDelivery(sent!, project.signingSecret);

    // "At least once": the same event again, another list's event and another event type add nothing.
    expect((await ac.deliver(hook.id, subscribe)).status).toBe(200);
    expect((await ac.deliver(hook.id, { ...subscribe, list: '1' })).status).toBe(200);
    expect((await ac.deliver(hook.id, unsubscribe)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(ac.hooks.size).toBe(0);
    expect(ac.deletedHooks.map((h) => h.id)).toEqual([hook.id]);
    expect(ac.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/acme/api/3/webhooks/${hook.id}` });
  });

  it('tag added (filtered by name), deal created and deal stage changed each deliver what they match', async () => {
    const tag = hookFor((await subscribed('ACTIVECAMPAIGN_TRIGGER_CONTACT_TAG_ADDED', { tag: 'customer' })).id)!;
    const deal = hookFor((await subscribed('ACTIVECAMPAIGN_TRIGGER_DEAL_CREATED')).id)!;
    const stage = hookFor((await subscribed('ACTIVECAMPAIGN_TRIGGER_DEAL_STAGE_CHANGED', { stageId: '2' })).id)!;
    const unsub = hookFor((await subscribed('ACTIVECAMPAIGN_TRIGGER_CONTACT_UNSUBSCRIBED')).id)!;
    expect([tag.events, deal.events, stage.events, unsub.events]).toEqual([['contact_tag_added'], ['deal_add'], ['deal_update'], ['unsubscribe']]);
    expect(deal.listid).toBe('0');

    await ac.deliver(tag.id, { ...tagAdded, tag: 'Prospect' });
    await ac.deliver(tag.id, tagAdded);
    await ac.deliver(deal.id, dealAdd);
    await ac.deliver(deal.id, { ...dealAdd, date_time: '2026-03-02T10:06:23-06:00' });
    await ac.deliver(stage.id, { ...dealUpdate, updated_fields: { 0: 'value' } });
    await ac.deliver(stage.id, { ...dealUpdate, deal: { ...dealUpdate.deal, stageid: '3' } });
    await ac.deliver(stage.id, dealUpdate);
    await ac.deliver(unsub.id, unsubscribe);
    await worker.drain();
    await receiver.waitFor(4);
    expect(payloads()).toEqual([tagAdded, dealAdd, dealUpdate, unsubscribe]);
  });

  it('refuses deliveries with a wrong, foreign or missing token with 401 and stores nothing', async () => {
    const hook = hookFor((await subscribed('ACTIVECAMPAIGN_TRIGGER_DEAL_CREATED')).id)!;
    const other = hookFor((await subscribed('ACTIVECAMPAIGN_TRIGGER_DEAL_CREATED')).id)!;
    const forged = (token: string | null) => {
      const u = new URL(hook.url);
      if (token === null) u.searchParams.delete('token');
      else u.searchParams.set('token', token);
      return u.toString();
    };
    expect((await ac.deliver(hook.id, dealAdd, { url: forged('0'.repeat(64)) })).status).toBe(401);
    expect((await ac.deliver(hook.id, dealAdd, { url: forged(tokenOf(other)) })).status).toBe(401);
    expect((await ac.deliver(hook.id, dealAdd, { url: forged(null) })).status).toBe(401);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps errors at subscribe time and stores nothing: bad parameters, unknown list, refused key, rate limit, 5xx, no account', async () => {
    const bad = await subscribe_('ACTIVECAMPAIGN_TRIGGER_CONTACT_ADDED', { listId: '../x' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('listId');
    const badStage = await subscribe_('ACTIVECAMPAIGN_TRIGGER_DEAL_STAGE_CHANGED', { stageId: 'won' });
    expect(badStage.status).toBe(400);
    expect(badStage.text).toContain('stageId');
    const unknown = await subscribe_('ACTIVECAMPAIGN_TRIGGER_CONTACT_ADDED', { listId: '99' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('List does not exist');
    ac.failNext(1, 403, { message: 'You are not authorized to access this resource' });
    expect((await subscribe_('ACTIVECAMPAIGN_TRIGGER_DEAL_CREATED')).status).toBe(422);
    ac.failNext(1, 429, { message: 'Too Many Requests' }, { 'retry-after': '2' });
    expect((await subscribe_('ACTIVECAMPAIGN_TRIGGER_DEAL_CREATED')).status).toBe(429);
    ac.failNext(1, 503);
    expect((await subscribe_('ACTIVECAMPAIGN_TRIGGER_DEAL_CREATED')).status).toBe(502);
    // A credential must name its account (one host label), and cannot name another host.
    const noAccount = await user.post(`${base}/credentials`, { integration: 'activecampaign', apiKey: 'ac-key-1' });
    expect(noAccount.status).toBe(400);
    expect(noAccount.text).toContain('account');
    const evil = await user.post(`${base}/credentials`, { integration: 'activecampaign', apiKey: 'ac-key-1', extra: { account: 'evil.example.com' } });
    expect(evil.status).toBe(400);
    expect(evil.text).toContain('extra.account');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(ac.hooks.size).toBe(0);
    expect(JSON.stringify(ac.requests.map((x) => x.path))).not.toContain('ac-key-1');
  });

  it('checks the webhook every hour: one deleted in the account is created again with a new token', async () => {
    const sub = await subscribed('ACTIVECAMPAIGN_TRIGGER_CONTACT_TAG_ADDED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const first = hookFor(sub.id)!;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(ac.requests.at(-1)).toMatchObject({ method: 'GET', path: `/acme/api/3/webhooks/${first.id}` });
    ac.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(tokenOf(second)).not.toBe(tokenOf(first));
    expect((await ac.deliver(second.id, tagAdded, { url: first.url })).status).toBe(401);
    expect((await ac.deliver(second.id, tagAdded)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(1);
  });

  it('unsubscribes when the webhook was already deleted in the account (404)', async () => {
    const sub = await subscribed('ACTIVECAMPAIGN_TRIGGER_DEAL_CREATED');
    ac.hooks.delete(hookFor(sub.id)!.id);
    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(ac.requests.at(-1)).toMatchObject({ method: 'DELETE' });
  });
});
