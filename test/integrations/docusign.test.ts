// DocuSign triggers at the source level: real HTTP against the fake DocuSign, with a harness that plays the
// engine's part (the baseline is recorded as seen, each key is kept once, the cursor is stored as JSON), plus the
// account parameters that name the account's API server and account id.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountValuesFromInput, fillAccountTemplate, templatesInEffect } from '../../src/engine/account-parameters.js';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { MAX_PAGES, OVERLAP_MS, PAGE_SIZE, parseDocuSignTime } from '../../src/integrations/docusign/envelopes.js';
import { docusignIntegration } from '../../src/integrations/docusign/integration.js';
import { ProviderError, type AnyTriggerDefinition, type HttpClient, type Item, type PollSource } from '../../src/sdk/index.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { DOCUSIGN_ACCOUNT, DOCUSIGN_SERVER, docuSignTime, startFakeDocuSign, type FakeDocuSign } from '../providers/docusign.js';

const SEC = 1000;
const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 27, 15, 0, 0);
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = docusignIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  now = T0;
  constructor(private readonly http: HttpClient, private readonly type: string) {}
  async poll(): Promise<Item[]> {
    const source = trigger(this.type).source as PollSource;
    const r = await source.poll({
      http: this.http, params: {}, credential: { id: 'cred-1', providerAccountId: null, extra: { server: DOCUSIGN_SERVER, accountId: DOCUSIGN_ACCOUNT } },
      log: silent, signal: AbortSignal.timeout(10_000), now: () => this.now, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

describe('docusign', () => {
  let fake: FakeDocuSign;
  let http: HttpClient;
  const harness = (type: string) => new Harness(http, type);
  const ids = (items: Item[]) => items.map((i) => i.key);
  beforeEach(async () => {
    fake = await startFakeDocuSign();
    http = createProviderHttp({
      integration: docusignIntegration, apiBaseUrl: `${fake.url}/${DOCUSIGN_SERVER}/restapi/v2.1/accounts/${DOCUSIGN_ACCOUNT}`,
      auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer ds-token-1' }) },
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the four envelope triggers, OAuth with scope signature, and the account server and id as account parameters', () => {
    expect(docusignIntegration.triggers.map((t) => t.type)).toEqual([
      'DOCUSIGN_TRIGGER_ENVELOPE_SENT', 'DOCUSIGN_TRIGGER_ENVELOPE_COMPLETED', 'DOCUSIGN_TRIGGER_ENVELOPE_DECLINED', 'DOCUSIGN_TRIGGER_ENVELOPE_VOIDED',
    ]);
    expect(docusignIntegration.auth).toMatchObject({ kind: 'oauth2', scopes: ['signature'], tokenUrl: 'https://account.docusign.com/oauth/token' });
    expect(docusignIntegration.apiBaseUrl).toBe('https://{server}.docusign.net/restapi/v2.1/accounts/{accountId}');
    for (const t of docusignIntegration.triggers) expect(t.source.kind).toBe('poll');
  });

  it('takes the server as one label under docusign.net and the API Account ID (a GUID) as a path segment, refusing anything else', () => {
    const templates = templatesInEffect(docusignIntegration, null);
    const values = accountValuesFromInput(docusignIntegration, { server: 'NA3.docusign.net', accountId: DOCUSIGN_ACCOUNT.toUpperCase() }, { field: 'parameters', strict: true, templates });
    expect(values).toEqual({ server: 'na3', accountId: DOCUSIGN_ACCOUNT });
    expect(fillAccountTemplate(docusignIntegration, docusignIntegration.apiBaseUrl, values)).toBe(`https://na3.docusign.net/restapi/v2.1/accounts/${DOCUSIGN_ACCOUNT}`);
    for (const [input, field] of [
      [{ server: 'evil.example.com/x', accountId: DOCUSIGN_ACCOUNT }, 'parameters.server'],
      [{ server: 'na3', accountId: `${DOCUSIGN_ACCOUNT}/../../x` }, 'parameters.accountId'],
      [{ server: 'na3' }, 'parameters.accountId'],
      [{ accountId: DOCUSIGN_ACCOUNT }, 'parameters.server'],
    ] as const) {
      expect(() => accountValuesFromInput(docusignIntegration, input, { field: 'parameters', strict: true, templates })).toThrow(field);
    }
    expect(() => fillAccountTemplate(docusignIntegration, docusignIntegration.apiBaseUrl, { server: 'na3' })).toThrow(ProviderError);
  });

  it('reads DocuSign times with seven fractional digits', () => {
    expect(parseDocuSignTime('2026-03-02T15:22:09.2670000Z')).toBe(Date.UTC(2026, 2, 2, 15, 22, 9, 267));
    expect(parseDocuSignTime(docuSignTime(T0 + 5))).toBe(T0 + 5);
    expect(parseDocuSignTime('2026-03-02T15:22:09Z')).toBe(Date.UTC(2026, 2, 2, 15, 22, 9));
    expect(parseDocuSignTime('yesterday')).toBeNaN();
    expect(parseDocuSignTime(undefined)).toBeNaN();
  });

  it('envelope completed: the baseline records recent completions, each later completion is delivered once', async () => {
    const before = fake.addEnvelope({ createdAt: T0 - 10 * MIN });
    fake.transition(before.envelopeId, 'completed', T0 - 2 * MIN);
    const h = harness('DOCUSIGN_TRIGGER_ENVELOPE_COMPLETED');
    expect(await h.poll()).toEqual([]);
    expect(fake.lists()[0]).toMatchObject({
      auth: 'Bearer ds-token-1', path: `/${DOCUSIGN_SERVER}/restapi/v2.1/accounts/${DOCUSIGN_ACCOUNT}/envelopes`,
      query: { from_date: new Date(T0 - OVERLAP_MS).toISOString(), from_to_status: 'completed', count: String(PAGE_SIZE), start_position: '0' },
    });

    const e = fake.addEnvelope({ createdAt: T0, emailSubject: 'NDA' });
    fake.transition(e.envelopeId, 'sent', T0 + SEC);
    h.now = T0 + MIN;
    expect(await h.poll()).toEqual([]); // sent is not completed
    fake.transition(e.envelopeId, 'completed', T0 + 2 * MIN);
    h.now = T0 + 3 * MIN;
    const [item] = await h.poll();
    expect(item).toMatchObject({ key: e.envelopeId, occurredAt: T0 + 2 * MIN, payload: { envelopeId: e.envelopeId, status: 'completed', emailSubject: 'NDA', completedDateTime: docuSignTime(T0 + 2 * MIN) } });
    h.now = T0 + 4 * MIN;
    expect(await h.poll()).toEqual([]);
    // The next query re-reads from a little before the newest completion seen.
    expect(fake.lists().at(-1)!.query.from_date).toBe(new Date(T0 + 2 * MIN - OVERLAP_MS).toISOString());
  });

  it('sent, declined and voided each fire for their own status only', async () => {
    const sent = harness('DOCUSIGN_TRIGGER_ENVELOPE_SENT');
    const declined = harness('DOCUSIGN_TRIGGER_ENVELOPE_DECLINED');
    const voided = harness('DOCUSIGN_TRIGGER_ENVELOPE_VOIDED');
    for (const h of [sent, declined, voided]) await h.poll();
    const a = fake.addEnvelope({ createdAt: T0 });
    const b = fake.addEnvelope({ createdAt: T0 });
    fake.transition(a.envelopeId, 'sent', T0 + SEC);
    fake.transition(b.envelopeId, 'sent', T0 + 2 * SEC);
    fake.transition(a.envelopeId, 'declined', T0 + 3 * SEC);
    fake.transition(b.envelopeId, 'voided', T0 + 4 * SEC);
    for (const h of [sent, declined, voided]) h.now = T0 + MIN;
    expect(ids(await sent.poll()).sort()).toEqual([a.envelopeId, b.envelopeId].sort());
    expect(ids(await declined.poll())).toEqual([a.envelopeId]);
    expect(ids(await voided.poll())).toEqual([b.envelopeId]);
    expect(new Set(fake.lists().slice(3).map((r) => r.query.from_to_status))).toEqual(new Set(['sent', 'declined', 'voided']));
  });

  it('reads every page, and continues the same query at the next start position after the page cap', async () => {
    const h = harness('DOCUSIGN_TRIGGER_ENVELOPE_COMPLETED');
    await h.poll();
    const total = MAX_PAGES * PAGE_SIZE + 150;
    const made = Array.from({ length: total }, () => fake.transition(fake.addEnvelope({ createdAt: T0 }).envelopeId, 'completed', T0 + SEC).envelopeId);
    h.now = T0 + MIN;
    const first = await h.poll();
    expect(first).toHaveLength(MAX_PAGES * PAGE_SIZE);
    const firstQuery = fake.lists()[1]!.query.from_date;
    h.now = T0 + 2 * MIN;
    const second = await h.poll();
    expect(fake.lists().at(-2)).toMatchObject({ query: { from_date: firstQuery, start_position: String(MAX_PAGES * PAGE_SIZE) } });
    expect([...ids(first), ...ids(second)].sort()).toEqual([...made].sort());
    h.now = T0 + 3 * MIN;
    expect(await h.poll()).toEqual([]);
  });

  it("maps DocuSign's errors: rate limits (429 or 400 with the limit's code) wait for X-RateLimit-Reset, 401 auth, 5xx transient, other 400 permanent with the message", async () => {
    const h = harness('DOCUSIGN_TRIGGER_ENVELOPE_SENT');
    const reset = String(Math.floor(T0 / 1000) + 1800);
    fake.failNext(1, 429, { errorCode: 'HOURLY_APIINVOCATION_LIMIT_EXCEEDED', message: 'The maximum number of hourly API invocations has been exceeded.' }, { 'x-ratelimit-reset': reset, 'x-ratelimit-remaining': '0' });
    await expect(h.poll()).rejects.toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 1800 * SEC });
    fake.failNext(1, 400, { errorCode: 'HOURLY_APIINVOCATION_LIMIT_EXCEEDED', message: 'The maximum number of hourly API invocations has been exceeded.' });
    await expect(h.poll()).rejects.toMatchObject({ kind: 'rate_limited', status: 400, retryAfterMs: 60 * SEC });
    fake.failNext(1, 503);
    await expect(h.poll()).rejects.toMatchObject({ kind: 'transient', status: 503 });
    fake.failNext(1, 400, { errorCode: 'ACCOUNT_LACKS_PERMISSIONS', message: 'This account lacks sufficient permissions.' });
    const err = await h.poll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'permanent', status: 400, message: 'DocuSign 400 ACCOUNT_LACKS_PERMISSIONS: This account lacks sufficient permissions.' });
    fake.validTokens.clear();
    await expect(h.poll()).rejects.toMatchObject({ kind: 'auth', status: 401 });
    expect(h.cursor).toBeNull();
  });
});
