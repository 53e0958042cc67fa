// Jotform triggers at the source level: the account id from GET /user, adding, checking and removing the form
// webhook against the fake Jotform over real HTTP (position lookup by URL), the URL-token verification, the
// parsing of multipart deliveries (rawRequest decoded, other forms' submissions ignored, keys by submission id),
// the created-since polls (baseline, one-second overlap, paging, unreadable cursor), parameters and errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FormData } from 'undici';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { shiftJotformTime } from '../../src/integrations/jotform/api.js';
import webhookSubmission from '../../src/integrations/jotform/fixtures/webhook-submission.json' with { type: 'json' };
import { jotformIntegration } from '../../src/integrations/jotform/integration.js';
import { parseDelivery } from '../../src/integrations/jotform/webhooks.js';
import { hookUrlWithToken, ProviderError, URL_TOKEN, verifyRequest, type HttpClient, type InboundRequest, type PollSource, type WebhookSource } from '../../src/sdk/index.js';
import { jotformTime, startFakeJotform, type FakeJotform, type JotformRow } from '../providers/jotform.js';

const silent = { debug() {}, info() {}, warn() {} };
const SECRET = 'c'.repeat(64);
const trigger = (type: string) => jotformIntegration.triggers.find((x) => x.type === type)!;
const webhook = () => trigger('JOTFORM_TRIGGER_NEW_SUBMISSION').source as WebhookSource;
const poll = (type: string) => trigger(type).source as PollSource;

/** A delivery as Jotform sends it: multipart/form-data with string fields. */
async function inbound(fields: Record<string, unknown>, url = `/hooks/s/x?token=${SECRET}`): Promise<InboundRequest> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  const res = new Response(form as unknown as BodyInit);
  const rawBody = Buffer.from(await res.arrayBuffer());
  return { method: 'POST', url, headers: { 'content-type': res.headers.get('content-type')! }, rawBody, body: rawBody };
}

describe('jotform', () => {
  let jf: FakeJotform;
  let http: HttpClient;
  let form: JotformRow;
  const ctx = (params: Record<string, unknown> = { formId: form.id }) => ({ http, params, credential: { id: 'cred-1', providerAccountId: 'johnsmith', extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now });

  beforeEach(async () => {
    jf = await startFakeJotform();
    jf.validKeys.add('jf-key');
    form = jf.addForm('2023-02-27 10:48:17');
    http = createProviderHttp({ integration: jotformIntegration, apiBaseUrl: jf.url, auth: { canRefresh: false, headers: async () => ({ APIKEY: 'jf-key' }) } });
  });
  afterEach(async () => jf.close());

  it('names the account by its username and refuses a wrong key as auth', async () => {
    expect(await jotformIntegration.accountId!({ http, token: { accessToken: 'jf-key' } })).toEqual({ providerAccountId: 'johnsmith' });
    jf.validKeys.clear();
    await expect(jotformIntegration.accountId!({ http, token: { accessToken: 'x' } })).rejects.toMatchObject({ kind: 'auth', status: 401 });
  });

  it('validates formId and declares the URL token scheme', () => {
    const p = trigger('JOTFORM_TRIGGER_NEW_SUBMISSION').parameters[0]!;
    expect(p.validate!('230583697150159')).toBeNull();
    for (const bad of ['', '12ab', '../user', 42, null, '1'.repeat(21)]) expect(p.validate!(bad)).toContain('formId');
    expect(webhook().verification).toEqual({ kind: 'sharedSecret', queryParam: 'token' });
    expect(trigger('JOTFORM_TRIGGER_NEW_SUBMISSION').examplePayload).toBe(webhookSubmission);
  });

  it('checks the URL token in constant time: right one accepted, wrong or missing refused', () => {
    const req = (url: string) => ({ method: 'POST', url, headers: {}, rawBody: Buffer.alloc(0) });
    expect(hookUrlWithToken('https://ot.example.com/hooks/s/abc', SECRET)).toBe(`https://ot.example.com/hooks/s/abc?token=${SECRET}`);
    expect(verifyRequest(URL_TOKEN, req(`/hooks/s/x?token=${SECRET}`), { secret: SECRET }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(URL_TOKEN, req(`/hooks/s/x?token=${'d'.repeat(64)}`), { secret: SECRET }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(URL_TOKEN, req('/hooks/s/x'), { secret: SECRET }, Date.now())).toMatchObject({ ok: false, reason: 'missing_signature' });
  });

  it('adds, checks and removes the form webhook, finding its position by URL', async () => {
    const src = webhook();
    jf.hooks.set(form.id, ['https://a.example.com/']);
    const reg = await src.register({ ...ctx(), hookUrl: 'https://ot.example.com/hooks/s/sub1', secret: SECRET });
    expect(reg.state).toEqual({ formId: form.id, url: `https://ot.example.com/hooks/s/sub1?token=${SECRET}` });
    expect(jf.requests.at(-1)).toMatchObject({ method: 'POST', path: `/form/${form.id}/webhooks`, apiKey: 'jf-key', body: { webhookURL: reg.state.url } });
    expect(await src.check!({ ...ctx(), state: reg.state })).toBe('active');
    jf.hooks.set(form.id, ['https://a.example.com/', 'https://b.example.com/', reg.state.url as string]);
    await src.unregister({ ...ctx(), state: reg.state });
    expect(jf.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/form/${form.id}/webhooks/2` });
    expect(jf.hooks.get(form.id)).toEqual(['https://a.example.com/', 'https://b.example.com/']);
    expect(await src.check!({ ...ctx(), state: reg.state })).toBe('gone');
    // Already gone, or the form deleted: nothing to do, no error.
    await src.unregister({ ...ctx(), state: reg.state });
    await src.unregister({ ...ctx(), state: { ...reg.state, formId: '999999999' } });
    expect(await src.check!({ ...ctx(), state: { ...reg.state, formId: '999999999' } })).toBe('gone');
  });

  it('maps refusals: unknown form names formId, 429 waits, 5xx transient, 401 auth', async () => {
    const src = webhook();
    const reg = (formId = form.id) => src.register({ ...ctx({ formId }), hookUrl: 'https://ot.example.com/hooks/s/sub1', secret: SECRET });
    await expect(reg('111111111111')).rejects.toMatchObject({ kind: 'permanent', status: 404, message: expect.stringContaining('111111111111') });
    jf.failNext(1, 429, 'API-Limit exceeded');
    const limited = await reg().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ProviderError);
    expect(limited).toMatchObject({ kind: 'rate_limited', message: 'Jotform 429: API-Limit exceeded', retryAfterMs: 3_600_000 });
    jf.failNext(1, 502);
    await expect(reg()).rejects.toMatchObject({ kind: 'transient' });
    jf.validKeys.clear();
    await expect(reg()).rejects.toMatchObject({ kind: 'auth' });
    await expect(src.check!({ ...ctx(), state: { formId: form.id, url: 'x' } })).rejects.toMatchObject({ kind: 'auth' });
  });

  it('reads multipart deliveries: rawRequest decoded, keyed by submission id, other forms and junk ignored', async () => {
    const src = webhook();
    const c = { ...ctx({ formId: '230583697150159' }), state: {} };
    const req = await inbound(webhookSubmission);
    expect(src.deliveryId!(req)).toBe('5308741572752112119');
    expect(await src.toItems(req, c)).toEqual([{ key: '5308741572752112119', payload: webhookSubmission }]);
    expect(await src.toItems(await inbound({ ...webhookSubmission, formID: '230583697150999' }), c)).toEqual([]);
    expect(await src.toItems(await inbound({ ...webhookSubmission, submissionID: '' }), c)).toEqual([]);
    expect(await src.toItems({ method: 'POST', url: '/', headers: { 'content-type': 'multipart/form-data; boundary=x' }, rawBody: Buffer.from('garbage'), body: null }, c)).toEqual([]);
    expect(await src.toItems({ ...req, method: 'GET' }, c)).toEqual([]);
    // rawRequest that is not JSON stays the text Jotform sent; prototype keys are dropped.
    const odd = await parseDelivery(await inbound({ submissionID: '1', rawRequest: 'not json', __proto__x: 'y' }));
    expect(odd).toMatchObject({ submissionID: '1', rawRequest: 'not json' });
    // A form-encoded body (already parsed by the engine) is read too.
    expect(await parseDelivery({ method: 'POST', url: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody: Buffer.alloc(0), body: { submissionID: '7', rawRequest: '{"q":1}' } })).toEqual({ submissionID: '7', rawRequest: { q: 1 } });
  });

  it('shifts Jotform times by whole seconds across day boundaries and refuses other formats', () => {
    expect(shiftJotformTime('2024-01-01 00:00:00', -1)).toBe('2023-12-31 23:59:59');
    expect(shiftJotformTime('2024-02-28 23:59:59', 1)).toBe('2024-02-29 00:00:00');
    expect(shiftJotformTime('2024-01-01T00:00:00Z', 0)).toBeNull();
  });

  it('polls new forms: baseline one page newest first, then created after cursor − 1 s, oldest first, paged', async () => {
    const src = poll('JOTFORM_TRIGGER_NEW_FORM');
    const base = await src.poll({ ...ctx({}), cursor: null });
    expect(base).toEqual({ items: [{ key: form.id, payload: form }], cursor: { v: 1, since: '2023-02-27 10:48:17' } });
    expect(jf.requests.at(-1)!.query).toEqual({ limit: '100', offset: '0', orderby: 'created_at', direction: 'DESC' });

    const created = Array.from({ length: 150 }, (_, i) => jf.addForm(jotformTime(Date.parse('2023-03-01T00:00:00Z') + Math.floor(i / 3) * 1000)));
    jf.addForm('2023-03-02 00:00:00', { status: 'DELETED' });
    const next = await src.poll({ ...ctx({}), cursor: base.cursor });
    const reads = jf.requests.filter((r) => r.path === '/user/forms').slice(-2);
    expect(reads.map((r) => r.query)).toEqual([0, 100].map((offset) => ({ limit: '100', offset: String(offset), orderby: 'created_at', direction: 'ASC', filter: '{"created_at:gt":"2023-02-27 10:48:16"}' })));
    // The baseline form (same second as the cursor) is read again; the engine dedupes it by key.
    expect(next.items.map((i) => i.key)).toEqual([form.id, ...created.map((f) => f.id)]);
    expect(next.cursor).toEqual({ v: 1, since: '2023-03-02 00:00:00' });
    // An unreadable cursor starts over with a baseline and delivers nothing.
    expect((await src.poll({ ...ctx({}), cursor: { v: 1, since: 'yesterday' } })).items).toEqual([]);
  });

  it('polls new submissions of every form, leaving deleted ones out', async () => {
    const src = poll('JOTFORM_TRIGGER_NEW_SUBMISSION_ANY_FORM');
    jf.addSubmission(form.id, '2023-03-01 09:00:00');
    const base = await src.poll({ ...ctx({}), cursor: null });
    expect(base.cursor).toEqual({ v: 1, since: '2023-03-01 09:00:00' });
    const s = jf.addSubmission(form.id, '2023-03-01 09:00:05');
    jf.addSubmission(form.id, '2023-03-01 09:00:06', { status: 'DELETED' });
    const next = await src.poll({ ...ctx({}), cursor: base.cursor });
    expect(next.items.map((i) => i.key)).toContain(s.id);
    expect(next.items).toHaveLength(2); // the overlapping one from the cursor's second, and the new one
    expect(jf.requests.at(-1)!.path).toBe('/user/submissions');
    jf.failNext(1, 429, 'API-Limit exceeded');
    await expect(src.poll({ ...ctx({}), cursor: next.cursor })).rejects.toMatchObject({ kind: 'rate_limited' });
  });
});
