// Azure DevOps, source level: the secret header (shared secret, constant time), the organization from the
// credential's extra, the parameters, service hook registration, removal and the hourly check against the
// fake Azure DevOps over real HTTP (error mapping: 203, 401, 403, 404, 429, 5xx), and which notifications
// each trigger fires for with which key (the same for Azure DevOps' retries).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { ProviderError, signRequest, verifyRequest, type HttpClient, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';
import { azureMessage, orgApi, projectIdProblem, type ProjectParams } from '../../src/integrations/azureDevOps/api.js';
import { azureDevOpsIntegration } from '../../src/integrations/azureDevOps/integration.js';
import { AZURE_DEVOPS_SECRET_SCHEME } from '../../src/integrations/azureDevOps/webhook.js';
import { repositoryIdProblem } from '../../src/integrations/azureDevOps/triggers/code-pushed.js';
import created from '../../src/integrations/azureDevOps/fixtures/workitem-created.json' with { type: 'json' };
import updated from '../../src/integrations/azureDevOps/fixtures/workitem-updated.json' with { type: 'json' };
import pushed from '../../src/integrations/azureDevOps/fixtures/git-push.json' with { type: 'json' };
import { parseHttpHeaders, startFakeAzureDevOps, type FakeAzureDevOps } from '../providers/azureDevOps.js';

const silent = { debug() {}, info() {}, warn() {} };
const TOKEN = 'valid-entra-token';
const PROJECT_ID = '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c';
const EXTRA = { organization: 'fabrikam' };

function source(type: string): WebhookSource<ProjectParams> {
  const t = azureDevOpsIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t.source as WebhookSource<ProjectParams>;
}

function delivery(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers: { 'content-type': 'application/json', ...headers }, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

describe('azureDevOps', () => {
  let ado: FakeAzureDevOps;
  let http: HttpClient;
  const ctx = (params: ProjectParams = { projectId: PROJECT_ID }, extra: Record<string, unknown> = EXTRA) => ({
    http, params, credential: { id: 'cred-1', providerAccountId: 'u-1', extra }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });
  const reg = (type: string, params: ProjectParams = { projectId: PROJECT_ID }, extra: Record<string, unknown> = EXTRA) =>
    source(type).register({ ...ctx(params, extra), hookUrl: 'https://ot.example/hooks/s/sub-1', secret: 'f'.repeat(64) });
  const errorOf = async (p: Promise<unknown>): Promise<ProviderError> => {
    try {
      await p;
    } catch (err) {
      if (err instanceof ProviderError) return err;
      throw err;
    }
    throw new Error('expected a ProviderError');
  };

  beforeEach(async () => {
    ado = await startFakeAzureDevOps('fabrikam');
    ado.validTokens.add(TOKEN);
    ado.projects.push(PROJECT_ID);
    ado.readOnlyProjects.push('11111111-2222-3333-4444-555555555555');
    http = createProviderHttp({ integration: azureDevOpsIntegration, apiBaseUrl: ado.url, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${TOKEN}` }) } });
  });
  afterEach(async () => {
    await ado.close();
  });

  it('declares three webhook triggers, Entra ID OAuth for the Azure DevOps resource, and dev.azure.com', () => {
    expect(azureDevOpsIntegration.key).toBe('azureDevOps');
    expect(azureDevOpsIntegration.triggers.map((t) => t.type)).toEqual([
      'AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', 'AZURE_DEVOPS_TRIGGER_WORK_ITEM_UPDATED', 'AZURE_DEVOPS_TRIGGER_CODE_PUSHED',
    ]);
    expect(azureDevOpsIntegration.auth).toMatchObject({ kind: 'oauth2', scopes: ['499b84ac-1321-427f-aa17-267ca6975798/.default', 'offline_access'], refreshWithScope: true });
    // Personal access tokens: Basic base64(":{PAT}").
    expect(azureDevOpsIntegration.alternativeAuth).toEqual({ kind: 'apiKey', header: 'authorization', basicUser: '' });
    expect(azureDevOpsIntegration.apiBaseUrl).toBe('https://dev.azure.com');
    for (const t of azureDevOpsIntegration.triggers) expect(t.source.kind === 'webhook' && t.source.redeliveryDays).toBeFalsy();
  });

  it('verifies the secret header exactly, in constant time', () => {
    const req = delivery(created, { 'x-opentriggers-secret': 'the-secret' });
    expect(verifyRequest(AZURE_DEVOPS_SECRET_SCHEME, req, { secret: 'the-secret' }, Date.now())).toEqual({ ok: true });
    expect(signRequest(AZURE_DEVOPS_SECRET_SCHEME, req, { secret: 'the-secret' }, Date.now())).toEqual({ 'x-opentriggers-secret': 'the-secret' });
    expect(verifyRequest(AZURE_DEVOPS_SECRET_SCHEME, { ...req, headers: { 'x-opentriggers-secret': 'the-secreT' } }, { secret: 'the-secret' }, Date.now()).ok).toBe(false);
    expect(verifyRequest(AZURE_DEVOPS_SECRET_SCHEME, { ...req, headers: {} }, { secret: 'the-secret' }, Date.now()).ok).toBe(false);
  });

  it('validates parameters and builds organization URLs', () => {
    expect(projectIdProblem(PROJECT_ID)).toBeNull();
    expect(projectIdProblem('Fabrikam Fiber')).toBeNull();
    for (const bad of ['', 'a/b', '../x', 'a?b', 'a#b', '%2e', 42]) expect(projectIdProblem(bad)).not.toBeNull();
    expect(repositoryIdProblem(undefined)).toBeNull();
    expect(repositoryIdProblem('278d5cd2-584d-4b63-824a-2ba458937249')).toBeNull();
    expect(repositoryIdProblem('main')).not.toBeNull();
    expect(orgApi(EXTRA, 'hooks/subscriptions')).toBe('/fabrikam/_apis/hooks/subscriptions?api-version=7.1');
    for (const extra of [{}, { organization: '../x' }, { organization: 'a/b' }, { organization: 'https://evil' }]) {
      expect(() => orgApi(extra, 'hooks/subscriptions')).toThrow(ProviderError);
    }
    expect(azureMessage({ $id: '1', message: 'TF400813: nope' })).toBe('TF400813: nope');
    expect(azureMessage(null)).toBeUndefined();
  });

  it('registers a webHooks subscription with our header, checks and deletes it', async () => {
    const { state } = await reg('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED');
    const sub = ado.subscriptions.get(state.subscriptionId as string)!;
    expect(sub).toMatchObject({ publisherId: 'tfs', eventType: 'workitem.created', consumerId: 'webHooks', consumerActionId: 'httpRequest', publisherInputs: { projectId: PROJECT_ID } });
    expect(sub.consumerInputs.url).toBe('https://ot.example/hooks/s/sub-1');
    expect(parseHttpHeaders(sub.consumerInputs.httpHeaders)).toEqual({ 'x-opentriggers-secret': 'f'.repeat(64) });
    const c = { ...ctx(), state };
    expect(await source('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED').check!(c)).toBe('active');
    sub.status = 'onProbation';
    expect(await source('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED').check!(c)).toBe('active');
    sub.status = 'disabledBySystem';
    expect(await source('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED').check!(c)).toBe('inactive');
    await source('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED').unregister(c);
    expect(ado.subscriptions.size).toBe(0);
    expect(await source('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED').check!(c)).toBe('gone');
    await source('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED').unregister(c); // 404: already gone
    expect(await source('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED').check!({ ...ctx(), state: { subscriptionId: '../../x' } })).toBe('gone');
  });

  it('maps errors: 404/403 permanent with the TF message, 429 rate_limited with Retry-After, 5xx transient, 401 and 203 auth', async () => {
    const type = 'AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED';
    const missing = await errorOf(reg(type, { projectId: '99999999-2222-3333-4444-555555555555' }));
    expect([missing.kind, missing.status]).toEqual(['permanent', 404]);
    expect(missing.message).toContain('TF200016');
    const forbidden = await errorOf(reg(type, { projectId: '11111111-2222-3333-4444-555555555555' }));
    expect([forbidden.kind, forbidden.message.includes('TF400813')]).toEqual(['permanent', true]);
    ado.rateLimitNext(30);
    const limited = await errorOf(reg(type));
    expect([limited.kind, limited.retryAfterMs]).toEqual(['rate_limited', 30_000]);
    ado.failNext(1, 503);
    expect((await errorOf(reg(type))).kind).toBe('transient');
    ado.validTokens.clear();
    expect((await errorOf(reg(type))).kind).toBe('auth');
    ado.signInPageForUnknownTokens = true;
    const signIn = await errorOf(reg(type));
    expect([signIn.kind, signIn.status]).toEqual(['auth', 203]);
    expect(signIn.message).not.toContain(TOKEN);
    expect((await errorOf(reg(type, { projectId: PROJECT_ID }, {}))).kind).toBe('permanent');
  });

  describe('toItems', () => {
    const items = async (type: string, body: unknown): Promise<Item[]> => (await source(type).toItems(delivery(body), { ...ctx(), state: {} })) as Item[];

    it('keys from the resource, the same for a retry or a second notification of the same change', async () => {
      expect(await items('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', created)).toEqual([{ key: 'workitem:5:created', payload: created, occurredAt: Date.parse('2026-12-07T17:42:45Z') }]);
      expect((await items('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', { ...created, id: 'other-event', notificationId: 7 }))[0]!.key).toBe('workitem:5:created');
      expect((await items('AZURE_DEVOPS_TRIGGER_WORK_ITEM_UPDATED', updated))[0]!.key).toBe('workitem:5:rev:2');
      expect((await items('AZURE_DEVOPS_TRIGGER_WORK_ITEM_UPDATED', { ...updated, resource: { ...updated.resource, rev: 3 } }))[0]!.key).toBe('workitem:5:rev:3');
      expect((await items('AZURE_DEVOPS_TRIGGER_CODE_PUSHED', pushed))[0]!.key).toBe('push:278d5cd2-584d-4b63-824a-2ba458937249:14');
    });

    it('ignores other event types; falls back to the event id without the resource fields', async () => {
      expect(await items('AZURE_DEVOPS_TRIGGER_WORK_ITEM_CREATED', updated)).toEqual([]);
      expect(await items('AZURE_DEVOPS_TRIGGER_CODE_PUSHED', created)).toEqual([]);
      expect((await items('AZURE_DEVOPS_TRIGGER_CODE_PUSHED', { ...pushed, resource: {} }))[0]!.key).toBe(`event:${pushed.id}`);
      expect(await items('AZURE_DEVOPS_TRIGGER_CODE_PUSHED', { eventType: 'git.push', resource: {} })).toEqual([]);
    });
  });
});
