// Jira end to end through the public API, on SQLite and PostgreSQL, against the fake Jira: subscribe (baseline
// JQL search observed at the fake, nothing delivered) → a new issue / a new version / a new project → the real
// Poller → exactly one signed delivery with the right envelope → re-polls deliver nothing more → unsubscribe
// (polling has nothing to tear down at Jira; the fake sees no further calls). Plus: a JQL filter that would escape
// its parentheses refused with 400 naming the parameter, an expired token refreshed (rotating refresh token),
// 429 with Retry-After backing the credential off, a 5xx retried with backoff.
// (No inbound webhook exists for these triggers, so there is no signature to forge.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import type { Poller } from '../../src/engine/poller.js';
import { jiraIntegration } from '../../src/integrations/jira/integration.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { expectSignedDelivery, startIntegrationWorld, type IntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import { jiraRateLimitHeaders, startFakeJira, type FakeJira } from '../providers/jira.js';

const SEC = 1000;

describe.each(DIALECTS)('Jira end to end on %s', (dialect) => {
  let w: IntegrationWorld;
  let t: TestService;
  let jira: FakeJira;
  let receiver: FakeReceiver;
  let project: TestProject;
  let user: ApiClient;
  let worker: DeliveryWorker;
  let poller: Poller;
  let clock: TestClock;
  let base: string;
  let credentialId: string;

  const deliveries = () => receiver.requests.map((r) => r.json as { triggerType: string; triggerSubscriptionId: string; payload: any });
  const subscribe = async (type: string, parameters: Record<string, unknown> = {}) => {
    const r = await user.post(`${base}/trigger-subscriptions`, { integration: 'jira', type, parameters });
    expect(r.status, r.text).toBe(200);
    return r.body as { id: string };
  };
  const tick = async (ms = 2 * SEC) => {
    clock.advance(ms);
    await poller.runDue();
    await worker.drain();
  };

  beforeEach(async () => {
    clock = new TestClock(Date.now());
    jira = await startFakeJira({ timeZone: 'Australia/Sydney' });
    jira.addIssue({ id: '10001', created: clock.now() - 60_000 });
    jira.projects.push({ id: '10000', key: 'EX', name: 'Example' });
    w = await startIntegrationWorld({
      dialect,
      integration: jiraIntegration,
      now: clock.now,
      poller: true,
      config: {
        clientId: 'client-1', clientSecret: 'client-secret-1', apiBaseUrl: jira.url, tokenUrl: `${jira.url}/oauth/token`,
      },
      credential: {
        accessToken: 'valid-token', refreshToken: 'refresh-1', providerAccountId: jira.cloudId, extra: { cloudId: jira.cloudId },
      },
    });
    ({ t, receiver, project, base, user, worker } = w);
    poller = w.poller!;
    credentialId = w.credentialId!;
  });
  afterEach(async () => {
    await w.close();
    await jira.close();
  });

  it('issue created: baseline at subscribe, one signed delivery, no duplicate on re-poll, nothing after unsubscribe', async () => {
    const sub = await subscribe('JIRA_TRIGGER_ISSUE_CREATED', { jqlQuery: 'project = EX' });
    const [baseline] = jira.searches();
    expect(baseline).toMatchObject({ auth: 'Bearer valid-token', path: `/ex/jira/${jira.cloudId}/rest/api/3/search/jql` });
    expect(baseline!.body.jql).toMatch(/^\(project = EX\) AND created >= "\d{4}-\d{2}-\d{2} \d{2}:\d{2}" ORDER BY created ASC, key ASC$/);
    await tick();
    expect(receiver.requests).toHaveLength(0); // the issue that existed before subscribing is never delivered

    const issue = jira.addIssue({ id: '10002', key: 'EX-2', summary: 'Main order flow broken', created: clock.now() });
    jira.addIssue({ id: '10003', projectKey: 'OPS', created: clock.now() }); // outside the JQL filter
    await tick();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.json).toMatchObject({
      integration: 'jira', triggerType: 'JIRA_TRIGGER_ISSUE_CREATED', triggerSubscriptionId: sub.id, credentialId, userId: 'user-1', projectId: project.id,
      payload: { id: issue.id, key: 'EX-2', fields: { summary: 'Main order flow broken', project: { key: 'EX' } } },
    });
    expect(typeof (delivery!.json as any).eventId).toBe('string');
    expectSignedDelivery(delivery!, project.signingSecret);

    await tick();
    await tick();
    expect(receiver.requests).toHaveLength(1);

    expect((await user.delete(`${base}/trigger-subscriptions/${sub.id}`)).body).toEqual({ success: true });
    const calls = jira.requests.length;
    jira.addIssue({ created: clock.now() });
    await tick();
    expect(jira.requests.length).toBe(calls);
    expect(receiver.requests).toHaveLength(1);
  });

  it('issue updated and project created: one delivery per new version and per new project', async () => {
    const updated = await subscribe('JIRA_TRIGGER_ISSUE_UPDATED');
    const projects = await subscribe('JIRA_TRIGGER_PROJECT_CREATED');
    jira.touch('10001', clock.now() + SEC);
    jira.projects.push({ id: '10001', key: 'ABC', name: 'Alphabetical' });
    await tick();
    jira.touch('10001', clock.now() + SEC);
    await tick();
    await tick();
    const got = deliveries();
    expect(got.filter((d) => d.triggerSubscriptionId === updated.id).map((d) => d.payload.id)).toEqual(['10001', '10001']);
    expect(new Set(got.filter((d) => d.triggerSubscriptionId === updated.id).map((d) => d.payload.fields.updated)).size).toBe(2);
    expect(got.filter((d) => d.triggerSubscriptionId === projects.id).map((d) => [d.triggerType, d.payload.key])).toEqual([['JIRA_TRIGGER_PROJECT_CREATED', 'ABC']]);
    expect(got).toHaveLength(3);
  });

  it('refuses a JQL filter that could escape its parentheses, naming the parameter, and stores nothing', async () => {
    const r = await user.post(`${base}/trigger-subscriptions`, { type: 'JIRA_TRIGGER_ISSUE_UPDATED', parameters: { jqlQuery: 'project = A) OR (project = B' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'INVALID_PARAMETER' });
    expect(r.body.message).toContain('parameters.jqlQuery');
    const bad = await user.post(`${base}/trigger-subscriptions`, { type: 'JIRA_TRIGGER_ISSUE_UPDATED', parameters: { jqlQuery: 'colour = red' } });
    expect(bad.status).toBe(422); // Jira refuses the JQL: the reason is passed on
    expect(bad.body.message).toContain("Field 'colour' does not exist");
    expect((await user.get(`${base}/trigger-subscriptions`)).body).toEqual({ triggers: {} });
  });

  it('refreshes an expired access token (Atlassian rotates the refresh token) and keeps polling', async () => {
    const sub = await subscribe('JIRA_TRIGGER_ISSUE_CREATED');
    jira.validTokens.delete('valid-token');
    jira.refreshTokens.set('refresh-1', 'fresh-token');
    const issue = jira.addIssue({ created: clock.now() });
    await tick();
    expect(jira.requests.filter((r) => r.path === '/oauth/token').map((r) => r.body)).toEqual([
      expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: 'client-1' }),
    ]);
    expect(jira.searches().at(-1)!.auth).toBe('Bearer fresh-token');
    expect(deliveries().map((d) => [d.triggerSubscriptionId, d.payload.id])).toEqual([[sub.id, issue.id]]);
    // The rotated refresh token was stored: the next refresh uses it.
    const [rotated] = [...jira.refreshTokens.keys()];
    jira.validTokens.delete('fresh-token');
    await tick();
    expect(jira.requests.filter((r) => r.path === '/oauth/token').map((r) => r.body.refresh_token)).toEqual(['refresh-1', rotated]);
    expect((await t.svc.storage.credentials.get(credentialId))!.status).toBe('VALID');
  });

  it('backs the credential off on 429 (Retry-After) and retries a 5xx with backoff, without losing the issue', async () => {
    const sub = await subscribe('JIRA_TRIGGER_ISSUE_CREATED');
    const issue = jira.addIssue({ created: clock.now() });
    jira.failNext(1, 429, jiraRateLimitHeaders(120));
    await tick();
    expect((await t.svc.storage.credentials.get(credentialId))!.rateLimitedUntil).toBe(clock.now() + 120_000);
    expect((await user.get(`${base}/trigger-subscriptions/${sub.id}`)).body).toMatchObject({ status: 'ACTIVE' });
    const calls = jira.requests.length;
    await tick();
    expect(jira.requests.length).toBe(calls); // paused until Retry-After
    clock.advance(120_000);
    jira.failNext(1, 503);
    await tick();
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(1);
    await tick(10 * SEC);
    expect(deliveries().map((d) => d.payload.id)).toEqual([issue.id]);
    expect((await t.svc.storage.subscriptions.get(sub.id))!.consecutiveFailures).toBe(0);
  });
});
