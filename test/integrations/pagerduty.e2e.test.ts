// PagerDuty end to end through the public API, on SQLite and PostgreSQL: subscribe → a v3 webhook subscription is
// created at the fake PagerDuty (our per-subscription URL, the trigger's event type, the service or account
// filter) and PagerDuty's secret stored → PagerDuty delivers a signed event → exactly one signed delivery of the
// webhook body → PagerDuty's retry of the same event adds nothing → unsubscribe → the webhook subscription is
// deleted. Plus forged, tampered and unsigned requests (401, nothing stored), a rotation header with two
// signatures, PagerDuty's refusals at subscribe time, and the hourly check that re-creates a deleted or disabled
// webhook subscription (ADR 0018).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Renewals } from '../../src/engine/renewals.js';
import incidentAnnotated from '../../src/integrations/pagerduty/fixtures/incident-annotated.json' with { type: 'json' };
import incidentResolved from '../../src/integrations/pagerduty/fixtures/incident-resolved.json' with { type: 'json' };
import incidentTriggered from '../../src/integrations/pagerduty/fixtures/incident-triggered.json' with { type: 'json' };
import { pagerdutyIntegration } from '../../src/integrations/pagerduty/integration.js';
import { DIALECTS } from '../helpers/databases.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import { pagerdutySignature, startFakePagerDuty, type FakePagerDuty, type PagerDutySubscription } from '../providers/pagerduty.js';

describe.each(DIALECTS)('PagerDuty end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let pd: FakePagerDuty;

  const subscribed = async (type: string, parameters: Record<string, unknown> = {}) => subscriptionOf(await w.subscribe(type, parameters));
  const subFor = (subscriptionId: string): PagerDutySubscription | undefined =>
    [...pd.subscriptions.values()].find((s) => s.delivery_method.url === `${w.t.url}/hooks/s/${subscriptionId}`);

  beforeEach(async () => {
    pd = await startFakePagerDuty();
    pd.validTokens.add('valid-token');
    w = await startIntegrationWorld({
      dialect,
      integration: pagerdutyIntegration,
      config: { clientId: 'pd-client', clientSecret: 'pd-client-secret', apiBaseUrl: pd.url },
      credential: { accessToken: 'valid-token', providerAccountId: 'acme' },
    });
    expect(w.config.webhookUrl).toBeNull(); // per-subscription webhooks: nothing to paste
  });
  afterEach(async () => {
    await w.close();
    await pd.close();
  });

  it('incident triggered on a service: subscription created, one signed delivery of the body, the retry deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED', { serviceId: 'PF9KMXH' });
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId: w.credentialId, parameters: { serviceId: 'PF9KMXH' } });
    const s = subFor(sub.id)!;
    expect(s).toMatchObject({
      events: ['incident.triggered'], filter: { type: 'service_reference', id: 'PF9KMXH' }, active: true,
      delivery_method: { type: 'http_delivery_method', url: `${w.t.url}/hooks/s/${sub.id}` },
    });
    expect(pd.requests.find((r) => r.method === 'POST')).toMatchObject({ auth: 'Bearer valid-token', accept: 'application/vnd.pagerduty+json;version=2' });

    const first = await pd.deliver(s.id, incidentTriggered);
    expect(first.status).toBe(200);
    await w.worker.drain();
    const [sent] = await w.receiver.waitFor(1);
    expect(sent!.json).toMatchObject({
      userId: 'user-1', integration: 'pagerduty', triggerType: 'PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED', triggerSubscriptionId: sub.id,
      credentialId: w.credentialId, projectId: w.project.id, payload: incidentTriggered,
    });
    expectSignedDelivery(sent!, w.project.signingSecret);

    // PagerDuty retries the same webhook (same X-Webhook-Id, same body) — and a duplicate with a new id: nothing new.
    expect((await pd.deliver(s.id, incidentTriggered, { webhookId: first.webhookId })).status).toBe(200);
    expect((await pd.deliver(s.id, incidentTriggered)).status).toBe(200);
    // Another event type reaching this URL is acknowledged and ignored.
    expect((await pd.deliver(s.id, incidentResolved)).status).toBe(200);
    await w.worker.drain();
    expect(w.receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(pd.subscriptions.size).toBe(0);
    expect(pd.deletedSubscriptions.map((x) => x.id)).toEqual([s.id]);
    expect(pd.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/webhook_subscriptions/${s.id}` });
  });

  it('note added account-wide, with a rotation header carrying two signatures: delivered once', async () => {
    const sub = await subscribed('PAGERDUTY_TRIGGER_INCIDENT_ANNOTATED');
    const s = subFor(sub.id)!;
    expect([s.events, s.filter]).toEqual([['incident.annotated'], { type: 'account_reference' }]);
    expect((await pd.deliver(s.id, incidentAnnotated, { secrets: ['an-older-secret', s.delivery_method.secret] })).status).toBe(200);
    expect((await pd.deliver(s.id, incidentAnnotated)).status).toBe(200);
    await w.worker.drain();
    const [sent] = await w.receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ triggerType: 'PAGERDUTY_TRIGGER_INCIDENT_ANNOTATED', payload: { event: { id: incidentAnnotated.event.id, data: { type: 'incident_note' } } } });
    expect(await w.events()).toHaveLength(1);
  });

  it('refuses forged, tampered and unsigned requests with 401 and stores nothing', async () => {
    const sub = await subscribed('PAGERDUTY_TRIGGER_INCIDENT_RESOLVED');
    const s = subFor(sub.id)!;
    const body = JSON.stringify(incidentResolved);
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(s.delivery_method.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-webhook-id': 'w1', 'x-webhook-subscription': s.id, ...headers }, body: payload });
    expect((await post({ 'x-pagerduty-signature': pagerdutySignature(['not-the-secret'], body) })).status).toBe(401);
    const good = pagerdutySignature([s.delivery_method.secret], body);
    expect((await post({ 'x-pagerduty-signature': good }, body.replace('resolved', 'triggered'))).status).toBe(401);
    expect((await post({})).status).toBe(401);
    expect((await post({ 'x-pagerduty-signature': good.slice(3) })).status).toBe(401);
    await w.worker.drain();
    expect(await w.events()).toEqual([]);
    expect(w.receiver.requests).toHaveLength(0);
    // The genuine one is accepted.
    expect((await post({ 'x-pagerduty-signature': good })).status).toBe(200);
    await w.worker.drain();
    expect(await w.receiver.waitFor(1)).toHaveLength(1);
  });

  it('reports PagerDuty refusals at subscribe time and stores nothing: bad parameter, unknown service, rate limit, 5xx, revoked token', async () => {
    const bad = await w.subscribe('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED', { serviceId: 'not an id' });
    expect([bad.status, bad.body.message]).toEqual([400, expect.stringContaining('parameters.serviceId')]);
    const unknown = await w.subscribe('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED', { serviceId: 'PNOSUCH' });
    expect([unknown.status, unknown.body.message]).toEqual([422, expect.stringContaining('PagerDuty 404: Not Found')]);
    pd.failNext(1, 400, { error: { message: 'Invalid Input Provided', code: 2001, errors: ['Events is invalid'] } });
    const invalid = await w.subscribe('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED', {});
    expect([invalid.status, invalid.body.message]).toEqual([422, expect.stringContaining('Invalid Input Provided (code 2001) — Events is invalid')]);
    pd.failNext(1, 429, { error: { message: 'Rate Limit Exceeded', code: 2020 } }, { 'ratelimit-reset': '30' });
    expect((await w.subscribe('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED', {})).status).toBe(429);
    pd.failNext(1, 503);
    expect((await w.subscribe('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED', {})).status).toBe(502);
    pd.validTokens.delete('valid-token');
    const revoked = await w.subscribe('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED', {});
    expect([revoked.status, revoked.body.code]).toEqual([422, 'CREDENTIAL_INVALID']);
    expect(revoked.text).not.toContain('valid-token');
    expect((await w.user.get(`${w.base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(pd.subscriptions.size).toBe(0);
  });

  it('checks the subscription every hour: one deleted at PagerDuty, or disabled there, is created again with a new secret and delivers', async () => {
    const sub = await subscribed('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED');
    const renewals = new Renewals(w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p) });
    const due = () => w.t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const logs = async () => JSON.stringify((await w.t.admin.get(`/admin/v1/projects/${w.project.id}/subscriptions/${sub.id}/logs`)).body);

    // Still there: one GET, nothing else.
    const first = subFor(sub.id)!;
    const before = pd.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(pd.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /webhook_subscriptions/${first.id}`]);

    // Deleted in PagerDuty: a new one, with a new PagerDuty-generated secret; the old secret no longer verifies.
    pd.subscriptions.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = subFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(second.delivery_method.secret).not.toBe(first.delivery_method.secret);
    expect(await logs()).toContain('the webhook was deleted at the provider (found by the hourly check); registered it again with a new secret');
    expect((await pd.deliver(second.id, incidentTriggered, { secrets: [first.delivery_method.secret] })).status).toBe(401);

    // Disabled at PagerDuty: removed, then created again.
    second.active = false;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const third = subFor(sub.id)!;
    expect(third.id).not.toBe(second.id);
    expect(pd.deletedSubscriptions.map((x) => x.id)).toEqual([second.id]);
    expect(pd.subscriptions.size).toBe(1);
    expect((await pd.deliver(third.id, incidentTriggered)).status).toBe(200);
    await w.worker.drain();
    expect((await w.receiver.waitFor(1)).map((r) => (r.json as { triggerSubscriptionId: string }).triggerSubscriptionId)).toEqual([sub.id]);
    expect((await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});

// The same account connected with a REST API key (`alternativeAuth`, ADR 0029): every call carries `Authorization:
// Token token=<key>`, deliveries arrive as with OAuth, and a key PagerDuty refuses is never "refreshed" — the
// subscribe fails after one call, and the hourly check marks the credential INVALID (its subscriptions ERRORED).
describe.each(DIALECTS)('PagerDuty with a REST API key end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let pd: FakePagerDuty;
  const subFor = (subscriptionId: string): PagerDutySubscription | undefined =>
    [...pd.subscriptions.values()].find((s) => s.delivery_method.url === `${w.t.url}/hooks/s/${subscriptionId}`);
  const tokenCalls = () => pd.requests.filter((r) => r.path === '/oauth/token');
  const credentialStatus = async () =>
    ((await w.user.get(`${w.base}/credentials`)).body.credentials as Array<{ id: string; status: string; statusReason?: string }>).find((c) => c.id === w.credentialId);

  beforeEach(async () => {
    pd = await startFakePagerDuty();
    pd.validKeys.add('pd-rest-key');
    w = await startIntegrationWorld({
      dialect,
      integration: pagerdutyIntegration,
      // An OAuth app is configured too (its token endpoint on the fake, to see that a key never reaches it).
      config: { clientId: 'pd-client', clientSecret: 'pd-client-secret', apiBaseUrl: pd.url, tokenUrl: `${pd.url}/oauth/token` },
      credential: { apiKey: 'pd-rest-key', providerAccountId: 'acme' },
    });
  });
  afterEach(async () => {
    await w.close();
    await pd.close();
  });

  it('lists both ways to connect; subscribes, receives signed events, checks hourly and unsubscribes with Token token=<key>', async () => {
    const listed = (await w.t.admin.get(`/admin/v1/projects/${w.project.id}/integrations`)).body.integrations.find((i: { integration: string }) => i.integration === 'pagerduty');
    expect(listed).toMatchObject({ authKind: 'oauth2', authKinds: ['oauth2', 'apiKey'] });

    const sub = subscriptionOf(await w.subscribe('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED', { serviceId: 'PF9KMXH' }));
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId: w.credentialId });
    const s = subFor(sub.id)!;
    expect(s).toMatchObject({ events: ['incident.triggered'], filter: { type: 'service_reference', id: 'PF9KMXH' } });
    expect(pd.requests.find((r) => r.method === 'POST')).toMatchObject({ auth: 'Token token=pd-rest-key', accept: 'application/vnd.pagerduty+json;version=2' });

    const first = await pd.deliver(s.id, incidentTriggered);
    expect(first.status).toBe(200);
    expect((await pd.deliver(s.id, incidentTriggered, { webhookId: first.webhookId })).status).toBe(200);
    expect((await pd.deliver(s.id, incidentTriggered, { secrets: ['not-the-secret'] })).status).toBe(401);
    await w.worker.drain();
    const [sent] = await w.receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ triggerType: 'PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED', triggerSubscriptionId: sub.id, credentialId: w.credentialId, payload: incidentTriggered });
    expectSignedDelivery(sent!, w.project.signingSecret);
    expect(await w.events()).toHaveLength(1);

    // The hourly check reads the subscription with the key; one deleted at PagerDuty is made again with it.
    const renewals = new Renewals(w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p) });
    const due = () => w.t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    pd.subscriptions.delete(s.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const again = subFor(sub.id)!;
    expect((await pd.deliver(again.id, incidentResolved)).status).toBe(200); // another event type: ignored
    expect((await pd.deliver(again.id, { event: { ...incidentTriggered.event, id: 'another-event-id' } })).status).toBe(200);
    await w.worker.drain();
    expect(await w.receiver.waitFor(2)).toHaveLength(2);

    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(pd.subscriptions.size).toBe(0);
    expect(pd.requests.filter((r) => r.path !== '/oauth/token').every((r) => r.auth === 'Token token=pd-rest-key')).toBe(true);
    expect(tokenCalls()).toEqual([]);
  });

  it('a refused key: the subscribe fails after one call and marks the credential INVALID — never a refresh', async () => {
    const sub = subscriptionOf(await w.subscribe('PAGERDUTY_TRIGGER_INCIDENT_ACKNOWLEDGED', {}));
    expect(sub.status).toBe('ACTIVE');
    pd.validKeys.delete('pd-rest-key'); // the key is deleted (or disabled) in PagerDuty

    const before = pd.requests.length;
    const refused = await w.subscribe('PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED', {});
    expect([refused.status, refused.body.code]).toEqual([422, 'CREDENTIAL_INVALID']);
    expect(refused.text).not.toContain('pd-rest-key');
    expect(pd.requests.slice(before).map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual(['POST /webhook_subscriptions Token token=pd-rest-key']);
    expect(await credentialStatus()).toMatchObject({ status: 'INVALID' });
    const after = (await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body;
    expect(after).toMatchObject({ status: 'ERRORED', error: expect.stringContaining('refused the connected account') });
    expect(JSON.stringify(after)).not.toContain('pd-rest-key');
    expect(tokenCalls()).toEqual([]);

    // Nothing more is sent with an INVALID credential.
    const quiet = pd.requests.length;
    expect((await w.subscribe('PAGERDUTY_TRIGGER_INCIDENT_RESOLVED', {})).status).toBe(422);
    expect(pd.requests.length).toBe(quiet);
  });

  it('a key refused at the hourly check marks the credential INVALID at once — never a refresh', async () => {
    const sub = subscriptionOf(await w.subscribe('PAGERDUTY_TRIGGER_INCIDENT_ACKNOWLEDGED', {}));
    pd.validKeys.delete('pd-rest-key');
    const renewals = new Renewals(w.t.svc.deps, { catalog: (p) => w.t.svc.subscriptions.catalogFor(p) });
    await w.t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });
    const checkedAt = pd.requests.length;
    expect((await renewals.runOnce()).subscriptions).toEqual({ errored: 1 });
    expect(pd.requests.slice(checkedAt).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /webhook_subscriptions/${subFor(sub.id)!.id}`]);
    expect(await credentialStatus()).toMatchObject({ status: 'INVALID' });
    const after = (await w.user.get(`${w.base}/trigger-subscriptions/${sub.id}`)).body;
    expect(after).toMatchObject({ status: 'ERRORED', error: expect.stringContaining('refused the API key') });
    expect(JSON.stringify(after)).not.toContain('pd-rest-key');
    expect(tokenCalls()).toEqual([]);
  });
});
