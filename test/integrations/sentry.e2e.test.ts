// Sentry end to end through the public API, on SQLite and PostgreSQL: a user stores the installation's token
// as an apiKey credential with the installation uuid as provider account id; subscribe → the fake Sentry
// POSTs a signed Integration Platform webhook to the project's app URL → exactly one signed delivery of the
// webhook body at the receiver; a resend adds nothing; another installation's events reach only its own user;
// forged or unsigned requests are refused with 401; bad parameters are refused naming the field.
// Sentry triggers are app-level: subscribing makes no Sentry API call (the webhook URL and the resources it
// receives are the integration's configuration in Sentry).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { sentryIntegration } from '../../src/integrations/sentry/integration.js';
import createdFixture from '../../src/integrations/sentry/fixtures/issue-created.json' with { type: 'json' };
import resolvedFixture from '../../src/integrations/sentry/fixtures/issue-resolved.json' with { type: 'json' };
import metricFixture from '../../src/integrations/sentry/fixtures/metric-alert-critical.json' with { type: 'json' };
import type { ApiClient } from '../helpers/api-client.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import { forInstallation, sendSentryWebhook } from '../providers/sentry.js';

const CLIENT_SECRET = '7c1f9d3e5a2b4c6d8e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d';
const ACME = 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de';
const GLOBEX = '0f6c2b1e-3d4a-4b5c-8d9e-1a2b3c4d5e6f';

describe.each(DIALECTS)('Sentry end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let base: string;
  let hookUrl: string;
  const sign = { clientSecret: CLIENT_SECRET };

  const subscribe = async (client: ApiClient, type: string, parameters: Record<string, unknown> = {}) => {
    const r = await client.post(`${base}/trigger-subscriptions`, { integration: 'sentry', type, parameters });
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string; status: string; credentialId: string };
  };

  beforeEach(async () => {
    w = await startIntegrationWorld({
      dialect,
      integration: sentryIntegration,
      config: { webhookSecret: CLIENT_SECRET },
      credential: { apiKey: 'sntrys_installation_token_acme', providerAccountId: ACME },
    });
    ({ receiver, project, base, user, worker } = w);
    hookUrl = w.config.webhookUrl;
    expect(hookUrl).toBe(`${w.t.url}/hooks/app/${project.id}/sentry`);
  });
  afterEach(async () => {
    await w.close();
  });

  it('issue created: one signed delivery of the webhook body; a resend adds nothing; nothing after unsubscribe', async () => {
    const sub = await subscribe(user, 'SENTRY_TRIGGER_ISSUE_CREATED');
    expect(sub).toMatchObject({ status: 'ACTIVE', credentialId: w.credentialId });

    const first = await sendSentryWebhook(hookUrl, 'issue', createdFixture, { ...sign, requestId: 'req-1' });
    expect(first.status).toBe(200);
    await worker.drain();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      userId: 'user-1', integration: 'sentry', triggerType: 'SENTRY_TRIGGER_ISSUE_CREATED', triggerSubscriptionId: sub.id,
      credentialId: w.credentialId, projectId: project.id, payload: createdFixture,
    });
    expectSignedDelivery(delivery!, project.signingSecret);

    // Sentry resends the same issue (a manual resend gets a new Request-ID): the issue id keys it.
    expect((await sendSentryWebhook(hookUrl, 'issue', createdFixture, { ...sign, requestId: 'req-2' })).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(await w.events()).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const later = forInstallation(createdFixture, ACME, { issue: { ...createdFixture.data.issue, id: '1170820999' } });
    expect((await sendSentryWebhook(hookUrl, 'issue', later, sign)).status).toBe(200);
    await worker.drain();
    expect(receiver.requests).toHaveLength(1);
  });

  it('every trigger reaches its own subscription once; resolved and metric alert states are told apart', async () => {
    const created = await subscribe(user, 'SENTRY_TRIGGER_ISSUE_CREATED', { projectSlug: 'front-end' });
    const resolved = await subscribe(user, 'SENTRY_TRIGGER_ISSUE_RESOLVED');
    const critical = await subscribe(user, 'SENTRY_TRIGGER_METRIC_ALERT');
    await sendSentryWebhook(hookUrl, 'issue', createdFixture, sign);
    await sendSentryWebhook(hookUrl, 'issue', resolvedFixture, sign);
    await sendSentryWebhook(hookUrl, 'metric_alert', metricFixture, sign);
    // Not wanted by any subscription: a warning (severity defaults to critical) and another project's issue.
    await sendSentryWebhook(hookUrl, 'metric_alert', { ...metricFixture, action: 'warning' }, sign);
    const otherProject = forInstallation(createdFixture, ACME, { issue: { ...createdFixture.data.issue, id: '42', project: { id: '2', slug: 'back-end', name: 'back-end' } } });
    await sendSentryWebhook(hookUrl, 'issue', otherProject, sign);
    await worker.drain();
    await receiver.waitFor(3);
    await worker.drain();
    const got = receiver.requests.map((r) => r.json as { triggerSubscriptionId: string; payload: { action: string } });
    expect(got.map((g) => [g.triggerSubscriptionId, g.payload.action]).sort()).toEqual(
      [[created.id, 'created'], [resolved.id, 'resolved'], [critical.id, 'critical']].sort(),
    );
  });

  it('routes by installation: each user gets only the events of the installation they stored', async () => {
    const other = await project.userClient('user-2');
    const cred = await other.post(`${base}/credentials`, { integration: 'sentry', apiKey: 'sntrys_installation_token_globex', providerAccountId: GLOBEX });
    expect(cred.status, cred.text).toBe(201);
    const mine = await subscribe(user, 'SENTRY_TRIGGER_ISSUE_CREATED');
    const theirs = await subscribe(other, 'SENTRY_TRIGGER_ISSUE_CREATED');
    await sendSentryWebhook(hookUrl, 'issue', createdFixture, sign);
    await sendSentryWebhook(hookUrl, 'issue', forInstallation(createdFixture, GLOBEX, { issue: { ...createdFixture.data.issue, id: '777' } }), sign);
    // An installation nobody stored: acknowledged, nothing stored.
    const stranger = await sendSentryWebhook(hookUrl, 'issue', forInstallation(createdFixture, '11111111-2222-4333-8444-555555555555'), sign);
    expect(stranger.status).toBe(200);
    await worker.drain();
    await receiver.waitFor(2);
    await worker.drain();
    const got = receiver.requests.map((r) => r.json as { userId: string; triggerSubscriptionId: string; payload: { data: { issue: { id: string } } } });
    expect(got.map((g) => [g.userId, g.triggerSubscriptionId, g.payload.data.issue.id]).sort()).toEqual([
      ['user-1', mine.id, '1170820242'],
      ['user-2', theirs.id, '777'],
    ]);
    expect(await w.events()).toHaveLength(2);
  });

  it('refuses forged and unsigned webhooks with 401 and stores nothing', async () => {
    await subscribe(user, 'SENTRY_TRIGGER_ISSUE_CREATED');
    const forged = await sendSentryWebhook(hookUrl, 'issue', createdFixture, { clientSecret: 'not-the-client-secret' });
    expect(forged.status).toBe(401);
    const unsigned = await sendSentryWebhook(hookUrl, 'issue', createdFixture, { ...sign, signatureOverride: null });
    expect(unsigned.status).toBe(401);
    expect(forged.body).not.toContain(CLIENT_SECRET);
    await worker.drain();
    expect(receiver.requests).toHaveLength(0);
    expect(await w.events()).toHaveLength(0);
  });

  it('bad parameters are refused with 400 naming the field', async () => {
    const slug = await user.post(`${base}/trigger-subscriptions`, { integration: 'sentry', type: 'SENTRY_TRIGGER_ISSUE_RESOLVED', parameters: { projectSlug: 'Not A Slug' } });
    expect(slug.status).toBe(400);
    expect(slug.text).toContain('parameters.projectSlug');
    const severity = await user.post(`${base}/trigger-subscriptions`, { integration: 'sentry', type: 'SENTRY_TRIGGER_METRIC_ALERT', parameters: { severity: 'fatal' } });
    expect(severity.status).toBe(400);
    expect(severity.text).toContain('parameters.severity');
  });
});
