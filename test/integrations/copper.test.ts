// Copper, unit level: the echoed-secret scheme (constant-time comparison of the body's opentriggers_secret),
// the stage-change filter and keys, notifications for another type/event or webhook ignored, and the error
// mapping (401 auth, 429 rate limited, 5xx transient, else permanent with Copper's message, no secrets).
import { describe, expect, it } from 'vitest';
import { copperError, userEmail } from '../../src/integrations/copper/api.js';
import opportunity from '../../src/integrations/copper/fixtures/opportunity.json' with { type: 'json' };
import { COPPER_SECRET_SCHEME, copperIntegration } from '../../src/integrations/copper/integration.js';
import { schemeProblems, verifyRequest, type HttpClient, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const source = (type: string) => copperIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource<Record<string, unknown>>;
const inbound = (body: unknown): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const log = { debug() {}, info() {}, warn() {} };

function ctx(params: Record<string, unknown>, records: Record<string, unknown>, gets: string[]) {
  const http = {
    async request(req: { path: string }) {
      gets.push(req.path);
      const record = records[req.path];
      return record ? { status: 200, headers: {}, body: record } : { status: 404, headers: {}, body: { success: false, status: 404, message: 'Resource not found' } };
    },
  } as unknown as HttpClient;
  return { http, params, credential: { id: 'c', providerAccountId: 'x', extra: { userEmail: 'owner@example.com' } }, log, signal: new AbortController().signal, now: () => 0, state: { webhookId: '17065' } };
}

describe('Copper echoed secret', () => {
  const body = (secret: unknown) => ({ ids: [1], type: 'lead', event: 'new', subscription_id: 17065, opentriggers_secret: secret });
  it('accepts the body field equal to the secret and refuses others, a missing one and non-strings', () => {
    expect(schemeProblems(COPPER_SECRET_SCHEME)).toEqual([]);
    expect(verifyRequest(COPPER_SECRET_SCHEME, inbound(body('s3cret-value')), { secret: 's3cret-value' }, 0)).toEqual({ ok: true });
    expect(verifyRequest(COPPER_SECRET_SCHEME, inbound(body('s3cret-valuf')), { secret: 's3cret-value' }, 0).ok).toBe(false);
    expect(verifyRequest(COPPER_SECRET_SCHEME, inbound(body(undefined)), { secret: 's3cret-value' }, 0).ok).toBe(false);
    expect(verifyRequest(COPPER_SECRET_SCHEME, inbound(body(['s3cret-value'])), { secret: 's3cret-value' }, 0).ok).toBe(false);
  });
});

describe('Copper triggers', () => {
  const stage = (pair: [unknown, unknown], extra: Record<string, unknown> = {}) => ({
    ids: [opportunity.id], type: 'opportunity', event: 'update', subscription_id: 17065, updated_attributes: { pipeline_stage_id: pair }, timestamp: '2024-05-01T10:00:00Z', opentriggers_secret: 'x', ...extra,
  });
  const records = { [`/opportunities/${opportunity.id}`]: opportunity };

  it('stage changed: keyed by id, new stage and timestamp; the secret never in the payload; the record read', async () => {
    const gets: string[] = [];
    const items = (await source('COPPER_TRIGGER_OPPORTUNITY_STAGE_CHANGED').toItems(inbound(stage([1, 987791])), ctx({}, records, gets))) as Item[];
    expect(items.map((i) => i.key)).toEqual([`${opportunity.id}:stage:987791:2024-05-01T10:00:00Z`]);
    expect(JSON.stringify(items[0]!.payload)).not.toContain('opentriggers_secret');
    expect(items[0]!.occurredAt).toBe(opportunity.date_modified * 1000);
    expect(gets).toEqual([`/opportunities/${opportunity.id}`]);
  });

  it('stage changed: other updates, other stages, other pipelines, other webhooks and other types are ignored', async () => {
    const run = async (body: unknown, params: Record<string, unknown> = {}) => (await source('COPPER_TRIGGER_OPPORTUNITY_STAGE_CHANGED').toItems(inbound(body), ctx(params, records, []))) as Item[];
    expect(await run({ ...stage([1, 2]), updated_attributes: { name: ['a', 'b'] } })).toEqual([]);
    expect(await run(stage([1, 987791]), { stageId: '5' })).toEqual([]);
    expect(await run(stage([1, 987791]), { pipelineId: '5' })).toEqual([]);
    expect(await run(stage([1, 987791]), { pipelineId: String(opportunity.pipeline_id), stageId: '987791' })).toHaveLength(1);
    expect(await run(stage([1, 987791], { subscription_id: 999 }))).toEqual([]);
    expect(await run(stage([1, 987791], { event: 'new' }))).toEqual([]);
    expect(await run(stage([1, 987791], { ids: ['abc', null] }))).toEqual([]);
  });

  it('created: keyed by the record id; a record gone (404) is skipped', async () => {
    const gets: string[] = [];
    const body = { ids: [opportunity.id, 42], type: 'opportunity', event: 'new', subscription_id: 17065, opentriggers_secret: 'x' };
    const items = (await source('COPPER_TRIGGER_OPPORTUNITY_CREATED').toItems(inbound(body), ctx({}, records, gets))) as Item[];
    expect(items.map((i) => i.key)).toEqual([String(opportunity.id)]);
    expect(items[0]!.payload).toEqual({ type: 'opportunity', event: 'new', id: opportunity.id, record: opportunity });
    expect(gets).toHaveLength(2);
  });
});

describe('Copper errors and credentials', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  it("classifies statuses and keeps Copper's message", () => {
    expect(copperError(res(401, { success: false, status: 401, message: 'Invalid credentials' }), 0)).toMatchObject({ kind: 'auth', message: 'Copper 401: Invalid credentials' });
    expect(copperError(res(429, { message: 'Too many' }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(copperError(res(429, {}, { 'retry-after': '7' }), 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(copperError(res(503, null), 0)).toMatchObject({ kind: 'transient', status: 503 });
    expect(copperError(res(422, { success: false, status: 422, message: 'Invalid input: type' }), 0)).toMatchObject({ kind: 'permanent', message: 'Copper 422: Invalid input: type' });
  });
  it('requires extra.userEmail, naming it', () => {
    expect(userEmail({ id: 'c', providerAccountId: null, extra: { userEmail: ' a@b.example ' } })).toBe('a@b.example');
    expect(() => userEmail({ id: 'c', providerAccountId: null, extra: {} })).toThrow(/extra\.userEmail/);
    expect(() => userEmail({ id: 'c', providerAccountId: null, extra: { userEmail: 'nope' } })).toThrow(/extra\.userEmail/);
  });
});
