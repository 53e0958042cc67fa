// Marketo triggers at the source level: real HTTP against the fake Marketo instance, with a harness that plays the
// engine's part (the baseline is recorded as seen, each key is kept once, the cursor is stored as JSON) and tokens
// fetched with the engine's own token request (client id and secret as form fields), renewed when forced.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountValuesFromInput, fillAccountTemplate } from '../../src/engine/account-parameters.js';
import { createProviderHttp, type AuthProvider } from '../../src/engine/provider-http.js';
import { tokenRequest } from '../../src/engine/tokens.js';
import { MAX_PAGES_PER_POLL, PAGE_SIZE, activityKey } from '../../src/integrations/marketo/activities.js';
import { marketoError, tokenRefused, untilQuotaReset } from '../../src/integrations/marketo/api.js';
import formFixture from '../../src/integrations/marketo/fixtures/activity-form-filled.json' with { type: 'json' };
import { marketoIntegration } from '../../src/integrations/marketo/integration.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { startFakeMarketo, type FakeMarketo } from '../providers/marketo.js';

const T0 = Date.UTC(2026, 10, 27, 15, 0, 0);
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = marketoIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  constructor(
    private readonly http: HttpClient,
    private readonly type: string,
    private readonly params: Record<string, unknown> = {},
  ) {}
  async poll(): Promise<Item[]> {
    const source = trigger(this.type).source as PollSource;
    const r = await source.poll({
      http: this.http, params: this.params, credential: { id: 'cred-1', providerAccountId: null, extra: { munchkinId: '123-ABC-456' } },
      log: silent, signal: AbortSignal.timeout(10_000), now: () => T0, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

describe('marketo', () => {
  let fake: FakeMarketo;
  let http: HttpClient;
  let secret: string;
  const harness = (type: string, params: Record<string, unknown> = {}) => new Harness(http, type, params);
  /** The engine's part for a client-credentials account: exchange when there is no token or when forced (after a 401). */
  const exchanging = (): AuthProvider => {
    let token: string | undefined;
    return {
      canRefresh: true,
      headers: async (force) => {
        if (!token || force) {
          const { status, body } = await tokenRequest(
            { clientId: 'client-1', clientSecret: secret, tokenUrl: `${fake.url}/identity/oauth/token`, clientAuth: 'body', encoding: 'form' },
            { grant_type: 'client_credentials' },
          );
          if (status !== 200) throw new ProviderError('auth', `client credentials refused: HTTP ${status}`, status);
          token = String(body.access_token);
        }
        return { authorization: `Bearer ${token}` };
      },
    };
  };
  beforeEach(async () => {
    fake = await startFakeMarketo({ now: () => T0 });
    secret = 'secret-1';
    http = createProviderHttp({ integration: marketoIntegration, apiBaseUrl: fake.url, auth: exchanging() });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the triggers, client-credentials auth and the instance host from the Munchkin id', () => {
    expect(marketoIntegration.triggers.map((t) => [t.type, t.source.kind])).toEqual([
      ['MARKETO_TRIGGER_NEW_LEAD', 'poll'], ['MARKETO_TRIGGER_FORM_FILLED_OUT', 'poll'], ['MARKETO_TRIGGER_LEAD_DATA_VALUE_CHANGED', 'poll'],
    ]);
    expect(marketoIntegration.auth).toEqual({ kind: 'clientCredentials', tokenUrl: 'https://{munchkinId}.mktorest.com/identity/oauth/token', clientAuth: 'body' });
    const templates = [marketoIntegration.apiBaseUrl];
    const values = (munchkinId: unknown) => accountValuesFromInput(marketoIntegration, { munchkinId }, { field: 'extra', strict: false, templates });
    expect(fillAccountTemplate(marketoIntegration, marketoIntegration.apiBaseUrl, values('123-ABC-456'))).toBe('https://123-abc-456.mktorest.com');
    expect(fillAccountTemplate(marketoIntegration, 'https://{munchkinId}.mktorest.com/identity/oauth/token', values(' 123-abc-456.MKTOREST.com'))).toBe('https://123-abc-456.mktorest.com/identity/oauth/token');
    for (const bad of ['evil.com/', '127.0.0.1', 'a b', '-123-ABC-456']) expect(() => values(bad), bad).toThrow(/single host name label/);
    expect(() => values(undefined)).toThrow(/extra\.munchkinId: required/);
    expect(() => fillAccountTemplate(marketoIntegration, marketoIntegration.apiBaseUrl, {})).toThrow(ProviderError);
    expect(activityKey(formFixture)).toBe('3');
    expect(activityKey({ id: 7 })).toBe('7');
  });

  it('baseline takes a paging token and delivers nothing; new activities are delivered once', async () => {
    fake.addActivity({ activityTypeId: 12, activityDate: '2026-11-27T14:59:00Z' }); // before the subscription
    const h = harness('MARKETO_TRIGGER_NEW_LEAD');
    expect(await h.poll()).toEqual([]);
    expect(fake.requests.map((r) => r.path)).toEqual(['/identity/oauth/token', '/rest/v1/activities/pagingtoken.json']);
    expect(fake.tokenRequests()[0]).toMatchObject({ method: 'POST', auth: undefined, form: { grant_type: 'client_credentials', client_id: 'client-1', client_secret: 'secret-1' } });
    const lead = fake.addActivity({ activityTypeId: 12, leadId: 42 });
    fake.addActivity({ activityTypeId: 1 });
    const got = await h.poll();
    expect(got.map((i) => [i.key, (i.payload as { leadId: number }).leadId])).toEqual([[lead.marketoGUID, 42]]);
    expect(fake.activityLists()[0]!.query).toMatchObject({ activityTypeIds: '12', batchSize: String(PAGE_SIZE) });
    expect(fake.activityLists()[0]!.auth).toMatch(/^Bearer .+:int$/);
    expect(await h.poll()).toEqual([]);
    expect(fake.tokenRequests()).toHaveLength(1); // the token is kept, not fetched per poll
  });

  it('token endpoint: client id and secret as form fields or query parameters, never HTTP Basic', async () => {
    const client = { clientId: 'client-1', clientSecret: 'secret-1', tokenUrl: `${fake.url}/identity/oauth/token`, clientAuth: 'body' as const, encoding: 'form' as const };
    expect(await tokenRequest(client, { grant_type: 'client_credentials' })).toMatchObject({ status: 200, body: { token_type: 'bearer', expires_in: 3599 } });
    expect(await tokenRequest({ ...client, clientSecret: 'old' }, { grant_type: 'client_credentials' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await tokenRequest({ ...client, clientAuth: 'basic' }, { grant_type: 'client_credentials' })).toMatchObject({ status: 401 });
    const get = await fetch(`${fake.url}/identity/oauth/token?grant_type=client_credentials&client_id=client-1&client_secret=secret-1`);
    expect(get.status).toBe(200);
  });

  it('filters form fills by form id and data value changes by field', async () => {
    const forms = harness('MARKETO_TRIGGER_FORM_FILLED_OUT', { formId: '1001' });
    const fields = harness('MARKETO_TRIGGER_LEAD_DATA_VALUE_CHANGED', { field: 'lead score' });
    await forms.poll();
    await fields.poll();
    const fill = fake.addActivity({ activityTypeId: 2, primaryAttributeValueId: 1001, primaryAttributeValue: 'Contact Us' });
    fake.addActivity({ activityTypeId: 2, primaryAttributeValueId: 1002 });
    const change = fake.addActivity({ activityTypeId: 13, primaryAttributeValue: 'Lead Score' });
    fake.addActivity({ activityTypeId: 13, primaryAttributeValue: 'First Name' });
    expect((await forms.poll()).map((i) => i.key)).toEqual([fill.marketoGUID]);
    expect((await fields.poll()).map((i) => i.key)).toEqual([change.marketoGUID]);
  });

  it('follows nextPageToken while moreResult, bounded per poll, and continues next poll', async () => {
    const h = harness('MARKETO_TRIGGER_NEW_LEAD');
    await h.poll();
    const ids = Array.from({ length: PAGE_SIZE * (MAX_PAGES_PER_POLL + 2) }, () => fake.addActivity({ activityTypeId: 12 }).marketoGUID);
    const first = await h.poll();
    expect(fake.activityLists()).toHaveLength(MAX_PAGES_PER_POLL);
    const second = await h.poll();
    expect([...first, ...second].map((i) => i.key)).toEqual(ids);
  });

  it('on 601/602 (HTTP 200) the engine exchanges again and retries once; refused twice is auth', async () => {
    const body = (code: string) => ({ status: 200, headers: {}, body: { requestId: 'x', success: false, errors: [{ code, message: 'm' }] } });
    expect([tokenRefused(body('601')), tokenRefused(body('602')), tokenRefused(body('606')), tokenRefused({ status: 200, headers: {}, body: { success: true } })]).toEqual([true, true, false, false]);
    const h = harness('MARKETO_TRIGGER_NEW_LEAD');
    await h.poll();
    fake.expireTokens();
    const a = fake.addActivity({ activityTypeId: 12 });
    expect((await h.poll()).map((i) => i.key)).toEqual([a.marketoGUID]);
    expect(fake.tokenRequests()).toHaveLength(2);
    expect(fake.activityLists()).toHaveLength(2); // refused with 602, then retried with the new token
    expect(fake.activityLists()[0]!.auth).not.toBe(fake.activityLists()[1]!.auth);
    fake.failNext(2, { code: '601', message: 'Access token invalid' });
    await expect(h.poll()).rejects.toMatchObject({ kind: 'auth' });
    expect(fake.tokenRequests()).toHaveLength(3);
    secret = 'regenerated';
    fake.expireTokens();
    const err = await h.poll().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth', status: 401 });
  });

  it('classifies Marketo errors from 200 bodies and HTTP statuses', async () => {
    expect(marketoError([{ code: '606', message: 'Max rate limit exceeded' }], T0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 20_000 });
    expect(marketoError([{ code: '615', message: 'Concurrent access limit reached' }], T0)).toMatchObject({ kind: 'rate_limited' });
    const quota = marketoError([{ code: '607', message: 'Daily quota reached' }], T0);
    expect(quota.kind).toBe('rate_limited');
    expect(quota.retryAfterMs).toBe(untilQuotaReset(T0));
    expect(untilQuotaReset(Date.UTC(2026, 0, 1, 5, 0, 0))).toBe(3600_000); // 23:00 CST → an hour to midnight
    expect(marketoError([{ code: '611', message: 'System error' }], T0).kind).toBe('transient');
    expect(marketoError([{ code: '1003', message: 'Invalid value' }], T0)).toMatchObject({ kind: 'permanent', message: 'Marketo error 1003: Invalid value' });
    const h = harness('MARKETO_TRIGGER_NEW_LEAD');
    await h.poll();
    fake.failNext(1, { code: '606', message: 'Max rate limit 100 exceeded with in 20 secs' });
    await expect(h.poll()).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 20_000 });
    fake.failNext(1, { status: 503 });
    await expect(h.poll()).rejects.toMatchObject({ kind: 'transient', status: 503 });
    fake.failNext(1, { code: '1003', message: 'activityTypeIds is required' });
    await expect(h.poll()).rejects.toMatchObject({ kind: 'permanent', message: 'Marketo error 1003: activityTypeIds is required' });
  });
});
