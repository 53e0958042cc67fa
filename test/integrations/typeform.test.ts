// Typeform triggers at the source level: webhook registration, removal and the hourly check against the fake
// Typeform over real HTTP, the signature scheme against the documented computation, the mapping of webhook
// bodies to items and keys, parameter validation, error mapping, and the new-form poll.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { webhookTag } from '../../src/integrations/typeform/api.js';
import formResponsePartial from '../../src/integrations/typeform/fixtures/form-response-partial.json' with { type: 'json' };
import formResponse from '../../src/integrations/typeform/fixtures/form-response.json' with { type: 'json' };
import { typeformIntegration } from '../../src/integrations/typeform/integration.js';
import { TYPEFORM_SIGNATURE } from '../../src/integrations/typeform/webhooks.js';
import { signRequest, verifyRequest, type HttpClient, type InboundRequest, type PollSource, type WebhookSource } from '../../src/sdk/index.js';
import { startFakeTypeform, typeformSignature, type FakeTypeform } from '../providers/typeform.js';

const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string) {
  const t = typeformIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}
function source(type: string): WebhookSource {
  const s = trigger(type).source;
  if (s.kind !== 'webhook') throw new Error(`${type} is not a webhook trigger`);
  return s;
}

function inbound(body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

describe('typeform', () => {
  let tf: FakeTypeform;
  let http: HttpClient;
  const ctx = (params: Record<string, unknown> = { formId: 'lT4Z3j' }) => ({
    http, params, credential: { id: 'cred-1', providerAccountId: tf.userId, extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });

  beforeEach(async () => {
    tf = await startFakeTypeform();
    tf.validTokens.add('valid-token');
    http = createProviderHttp({ integration: typeformIntegration, apiBaseUrl: tf.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await tf.close();
  });

  it('declares the trigger types, OAuth with the offline scope, and the API host', () => {
    expect(typeformIntegration.key).toBe('typeform');
    expect(typeformIntegration.triggers.map((t) => t.type)).toEqual(['TYPEFORM_TRIGGER_NEW_RESPONSE', 'TYPEFORM_TRIGGER_NEW_PARTIAL_RESPONSE', 'TYPEFORM_TRIGGER_NEW_FORM']);
    expect(typeformIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://api.typeform.com/oauth/authorize', tokenUrl: 'https://api.typeform.com/oauth/token', scopeSeparator: ' ',
    });
    if (typeformIntegration.auth.kind !== 'oauth2') throw new Error('oauth2 expected');
    expect(typeformIntegration.auth.scopes).toEqual(expect.arrayContaining(['offline', 'accounts:read', 'forms:read', 'webhooks:read', 'webhooks:write', 'responses:read']));
    expect(typeformIntegration.apiBaseUrl).toBe('https://api.typeform.com');
    // Response triggers: no signed timestamp, so the dedupe marker must outlive replays (no redeliveryDays).
    expect(source('TYPEFORM_TRIGGER_NEW_RESPONSE').redeliveryDays).toBeUndefined();
    expect(source('TYPEFORM_TRIGGER_NEW_PARTIAL_RESPONSE').redeliveryDays).toBeUndefined();
  });

  it('identifies the account with GET /me', async () => {
    expect(await typeformIntegration.accountId!({ http, token: { accessToken: 'valid-token' } })).toEqual({
      providerAccountId: tf.userId, extra: { alias: 'John Doe', email: 'john.doe@example.com' },
    });
    tf.failNext(1, 403, { code: 'FORBIDDEN', description: 'Missing scope accounts:read' });
    await expect(typeformIntegration.accountId!({ http, token: { accessToken: 'valid-token' } })).rejects.toMatchObject({ kind: 'permanent', status: 403, message: 'Typeform 403 FORBIDDEN: Missing scope accounts:read' });
  });

  describe('signature', () => {
    const body = JSON.stringify(formResponse);
    const secret = 'a'.repeat(64);
    // The documented computation, done here independently: base64 of the binary HMAC-SHA256 digest, prefixed.
    const expected = `sha256=${createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('base64')}`;
    const req = (headers: Record<string, string>, raw = body) => ({ method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(raw) });

    it('accepts the documented sha256=<base64> header and signs the same way as the fake Typeform', () => {
      expect(typeformSignature(secret, body)).toBe(expected);
      expect(expected).toMatch(/^sha256=[A-Za-z0-9+/]{43}=$/);
      expect(verifyRequest(TYPEFORM_SIGNATURE, req({ 'typeform-signature': expected }), { secret }, Date.now())).toEqual({ ok: true });
      expect(signRequest(TYPEFORM_SIGNATURE, req({}), { secret }, Date.now())).toEqual({ 'typeform-signature': expected });
    });

    it('refuses another secret, a tampered body, a missing header, and a hex digest', () => {
      expect(verifyRequest(TYPEFORM_SIGNATURE, req({ 'typeform-signature': expected }), { secret: 'b'.repeat(64) }, Date.now()).ok).toBe(false);
      expect(verifyRequest(TYPEFORM_SIGNATURE, req({ 'typeform-signature': expected }, body.replace('Laura', 'Mallory')), { secret }, Date.now()).ok).toBe(false);
      expect(verifyRequest(TYPEFORM_SIGNATURE, req({}), { secret }, Date.now()).ok).toBe(false);
      const hex = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      expect(verifyRequest(TYPEFORM_SIGNATURE, req({ 'typeform-signature': hex }), { secret }, Date.now()).ok).toBe(false);
      expect(verifyRequest(TYPEFORM_SIGNATURE, req({ 'typeform-signature': expected.slice('sha256='.length) }), { secret }, Date.now()).ok).toBe(false);
    });
  });

  describe('parameters', () => {
    const formId = () => trigger('TYPEFORM_TRIGGER_NEW_RESPONSE').parameters.find((p) => p.id === 'formId')!;
    it('requires a form id made of letters and digits', () => {
      expect(formId()).toMatchObject({ required: true, type: 'TEXT' });
      expect(formId().validate!('u6nXL7')).toBeNull();
      for (const bad of ['', 'https://mysite.typeform.com/to/u6nXL7', '../me', 'a/b', 'u6nXL7?x=1', 42, null]) {
        expect(formId().validate!(bad)).toMatch(/form id/);
      }
      const ws = trigger('TYPEFORM_TRIGGER_NEW_FORM').parameters.find((p) => p.id === 'workspaceId')!;
      expect([ws.required, ws.validate!(undefined), ws.validate!('ws1'), ws.validate!('a/b')]).toEqual([false, null, null, 'must be a Typeform workspace id (letters and digits)']);
    });
  });

  describe('register / unregister / check', () => {
    const hookUrl = 'https://ot.example/hooks/s/sub-1';

    it('puts one webhook on the form under a tag derived from the hook URL, with our secret and event type, and deletes it', async () => {
      const s = source('TYPEFORM_TRIGGER_NEW_RESPONSE');
      const reg = await s.register({ ...ctx(), hookUrl, secret: 'f'.repeat(64) });
      const tag = webhookTag(hookUrl);
      expect(tag).toMatch(/^opentriggers-[0-9a-f]{20}$/);
      expect(tf.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /forms/lT4Z3j/webhooks/${tag}`]);
      expect(tf.requests[0]!.body).toEqual({ url: hookUrl, enabled: true, secret: 'f'.repeat(64), verify_ssl: true, event_types: { form_response: true } });
      const hook = tf.hooks.get(`lT4Z3j/${tag}`)!;
      expect(reg).toEqual({ state: { formId: 'lT4Z3j', tag, url: hookUrl, webhookId: hook.id } });
      expect(await s.check!({ ...ctx(), state: reg.state })).toBe('active');

      await s.unregister({ ...ctx(), state: reg.state });
      expect(tf.hooks.size).toBe(0);
      expect(tf.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `/forms/lT4Z3j/webhooks/${tag}` });
      // Already gone (deleted in the form's Connect panel): fine.
      await s.unregister({ ...ctx(), state: reg.state });
      expect(await s.check!({ ...ctx(), state: reg.state })).toBe('gone');
    });

    it('gives two subscriptions on one form two webhooks, and the partial trigger its own event type', async () => {
      const a = await source('TYPEFORM_TRIGGER_NEW_RESPONSE').register({ ...ctx(), hookUrl, secret: 'a'.repeat(64) });
      const b = await source('TYPEFORM_TRIGGER_NEW_PARTIAL_RESPONSE').register({ ...ctx(), hookUrl: 'https://ot.example/hooks/s/sub-2', secret: 'b'.repeat(64) });
      expect(a.state.tag).not.toBe(b.state.tag);
      expect(tf.hooksFor('lT4Z3j').map((h) => [h.url, h.secret, h.event_types]).sort()).toEqual([
        [hookUrl, 'a'.repeat(64), { form_response: true }],
        ['https://ot.example/hooks/s/sub-2', 'b'.repeat(64), { form_response_partial: true }],
      ]);
    });

    it('reports a webhook switched off, pointed elsewhere or resubscribed to another event as inactive', async () => {
      const s = source('TYPEFORM_TRIGGER_NEW_RESPONSE');
      const reg = await s.register({ ...ctx(), hookUrl, secret: 'f'.repeat(64) });
      const hook = tf.hooks.get(`lT4Z3j/${reg.state.tag}`)!;
      hook.enabled = false;
      expect(await s.check!({ ...ctx(), state: reg.state })).toBe('inactive');
      hook.enabled = true;
      hook.url = 'https://elsewhere.example/hook';
      expect(await s.check!({ ...ctx(), state: reg.state })).toBe('inactive');
      hook.url = hookUrl;
      hook.event_types = { form_response_partial: true };
      expect(await s.check!({ ...ctx(), state: reg.state })).toBe('inactive');
      hook.event_types = { form_response: true };
      expect(await s.check!({ ...ctx(), state: reg.state })).toBe('active');
      expect(await s.check!({ ...ctx(), state: {} })).toBe('gone');
      tf.failNext(1, 429, { code: 'TOO_MANY_REQUESTS', description: 'Rate limit exceeded' }, { 'retry-after': '7' });
      await expect(s.check!({ ...ctx(), state: reg.state })).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    });

    it('maps Typeform refusals: unknown form, another account\'s form, rate limit, server error', async () => {
      const s = source('TYPEFORM_TRIGGER_NEW_RESPONSE');
      const reg = (formId: string) => s.register({ ...ctx({ formId }), hookUrl, secret: 'x'.repeat(64) });
      await expect(reg('nope42')).rejects.toMatchObject({ kind: 'permanent', status: 404, message: 'Typeform 404 FORM_NOT_FOUND: Non existing form with uid nope42' });
      tf.forms.push({ id: 'theirs', title: 'x', workspace: 'w', created_at: '2020-01-01T00:00:00Z', last_updated_at: '2020-01-01T00:00:00Z', foreign: true });
      await expect(reg('theirs')).rejects.toMatchObject({ kind: 'permanent', status: 403 });
      await expect(reg('../me')).rejects.toMatchObject({ kind: 'permanent', message: 'formId is not a Typeform form id' });
      tf.failNext(1, 429, { code: 'TOO_MANY_REQUESTS', description: 'Rate limit exceeded' });
      await expect(reg('lT4Z3j')).rejects.toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 60_000 });
      tf.failNext(1, 503);
      await expect(reg('lT4Z3j')).rejects.toMatchObject({ kind: 'transient' });
      expect(tf.hooks.size).toBe(0);
    });
  });

  describe('toItems', () => {
    const c = () => ({ ...ctx(), state: {} });

    it('delivers a complete response once per token, ignoring other event types and other forms', async () => {
      const s = source('TYPEFORM_TRIGGER_NEW_RESPONSE');
      expect(await s.toItems(inbound(formResponse), c())).toEqual([
        { key: formResponse.form_response.token, payload: formResponse, occurredAt: Date.parse(formResponse.form_response.submitted_at) },
      ]);
      // A retry may carry a new event_id: same token, same key.
      expect(await s.toItems(inbound({ ...formResponse, event_id: 'other' }), c())).toMatchObject([{ key: formResponse.form_response.token }]);
      expect(await s.toItems(inbound(formResponsePartial), c())).toEqual([]);
      expect(await s.toItems(inbound({ ...formResponse, form_response: { ...formResponse.form_response, form_id: 'other1' } }), c())).toEqual([]);
      expect(await s.toItems(inbound({ event_type: 'form_response', form_response: {} }), c())).toEqual([]);
      expect(s.deliveryId!(inbound(formResponse))).toBe('LtWXD3crgy');
    });

    it('keys partial responses by token and answers: a retry is the same item, a later snapshot a new one', async () => {
      const s = source('TYPEFORM_TRIGGER_NEW_PARTIAL_RESPONSE');
      const [first] = (await s.toItems(inbound(formResponsePartial), c())) as Array<{ key: string }>;
      const token = formResponsePartial.form_response.token;
      expect(first!.key).toMatch(new RegExp(`^${token}:partial:[0-9a-f]{16}$`));
      const [retry] = (await s.toItems(inbound({ ...formResponsePartial, event_id: 'another-id' }), c())) as Array<{ key: string }>;
      expect(retry!.key).toBe(first!.key);
      const more = { ...formResponsePartial, form_response: { ...formResponsePartial.form_response, answers: [...formResponsePartial.form_response.answers, { type: 'date', date: '2005-10-15', field: { id: 'KoJxDM3c6x8h', type: 'date', ref: 'readable_ref_date' } }] } };
      const [later] = (await s.toItems(inbound(more), c())) as Array<{ key: string }>;
      expect(later!.key).toMatch(new RegExp(`^${token}:partial:`));
      expect(later!.key).not.toBe(first!.key);
      expect(await s.toItems(inbound(formResponse), c())).toEqual([]);
    });
  });

  describe('new form (poll)', () => {
    const poll = (cursor: unknown, params: Record<string, unknown> = {}) => (trigger('TYPEFORM_TRIGGER_NEW_FORM').source as PollSource).poll({ ...ctx(params), cursor });
    const form = (id: string, created: string, workspace = 'ws1') => ({ id, title: id, workspace, created_at: created, last_updated_at: created });

    it('starts from the newest creation time, then emits forms created since (inclusive), newest first', async () => {
      const base = await poll(null);
      expect(base.items.map((i) => i.key)).toEqual(['lT4Z3j']);
      expect(base.cursor).toEqual({ v: 1, since: '2018-01-10T10:00:00Z' });
      expect(tf.requests[0]!.query).toEqual({ page: '1', page_size: '200', sort_by: 'created_at', order_by: 'desc' });

      tf.forms.push(form('newOne', '2024-05-01T09:00:00Z'), form('newTwo', '2024-05-01T09:00:00Z'), form('other', '2024-05-02T09:00:00Z', 'ws2'));
      const next = await poll(base.cursor);
      // The form of the previous cursor's second is listed again (the engine keeps its key once).
      expect(next.items.map((i) => i.key).sort()).toEqual(['lT4Z3j', 'newOne', 'newTwo', 'other']);
      expect(next.items.find((i) => i.key === 'newOne')).toMatchObject({ payload: { id: 'newOne', title: 'newOne' }, occurredAt: Date.parse('2024-05-01T09:00:00Z') });
      expect(next.cursor).toEqual({ v: 1, since: '2024-05-02T09:00:00Z' });

      const ws = await poll({ v: 1, since: '2024-05-01T09:00:00Z' }, { workspaceId: 'ws1' });
      expect(tf.requests.at(-1)!.query).toMatchObject({ workspace_id: 'ws1' });
      expect(ws.items.map((i) => i.key).sort()).toEqual(['newOne', 'newTwo']);
    });

    it('reads further pages until it reaches older forms', async () => {
      for (let i = 0; i < 250; i++) tf.forms.push(form(`f${i}`, new Date(Date.parse('2024-01-01T00:00:00Z') + i * 1000).toISOString()));
      const r = await poll({ v: 1, since: '2018-01-10T10:00:00Z' });
      expect(r.items).toHaveLength(251);
      expect(tf.requests.map((q) => q.query.page)).toEqual(['1', '2']);
    });
  });
});
