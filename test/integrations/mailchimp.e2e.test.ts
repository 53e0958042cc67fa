// Mailchimp end to end through the public API, on SQLite and PostgreSQL: subscribe → the fake Mailchimp checks
// the URL with a GET (answered 200 while the registration runs, before any secret is stored) and creates an
// audience webhook on the credential's api_endpoint (our per-subscription URL with `mc=validate&token=<secret>`,
// the trigger's events, every source) → Mailchimp posts a form-encoded event to that URL → exactly one signed
// delivery of the parsed body → Mailchimp's retry (same request) adds nothing → unsubscribe → the webhook is
// deleted. Plus a wrong or missing token (401, nothing stored), refusals at subscribe time, and the hourly
// check that creates a webhook Mailchimp deleted again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { mailchimpIntegration } from '../../src/integrations/mailchimp/integration.js';
import cleaned from '../../src/integrations/mailchimp/fixtures/cleaned.json' with { type: 'json' };
import profile from '../../src/integrations/mailchimp/fixtures/profile.json' with { type: 'json' };
import subscribe from '../../src/integrations/mailchimp/fixtures/subscribe.json' with { type: 'json' };
import unsubscribe from '../../src/integrations/mailchimp/fixtures/unsubscribe.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { startFakeMailchimp, type FakeMailchimp, type MailchimpHook } from '../providers/mailchimp.js';

const LIST = 'a6b5da1054';

describe.each(DIALECTS)('Mailchimp end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let mc: FakeMailchimp;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let credentialId: string;

  const events = () => w.events();
  const subscribe_ = (type: string, parameters: Record<string, unknown> = { listId: LIST }) =>
    user.post(`${base}/trigger-subscriptions`, { integration: 'mailchimp', type, parameters });
  const subscribed = async (type: string, parameters?: Record<string, unknown>) => {
    const r = await subscribe_(type, parameters);
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string; status: string; credentialId: string };
  };
  const hookFor = (subscriptionId: string): MailchimpHook | undefined => [...mc.hooks.values()].find((h) => h.url.startsWith(`${t.url}/hooks/s/${subscriptionId}?`));
  const tokenOf = (hook: MailchimpHook) => new URL(hook.url).searchParams.get('token')!;

  beforeEach(async () => {
    mc = await startFakeMailchimp();
    mc.validTokens.add('valid-token');
    w = await startIntegrationWorld({
      dialect,
      integration: mailchimpIntegration,
      // apiBaseUrl (the login host) is deliberately not the fake: API calls must follow the credential's api_endpoint.
      config: { clientId: 'mc-client', clientSecret: 'mc-secret', apiBaseUrl: 'http://127.0.0.1:9' },
      credential: { accessToken: 'valid-token', providerAccountId: String(mc.accountId), extra: { api_endpoint: mc.url, dc: 'us6' } },
    });
    ({ t, receiver, project, base, user, worker } = w);
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await mc.close();
  });

  it('subscriber added: URL validated, webhook created, one signed delivery of the parsed body, retry deduplicated, webhook deleted', async () => {
    const sub = await subscribed('MAILCHIMP_TRIGGER_SUBSCRIBER_ADDED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId });
    const hook = hookFor(sub.id)!;
    expect(hook).toMatchObject({
      list_id: LIST,
      events: { subscribe: true, unsubscribe: false, profile: false, cleaned: false, upemail: false, campaign: false },
      sources: { user: true, admin: true, api: true },
    });
    expect(new URL(hook.url).searchParams.get('mc')).toBe('validate');
    expect(tokenOf(hook)).toMatch(/^[0-9a-f]{64}$/);
    // Mailchimp's GET reached us during the create call and was answered 200.
    expect(mc.validations).toEqual([{ url: hook.url, status: 200 }]);
    expect(mc.requests.find((r) => r.method === 'POST')).toMatchObject({ path: `/3.0/lists/${LIST}/webhooks`, auth: 'Bearer valid-token' });

    expect((await mc.deliver(hook.id, subscribe)).status).toBe(200);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'mailchimp', triggerType: 'MAILCHIMP_TRIGGER_SUBSCRIBER_ADDED', triggerSubscriptionId: sub.id,
      credentialId, projectId: project.id, payload: subscribe,
    });
    expectSignedDelivery(sent!, project.signingSecret);

    // Mailchimp retries (our answer was lost): the same request — acknowledged, nothing new.
    expect((await mc.deliver(hook.id, subscribe)).status).toBe(200);
    // Another event type reaching this URL is acknowledged and ignored; another audience's too.
    expect((await mc.deliver(hook.id, unsubscribe)).status).toBe(200);
    expect((await mc.deliver(hook.id, { ...subscribe, data: { ...subscribe.data, list_id: 'ffffffffff' } })).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await events()).toHaveLength(1);

    // A new subscribe of the same member later is a new event.
    expect((await mc.deliver(hook.id, { ...subscribe, fired_at: '2009-03-27 08:00:00' })).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(mc.hooks.size).toBe(0);
    expect(mc.deletedHooks.map((x) => x.id)).toEqual([hook.id]);
    expect(mc.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/3.0/lists/${LIST}/webhooks/${hook.id}` });
  });

  it('the audience trigger (Paragon MAILCHIMP_TRIGGER_LIST) registers every event and delivers each once', async () => {
    const sub = await subscribed('MAILCHIMP_TRIGGER_LIST');
    const hook = hookFor(sub.id)!;
    expect(Object.values(hook.events).every(Boolean)).toBe(true);
    for (const e of [subscribe, profile, unsubscribe, cleaned, profile]) expect((await mc.deliver(hook.id, e)).status).toBe(200);
    await worker.drain();
    await receiver.waitFor(4);
    expect(receiver.requests.map((r) => (r.json as { payload: { type: string } }).payload.type)).toEqual(['subscribe', 'profile', 'unsubscribe', 'cleaned']);
  });

  it('refuses deliveries with a wrong, foreign or missing token with 401 and stores nothing', async () => {
    const sub = await subscribed('MAILCHIMP_TRIGGER_PROFILE_UPDATED');
    const hook = hookFor(sub.id)!;
    const other = hookFor((await subscribed('MAILCHIMP_TRIGGER_PROFILE_UPDATED')).id)!;
    const forged = (token: string | null) => {
      const u = new URL(hook.url);
      if (token === null) u.searchParams.delete('token');
      else u.searchParams.set('token', token);
      return u.toString();
    };
    expect((await mc.deliver(hook.id, profile, { url: forged('0'.repeat(64)) })).status).toBe(401);
    expect((await mc.deliver(hook.id, profile, { url: forged(tokenOf(other)) })).status).toBe(401);
    expect((await mc.deliver(hook.id, profile, { url: forged(null) })).status).toBe(401);
    await worker.drain();
    expect(await events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('reports refusals at subscribe time and stores nothing: bad listId, unknown audience, rate limit, 5xx, no api_endpoint', async () => {
    const bad = await subscribe_('MAILCHIMP_TRIGGER_EMAIL_CLEANED', { listId: '../lists' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('listId');
    expect((await subscribe_('MAILCHIMP_TRIGGER_EMAIL_CLEANED', {})).status).toBe(400);
    const unknown = await subscribe_('MAILCHIMP_TRIGGER_EMAIL_CLEANED', { listId: 'b0b0b0b0b0' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain('b0b0b0b0b0');
    mc.failNext(1, 429, { title: 'Too Many Requests', status: 429, detail: 'You have exceeded the limit of 10 simultaneous connections.' });
    expect((await subscribe_('MAILCHIMP_TRIGGER_EMAIL_CLEANED')).status).toBe(429);
    mc.failNext(1, 503);
    expect((await subscribe_('MAILCHIMP_TRIGGER_EMAIL_CLEANED')).status).toBe(502);
    const noEndpoint = await user.post(`${base}/credentials`, { integration: 'mailchimp', accessToken: 'valid-token', providerAccountId: String(mc.accountId) });
    const r = await user.post(`${base}/trigger-subscriptions`, { integration: 'mailchimp', type: 'MAILCHIMP_TRIGGER_EMAIL_CLEANED', parameters: { listId: LIST } }, { 'x-paragon-credential': noEndpoint.body.id });
    expect(r.status).toBe(422);
    expect(r.body.message).toContain('api_endpoint');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(mc.hooks.size).toBe(0);
  });

  it('checks the webhook every hour: one Mailchimp deleted is created again, with a new token, and delivers', async () => {
    const sub = await subscribed('MAILCHIMP_TRIGGER_SUBSCRIBER_UNSUBSCRIBED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p) });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = hookFor(sub.id)!;
    const before = mc.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(mc.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /3.0/lists/${LIST}/webhooks/${first.id}`]);

    mc.hooks.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = hookFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(tokenOf(second)).not.toBe(tokenOf(first));
    // The re-registration's validation GET was answered too, while the row still held the old secret.
    expect(mc.validations.at(-1)).toEqual({ url: second.url, status: 200 });
    expect((await mc.deliver(second.id, unsubscribe, { url: first.url })).status).toBe(401);
    expect((await mc.deliver(second.id, unsubscribe)).status).toBe(200);
    await worker.drain();
    expect((await receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([sub.id]);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });

  it('unsubscribes when Mailchimp already removed the webhook (404)', async () => {
    const gone = await subscribed('MAILCHIMP_TRIGGER_EMAIL_CLEANED');
    mc.hooks.delete(hookFor(gone.id)!.id);
    expect((await user.delete(`${base}/trigger-subscriptions/${gone.id}`)).body).toEqual({ success: true });
    expect(mc.requests.at(-1)).toMatchObject({ method: 'DELETE' });
  });
});
