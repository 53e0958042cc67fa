// Ashby, unit level: the Ashby-Signature scheme against an independent HMAC (`sha256=` + hex HMAC-SHA256 of the raw
// body), the ping answered before verification while other unsigned bodies are refused, the triggers' keys from
// Ashby's payload shapes (the same on a retry), the error mapping (HTTP failures and 200 `success: false`), and
// `register` against the fake Ashby when the creation ping fails (enabled again once, else deleted and refused).
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { ashbyError } from '../../src/integrations/ashby/api.js';
import { applicationSubmit, candidateHire, candidateStageChange, interviewScheduleCreate, offerCreate, ping } from '../../src/integrations/ashby/fixtures/events.js';
import { ASHBY_PING, ASHBY_SIGNATURE, ashbyIntegration } from '../../src/integrations/ashby/integration.js';
import { isNotFound } from '../../src/integrations/ashby/webhooks.js';
import { ProviderError, classifyInbound, schemeProblems, verifyRequest, type HttpClient, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';
import { startFakeAshby, type FakeAshby } from '../providers/ashby.js';

const silent = { debug() {}, info() {}, warn() {} };
const source = (type: string) => ashbyIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource;
const req = (body: unknown, headers: Record<string, string> = {}): InboundRequest => {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown) => source(type).toItems(req(body), {} as never) as Item[];

describe('Ashby signature and ping', () => {
  const secret = '8b943c474f5d1e1712f13e1a870b485c9b6b2b57';
  const raw = JSON.stringify(applicationSubmit);
  const sig = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

  it('verifies sha256=hex(HMAC-SHA256(secretToken, body)) and refuses tampering, another secret and a bare digest', () => {
    expect(schemeProblems(ASHBY_SIGNATURE)).toEqual([]);
    expect(verifyRequest(ASHBY_SIGNATURE, req(raw, { 'ashby-signature': sig }), { secret }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(ASHBY_SIGNATURE, req(`${raw} `, { 'ashby-signature': sig }), { secret }, Date.now()).ok).toBe(false);
    expect(verifyRequest(ASHBY_SIGNATURE, req(raw, { 'ashby-signature': sig }), { secret: 'another' }, Date.now()).ok).toBe(false);
    expect(verifyRequest(ASHBY_SIGNATURE, req(raw, { 'ashby-signature': sig.slice('sha256='.length) }), { secret }, Date.now()).ok).toBe(false);
  });

  it('answers a ping before verification (even with no key yet) and nothing else unsigned', () => {
    const config = { verification: ASHBY_SIGNATURE, handshakes: [ASHBY_PING] };
    const answered = classifyInbound(config, req(ping), undefined, Date.now());
    expect(answered).toMatchObject({ kind: 'handshake', response: { status: 200, body: 'ping' } });
    expect(classifyInbound(config, req(applicationSubmit), { secret }, Date.now()).kind).toBe('rejected');
    expect(classifyInbound(config, req(applicationSubmit, { 'ashby-signature': sig }), { secret }, Date.now()).kind).toBe('event');
    expect(items('ASHBY_TRIGGER_APPLICATION_SUBMITTED', ping)).toEqual([]);
  });
});

describe('Ashby triggers', () => {
  it('are the five webhook triggers, each on its own webhookType', () => {
    expect(ashbyIntegration.triggers.map((t) => t.type)).toEqual([
      'ASHBY_TRIGGER_APPLICATION_SUBMITTED', 'ASHBY_TRIGGER_CANDIDATE_HIRED', 'ASHBY_TRIGGER_CANDIDATE_STAGE_CHANGED', 'ASHBY_TRIGGER_INTERVIEW_SCHEDULE_CREATED', 'ASHBY_TRIGGER_OFFER_CREATED',
    ]);
  });
  it('key each body by the object it names, the same on a retry', () => {
    const app = applicationSubmit.data.application;
    expect(items('ASHBY_TRIGGER_APPLICATION_SUBMITTED', applicationSubmit)).toEqual([
      { key: `applicationSubmit:${app.id}`, payload: applicationSubmit, occurredAt: Date.parse(app.createdAt) },
    ]);
    expect(items('ASHBY_TRIGGER_APPLICATION_SUBMITTED', JSON.parse(JSON.stringify(applicationSubmit)))[0]!.key).toBe(`applicationSubmit:${app.id}`);
    expect(items('ASHBY_TRIGGER_CANDIDATE_HIRED', candidateHire).map((i) => i.key)).toEqual([`candidateHire:${app.id}`]);
    const staged = candidateStageChange.data.application;
    expect(items('ASHBY_TRIGGER_CANDIDATE_STAGE_CHANGED', candidateStageChange).map((i) => i.key)).toEqual([
      `candidateStageChange:${app.id}:${staged.currentInterviewStage.id}:${staged.updatedAt}`,
    ]);
    expect(items('ASHBY_TRIGGER_INTERVIEW_SCHEDULE_CREATED', interviewScheduleCreate).map((i) => i.key)).toEqual([`interviewScheduleCreate:${interviewScheduleCreate.data.interviewSchedule.id}`]);
    expect(items('ASHBY_TRIGGER_OFFER_CREATED', offerCreate).map((i) => i.key)).toEqual([`offerCreate:${offerCreate.data.offer.id}`]);
  });
  it('ignore other actions, bodies without the object or its id, and non-objects', () => {
    expect(items('ASHBY_TRIGGER_APPLICATION_SUBMITTED', candidateHire)).toEqual([]);
    expect(items('ASHBY_TRIGGER_OFFER_CREATED', { action: 'offerCreate', data: { offer: { id: '' } } })).toEqual([]);
    expect(items('ASHBY_TRIGGER_CANDIDATE_HIRED', { action: 'candidateHire', data: {} })).toEqual([]);
    expect(items('ASHBY_TRIGGER_CANDIDATE_HIRED', [])).toEqual([]);
  });
});

describe('ashbyError', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  const info = (code: string, message: string) => ({ success: false, errors: [code], errorInfo: { code, message, requestId: 'r1' } });
  it('classifies HTTP failures and 200 success:false answers, keeping Ashby\'s message', () => {
    expect(ashbyError(res(401, info('invalid_api_key', 'Invalid API key')))).toMatchObject({ kind: 'auth', message: 'Ashby 401: Invalid API key (invalid_api_key)' });
    expect(ashbyError(res(429, info('rate_limit_exceeded', 'slow down'), { 'retry-after': '7' }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(ashbyError(res(200, info('rate_limit_exceeded', 'slow down')), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(ashbyError(res(503, null))).toMatchObject({ kind: 'transient', message: 'Ashby 503' });
    const invalid = ashbyError(res(200, info('invalid_input', 'Request payload is malformed')));
    expect(invalid).toBeInstanceOf(ProviderError);
    expect(invalid).toMatchObject({ kind: 'permanent', message: 'Ashby 200: Request payload is malformed (invalid_input)' });
    expect(ashbyError(res(200, { success: false, errors: ['missing_permission'] }))).toMatchObject({ kind: 'permanent', message: 'Ashby 200: missing_permission' });
  });
  it('recognizes an unknown webhook', () => {
    expect(isNotFound(200, info('webhook_setting_not_found', 'x'))).toBe(true);
    expect(isNotFound(404, null)).toBe(true);
    expect(isNotFound(200, info('invalid_input', 'x'))).toBe(false);
  });
});

describe('register when the creation ping fails', () => {
  let ashby: FakeAshby;
  let http: HttpClient;
  let receiver: Server;
  let answers: number[];
  let hookUrl: string;

  beforeEach(async () => {
    ashby = await startFakeAshby();
    http = createProviderHttp({
      integration: ashbyIntegration,
      apiBaseUrl: ashby.apiBaseUrl,
      auth: { canRefresh: false, headers: async () => ({ authorization: `Basic ${Buffer.from(`${ashby.apiKey}:`).toString('base64')}` }) },
    });
    answers = [];
    receiver = createServer((_req, res) => {
      res.writeHead(answers.shift() ?? 200);
      res.end();
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/s/sub-1`;
  });
  afterEach(async () => {
    await ashby.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });
  const register = () => source('ASHBY_TRIGGER_OFFER_CREATED').register({
    http, params: {}, credential: { id: 'c', providerAccountId: 'a', extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now, hookUrl, secret: 's'.repeat(40),
  });

  it('enables the webhook once when the first ping failed', async () => {
    answers = [500, 200];
    const r = await register();
    const id = r.state.webhookId as string;
    expect(ashby.hooks.get(id)).toMatchObject({ enabled: true, webhookType: 'offerCreate', secretToken: 's'.repeat(40) });
    expect(ashby.requests.map((q) => q.path)).toEqual(['/webhook.create', '/webhook.update']);
    expect(ashby.requests[1]!.body).toEqual({ webhookId: id, enabled: true });
  });

  it('deletes the webhook and fails (transient) when it stays disabled', async () => {
    answers = [500, 500];
    await expect(register()).rejects.toMatchObject({ kind: 'transient' });
    expect(ashby.hooks.size).toBe(0);
    expect(ashby.requests.map((q) => q.path)).toEqual(['/webhook.create', '/webhook.update', '/webhook.delete']);
  });
});
