// Azure DevOps end to end through the public API, on SQLite and PostgreSQL: subscribe → a service hook
// subscription at the fake (publisher tfs, the trigger's event type, projectId, our per-subscription URL,
// our secret header) → Azure DevOps posts an event with that header → exactly one signed delivery →
// a retry of the same notification adds nothing → unsubscribe deletes it. Plus wrong and missing secrets
// (401, nothing stored), errors at subscribe time, and the hourly check re-creating a deleted or
// system-disabled subscription.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { Renewals } from '../../src/engine/renewals.js';
import { azureDevOpsIntegration } from '../../src/integrations/azureDevOps/integration.js';
import created from '../../src/integrations/azureDevOps/fixtures/workitem-created.json' with { type: 'json' };
import updated from '../../src/integrations/azureDevOps/fixtures/workitem-updated.json' with { type: 'json' };
import pushed from '../../src/integrations/azureDevOps/fixtures/git-push.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld, subscriptionOf } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { parseHttpHeaders, startFakeAzureDevOps, type AdoSubscription, type FakeAzureDevOps } from '../providers/azureDevOps.js';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-entra-access-token';
const PROJECT_ID = '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c';
const PARAMS = { projectId: PROJECT_ID };
const PAYLOADS: Record<string, Record<string, unknown>> = {
  AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED: created,
  AZURE_DEVOPS_TRIGGER_WORK_ITEM_UPDATED: updated,
  AZURE_DEVOPS_TRIGGER_CODE_PUSHED: pushed,
};

describe.each(DIALECTS)('Azure DevOps end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let ado: FakeAzureDevOps;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;

  const subscribe = (type: string, parameters: Record<string, unknown> = PARAMS, headers?: Record<string, string>) => w.subscribe(type, parameters, headers);
  const subscribed = async (type: string, parameters: Record<string, unknown> = PARAMS) => subscriptionOf(await subscribe(type, parameters));
  const subFor = (subscriptionId: string): AdoSubscription | undefined => [...ado.subscriptions.values()].find((s) => s.consumerInputs.url === `${t.url}/hooks/s/${subscriptionId}`);
  const secretOf = (s: AdoSubscription) => parseHttpHeaders(s.consumerInputs.httpHeaders)['x-opentriggers-secret']!;

  beforeEach(async () => {
    ado = await startFakeAzureDevOps('fabrikam');
    ado.validTokens.add(TOKEN);
    ado.projects.push(PROJECT_ID);
    ado.readOnlyProjects.push('11111111-2222-3333-4444-555555555555');
    w = await startIntegrationWorld({
      dialect,
      integration: azureDevOpsIntegration,
      config: { clientId: 'entra-app-client-id', clientSecret: 'entra-app-client-secret', apiBaseUrl: ado.url },
      credential: { accessToken: TOKEN, providerAccountId: 'e5a5f7f8-6507-4c34-b397-6c4818e002f4', extra: { organization: 'fabrikam' } },
    });
    ({ t, receiver, project, base, user, worker } = w);
  });
  afterEach(async () => {
    await w.close();
    await ado.close();
  });

  it('work item created: service hook subscription, one signed delivery, a retry deduplicated, deleted on unsubscribe', async () => {
    const sub = await subscribed('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED');
    expect(sub.status).toBe('ACTIVE');
    const hook = subFor(sub.id)!;
    expect(hook).toMatchObject({ publisherId: 'tfs', eventType: 'workitem.created', consumerId: 'webHooks', consumerActionId: 'httpRequest', publisherInputs: { projectId: PROJECT_ID }, status: 'enabled' });
    expect(secretOf(hook)).toMatch(/^[0-9a-f]{64}$/);
    const post = ado.requests.find((r) => r.method === 'POST')!;
    expect(post).toMatchObject({ path: '/fabrikam/_apis/hooks/subscriptions', query: '?api-version=7.1', auth: `Bearer ${TOKEN}` });

    const first = await ado.deliver(hook.id, created);
    expect(first.responses).toEqual([200]);
    await worker.drain();
    const [sent] = await receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ integration: 'azureDevOps', triggerType: 'AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', triggerSubscriptionId: sub.id, payload: { ...created, subscriptionId: hook.id } });
    expectSignedDelivery(sent!, project.signingSecret);

    // Azure DevOps retries the same notification; a second notification of the same work item too.
    expect((await ado.retry(first)).responses).toEqual([200, 200]);
    expect((await ado.deliver(hook.id, { ...created, id: 'aaaaaaaa-0000-0000-0000-000000000001', notificationId: 9 })).responses).toEqual([200]);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(ado.subscriptions.size).toBe(0);
    expect(ado.deleted.map((s) => s.id)).toEqual([hook.id]);
    expect(ado.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/fabrikam/_apis/hooks/subscriptions/${hook.id}` });
  });

  it('every trigger: its own event type, delivered once each', async () => {
    const subs = new Map<string, string>();
    for (const trigger of azureDevOpsIntegration.triggers) subs.set(trigger.type, (await subscribed(trigger.type)).id);
    for (const [type, id] of subs) {
      const hook = subFor(id)!;
      const d = await ado.deliver(hook.id, PAYLOADS[type]!);
      expect(d.responses, type).toEqual([200]);
      await ado.retry(d);
    }
    // The next revision of the work item is a new update event.
    await ado.deliver(subFor(subs.get('AZURE_DEVOPS_TRIGGER_WORK_ITEM_UPDATED')!)!.id, { ...updated, id: 'bbbbbbbb-0000-0000-0000-000000000002', resource: { ...updated.resource, id: 3, rev: 3 } });
    await worker.drain();
    await receiver.waitFor(4);
    await worker.drain();
    const got = receiver.requests.map((r) => (r.json as { triggerType: string }).triggerType).sort();
    expect(got).toEqual(['AZURE_DEVOPS_TRIGGER_CODE_PUSHED', 'AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', 'AZURE_DEVOPS_TRIGGER_WORK_ITEM_UPDATED', 'AZURE_DEVOPS_TRIGGER_WORK_ITEM_UPDATED']);
  });

  it('code pushed with a repository: sent as the publisher input `repository`', async () => {
    const repo = '278d5cd2-584d-4b63-824a-2ba458937249';
    const sub = await subscribed('AZURE_DEVOPS_TRIGGER_CODE_PUSHED', { ...PARAMS, repositoryId: repo });
    expect(subFor(sub.id)!.publisherInputs).toEqual({ projectId: PROJECT_ID, repository: repo });
    const bad = await subscribe('AZURE_DEVOPS_TRIGGER_CODE_PUSHED', { ...PARAMS, repositoryId: '../x' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('parameters.repositoryId');
  });

  it('refuses wrong, missing and foreign secrets with 401 and stores nothing', async () => {
    const sub = await subscribed('AZURE_DEVOPS_TRIGGER_CODE_PUSHED');
    const other = await subscribed('AZURE_DEVOPS_TRIGGER_CODE_PUSHED');
    const hook = subFor(sub.id)!;
    expect((await ado.deliver(hook.id, pushed, { headers: { 'x-opentriggers-secret': 'not-the-secret' } })).responses).toEqual([401]);
    expect((await ado.deliver(hook.id, pushed, { headers: {} })).responses).toEqual([401]);
    expect((await ado.deliver(hook.id, pushed, { headers: { 'x-opentriggers-secret': secretOf(subFor(other.id)!) } })).responses).toEqual([401]);
    await worker.drain();
    expect(await w.events()).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });

  it('maps errors at subscribe time and stores nothing: bad parameter, unknown project, no permission, 429, 5xx, 401, 203 sign-in page, no organization', async () => {
    expect((await subscribe('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', { projectId: 'a/b' })).status).toBe(400);
    expect((await subscribe('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', {})).status).toBe(400);
    const missing = await subscribe('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', { projectId: '99999999-2222-3333-4444-555555555555' });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toContain('TF200016');
    const forbidden = await subscribe('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', { projectId: '11111111-2222-3333-4444-555555555555' });
    expect(forbidden.status).toBe(422);
    expect(forbidden.body.message).toContain('TF400813');
    ado.rateLimitNext(30);
    expect((await subscribe('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED')).status).toBe(429);
    ado.failNext(1, 503);
    expect((await subscribe('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED')).status).toBe(502);
    const revoked = await user.post(`${base}/credentials`, { integration: 'azureDevOps', accessToken: 'revoked', providerAccountId: 'x', extra: { organization: 'fabrikam' } });
    const r401 = await subscribe('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', PARAMS, { 'x-paragon-credential': revoked.body.id });
    expect(r401.status).toBe(422);
    // Azure DevOps may answer a bad token with a 203 sign-in page instead of a 401: an auth failure too
    // with our own message.
    ado.signInPageForUnknownTokens = true;
    const other = await user.post(`${base}/credentials`, { integration: 'azureDevOps', accessToken: 'also-revoked', providerAccountId: 'z', extra: { organization: 'fabrikam' } });
    const r203 = await subscribe('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', PARAMS, { 'x-paragon-credential': other.body.id });
    expect(r203.status).toBe(422);
    expect(r203.body.message).toContain("refused the connected account's credentials");
    expect(r203.body.message).toContain('sign-in page (HTTP 203)');
    ado.signInPageForUnknownTokens = false;
    const noOrg = await user.post(`${base}/credentials`, { integration: 'azureDevOps', accessToken: TOKEN, providerAccountId: 'y' });
    const rNoOrg = await subscribe('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', PARAMS, { 'x-paragon-credential': noOrg.body.id });
    expect(rNoOrg.status).toBe(422);
    expect(rNoOrg.body.message).toContain('organization');
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
    expect(ado.subscriptions.size).toBe(0);
    expect(JSON.stringify([missing.body, forbidden.body, r401.body, r203.body])).not.toContain(TOKEN);
  });

  it('checks every hour: a deleted or system-disabled subscription is created again and delivers', async () => {
    const sub = await subscribed('AZURE_DEVOPS_TRIGGER_WORK_ITEM_UPDATED');
    const renewals = new Renewals(t.svc.deps, { catalog: (p) => t.svc.subscriptions.catalogFor(p), metrics: t.svc.metrics });
    const due = () => t.svc.storage.subscriptions.update(sub.id, { renewAt: Date.now() - 1 });

    const first = subFor(sub.id)!;
    const before = ado.requests.length;
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ checked: 1 });
    expect(ado.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /fabrikam/_apis/hooks/subscriptions/${first.id}`]);

    ado.subscriptions.delete(first.id);
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    const second = subFor(sub.id)!;
    expect(second.id).not.toBe(first.id);
    expect(secretOf(second)).not.toBe(secretOf(first));
    expect((await ado.deliver(second.id, updated, { headers: { 'x-opentriggers-secret': secretOf(first) } })).responses).toEqual([401]);
    expect((await ado.deliver(second.id, updated)).responses).toEqual([200]);

    second.status = 'disabledBySystem';
    await due();
    expect((await renewals.runOnce()).subscriptions).toEqual({ recreated: 1 });
    expect(ado.deleted.map((s) => s.id)).toEqual([second.id]);
    const third = subFor(sub.id)!;
    expect(third.status).toBe('enabled');
    expect(ado.subscriptions.size).toBe(1);
    expect((await ado.deliver(third.id, { ...updated, resource: { ...updated.resource, rev: 3 } })).responses).toEqual([200]);
    await worker.drain();
    await receiver.waitFor(2);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body.status).toBe('ACTIVE');
  });
});

// Personal access tokens (alternativeAuth): `Authorization: Basic base64(":{PAT}")`, the organization from extra; a
// refused PAT (401, or the 203 sign-in page) marks the credential INVALID without any refresh.
describe.each(DIALECTS)('Azure DevOps with personal access tokens on %s', (dialect) => {
  const PAT = 'fake-personal-access-token-52chars';
  const basic = (pat: string) => `Basic ${Buffer.from(`:${pat}`).toString('base64')}`;
  let w: IntegrationWorld;
  let ado: FakeAzureDevOps;

  beforeEach(async () => {
    ado = await startFakeAzureDevOps('fabrikam');
    ado.validPats.add(PAT);
    ado.projects.push(PROJECT_ID);
    w = await startIntegrationWorld({
      dialect,
      integration: azureDevOpsIntegration,
      config: { apiBaseUrl: ado.url },
      credential: { apiKey: PAT, providerAccountId: 'pat-user', extra: { organization: 'fabrikam' } },
    });
  });
  afterEach(async () => {
    await w.close();
    await ado.close();
  });

  it('subscribes, delivers and unsubscribes with the PAT as Basic password', async () => {
    const sub = subscriptionOf(await w.subscribe('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', PARAMS));
    expect(sub.status).toBe('ACTIVE');
    const hook = [...ado.subscriptions.values()].find((s) => s.consumerInputs.url === `${w.t.url}/hooks/s/${sub.id}`)!;
    expect(ado.requests.map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual([`POST /fabrikam/_apis/hooks/subscriptions ${basic(PAT)}`]);
    expect((await ado.deliver(hook.id, created)).responses).toEqual([200]);
    await w.worker.drain();
    const [sent] = await w.receiver.waitFor(1);
    expect(sent!.json).toMatchObject({ integration: 'azureDevOps', triggerType: 'AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', payload: { ...created, subscriptionId: hook.id } });
    expectSignedDelivery(sent!, w.project.signingSecret);
    expect((await w.user.delete(`${w.base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    expect(ado.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/fabrikam/_apis/hooks/subscriptions/${hook.id}`, auth: basic(PAT) });
  });

  it('a refused PAT (401 or the 203 sign-in page) marks the credential INVALID after one call, never shown', async () => {
    for (const signIn of [false, true]) {
      ado.signInPageForUnknownTokens = signIn;
      const revoked = await w.user.post(`${w.base}/credentials`, { integration: 'azureDevOps', apiKey: 'revoked-pat', extra: { organization: 'fabrikam' } });
      expect(revoked.status, revoked.text).toBe(201);
      const before = ado.requests.length;
      const r = await w.subscribe('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', PARAMS, { 'x-paragon-credential': revoked.body.id });
      expect([r.status, r.body.code]).toEqual([422, 'CREDENTIAL_INVALID']);
      expect(ado.requests.slice(before).map((q) => q.auth)).toEqual([basic('revoked-pat')]);
      expect(JSON.stringify(r.body)).not.toContain('revoked-pat');
      expect((await w.t.svc.storage.credentials.get(revoked.body.id))!.status).toBe('INVALID');
    }
    expect(ado.subscriptions.size).toBe(0);
  });
});
