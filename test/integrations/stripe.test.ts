// Stripe, source level: the triggers' register / toItems / unregister against the fake Stripe over real
// HTTP, and the signature scheme against Stripe's own signing (the `stripe` package's
// webhooks.generateTestHeaderString).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { stripeEvents } from '../../src/integrations/stripe/fixtures/events.js';
import { stripeIntegration, stripeSignatureScheme } from '../../src/integrations/stripe/integration.js';
import {
  ProviderError,
  schemeProblems,
  signRequest,
  verifyRequest,
  type InboundRequest,
  type Logger,
  type RegisterContext,
  type WebhookContext,
  type WebhookSource,
} from '../../src/sdk/index.js';
import { startFakeStripe, stripeSignatureHeader, type BuiltDelivery, type FakeStripe } from '../providers/stripe.js';

const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined };

const EXPECTED: Record<string, string> = {
  STRIPE_TRIGGER_CUSTOMER_CREATED: 'customer.created',
  STRIPE_TRIGGER_PAYMENT_INTENT_SUCCEEDED: 'payment_intent.succeeded',
  STRIPE_TRIGGER_INVOICE_PAID: 'invoice.paid',
  STRIPE_TRIGGER_SUBSCRIPTION_CREATED: 'customer.subscription.created',
  STRIPE_TRIGGER_SUBSCRIPTION_CANCELED: 'customer.subscription.deleted',
  STRIPE_TRIGGER_CHARGE_REFUNDED: 'charge.refunded',
  STRIPE_TRIGGER_INVOICE_PAYMENT_FAILED: 'invoice.payment_failed',
  STRIPE_TRIGGER_SUBSCRIPTION_UPDATED: 'customer.subscription.updated',
  STRIPE_TRIGGER_CHECKOUT_SESSION_COMPLETED: 'checkout.session.completed',
};

function trigger(type: string) {
  const t = stripeIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return { trigger: t, source: t.source as WebhookSource };
}

function inbound(d: BuiltDelivery): InboundRequest {
  return { method: 'POST', url: new URL(d.url).pathname, headers: { ...d.headers }, rawBody: Buffer.from(d.body), body: JSON.parse(d.body) };
}

describe('Stripe signature scheme', () => {
  const body = '{"id":"evt_test","object":"event"}';
  const req = (header: string, raw = body): InboundRequest => ({ method: 'POST', url: '/hooks/s/x', headers: { 'stripe-signature': header }, rawBody: Buffer.from(raw), body: JSON.parse(raw) });

  it('is well-formed and matches the fact-sheet vector (t.body, whole whsec_ string as the key, hex)', () => {
    expect(schemeProblems(stripeSignatureScheme)).toEqual([]);
    const header = 't=1700000000,v1=8042376f6ca064adbe037642a718227dfd59047137eb49497a54c49eb0cfb724';
    expect(stripeSignatureHeader(body, 'whsec_test_secret', 1700000000)).toBe(header);
    expect(verifyRequest(stripeSignatureScheme, req(header), { secret: 'whsec_test_secret' }, 1700000000_000)).toEqual({ ok: true });
    // Our signer produces exactly Stripe's header for the same inputs.
    expect(signRequest(stripeSignatureScheme, req(''), { secret: 'whsec_test_secret' }, 1700000000_000)).toEqual({ 'stripe-signature': header });
  });

  it('accepts any v1 during a secret roll, ignores v0, and rejects tampering, wrong secrets and stale or future timestamps', () => {
    const t = 1700000000;
    // Stripe's own signatures, taken from the header its test helper builds (`t=…,v1=<hex>`).
    const v1 = (secret: string) => stripeSignatureHeader(body, secret, t).split(',v1=')[1]!;
    const good = v1('whsec_new');
    const old = v1('whsec_old');
    const now = t * 1000;
    expect(verifyRequest(stripeSignatureScheme, req(`t=${t},v1=${old},v1=${good},v0=abc`), { secret: 'whsec_new' }, now).ok).toBe(true);
    expect(verifyRequest(stripeSignatureScheme, req(`t=${t},v0=${good}`), { secret: 'whsec_new' }, now)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(verifyRequest(stripeSignatureScheme, req(`t=${t},v1=${good}`, body.replace('evt_test', 'evt_evil')), { secret: 'whsec_new' }, now)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(stripeSignatureScheme, req(`t=${t},v1=${good}`), { secret: 'whsec_other' }, now)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(stripeSignatureScheme, req(`t=${t},v1=${good}`), { secret: 'whsec_new' }, now + 301_000)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verifyRequest(stripeSignatureScheme, req(`t=${t},v1=${good}`), { secret: 'whsec_new' }, now - 301_000)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verifyRequest(stripeSignatureScheme, req(`t=${t},v1=${good}`), { secret: 'whsec_new' }, now + 299_000).ok).toBe(true);
    expect(verifyRequest(stripeSignatureScheme, { ...req(''), headers: {} }, { secret: 'whsec_new' }, now)).toMatchObject({ ok: false, reason: 'missing_signature' });
  });
});

describe('Stripe triggers against the fake Stripe', () => {
  let fake: FakeStripe;
  let base: Omit<RegisterContext, 'hookUrl' | 'secret'>;
  const hookUrl = 'http://127.0.0.1:9/hooks/s/00000000-0000-4000-8000-000000000001';

  const contextWith = (key: string) => ({
    http: createProviderHttp({
      integration: stripeIntegration,
      apiBaseUrl: fake.apiBaseUrl,
      auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${key}` }) },
    }),
    params: {},
    credential: { id: 'cred-1', providerAccountId: fake.accountId, extra: {} },
    log: silent,
    signal: new AbortController().signal,
    now: Date.now,
  });

  beforeEach(async () => {
    fake = await startFakeStripe();
    base = contextWith('sk_test_valid');
  });
  afterEach(async () => {
    await fake.close();
  });

  it('declares the binding trigger types, one Stripe event type each, with matching examples and docs links', () => {
    const types = stripeIntegration.triggers.map((t) => t.type);
    expect(types).toEqual(expect.arrayContaining(Object.keys(EXPECTED)));
    expect(types).toHaveLength(Object.keys(EXPECTED).length);
    for (const t of stripeIntegration.triggers) {
      expect((t.examplePayload as { type: string }).type, t.type).toBe(EXPECTED[t.type]);
      expect((t.examplePayload as { object: string }).object).toBe('event');
      expect(t.docsUrl).toBe(`https://docs.stripe.com/api/events/types#event_types-${EXPECTED[t.type]}`);
      expect(t.parameters).toEqual([]);
    }
  });

  it('finds the account id with GET /v1/account', async () => {
    const r = await stripeIntegration.accountId!({ http: base.http, token: { accessToken: 'sk_test_valid' } });
    expect(r.providerAccountId).toBe(fake.accountId);
  });

  it('registers a form-encoded endpoint for exactly its event, keeps Stripe\'s secret, maps events, and deletes it', async () => {
    const { source } = trigger('STRIPE_TRIGGER_CUSTOMER_CREATED');
    const reg = await source.register({ ...base, hookUrl, secret: 'ours-unused' });
    const [endpoint] = [...fake.endpoints.values()];
    expect(endpoint).toMatchObject({ url: hookUrl, enabled_events: ['customer.created'], metadata: { opentriggers_trigger: 'STRIPE_TRIGGER_CUSTOMER_CREATED' } });
    expect(reg).toEqual({ state: { endpointId: endpoint!.id }, secret: endpoint!.secret });
    expect(reg.secret).toMatch(/^whsec_/);
    const create = fake.requests.find((r) => r.method === 'POST')!;
    expect(create.auth).toBe('Bearer sk_test_valid');
    expect(create.form?.getAll('enabled_events[]')).toEqual(['customer.created']);

    const ctx: WebhookContext = { ...base, state: reg.state };
    const delivery = inbound(await fake.buildDelivery(endpoint!.id, stripeEvents.customerCreated));
    expect(verifyRequest(stripeSignatureScheme, delivery, { secret: reg.secret! }, Date.now())).toEqual({ ok: true });
    expect(source.deliveryId?.(delivery)).toBe(stripeEvents.customerCreated.id);
    const items = await source.toItems(delivery, ctx);
    expect(items).toEqual([{ key: stripeEvents.customerCreated.id, payload: stripeEvents.customerCreated, occurredAt: stripeEvents.customerCreated.created * 1000 }]);

    // Another event type on this endpoint (e.g. a Dashboard test event) is acknowledged, not delivered.
    expect(await source.toItems(inbound(await fake.buildDelivery(endpoint!.id, stripeEvents.invoicePaid)), ctx)).toEqual([]);
    // Something that is not an Event is refused.
    await expect(async () => source.toItems({ ...delivery, body: { hello: 'world' } }, ctx)).rejects.toThrow(ProviderError);

    await source.unregister(ctx);
    expect(fake.endpoints.size).toBe(0);
    // Already gone (deleted in the Dashboard): not an error.
    await expect(source.unregister(ctx)).resolves.toBeUndefined();
    expect(fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([`/v1/webhook_endpoints/${endpoint!.id}`, `/v1/webhook_endpoints/${endpoint!.id}`]);
  });

  it.each(Object.entries(EXPECTED))('%s turns its own event (and only it) into one item keyed by the event id', async (type, eventType) => {
    const { trigger: t, source } = trigger(type);
    const reg = await source.register({ ...base, hookUrl, secret: 'x' });
    const endpoint = fake.endpoints.get(reg.state.endpointId as string)!;
    expect(endpoint.enabled_events).toEqual([eventType]);
    const event = t.examplePayload as { id: string };
    const items = await source.toItems(inbound(await fake.buildDelivery(endpoint.id, event)), { ...base, state: reg.state });
    expect(items).toHaveLength(1);
    expect((items as Array<{ key: string }>)[0]!.key).toBe(event.id);
  });

  it('verifies the exact bytes Stripe sent (pretty-printed JSON), not a re-serialisation', async () => {
    const { source } = trigger('STRIPE_TRIGGER_INVOICE_PAID');
    const reg = await source.register({ ...base, hookUrl, secret: 'x' });
    const d = inbound(await fake.buildDelivery(reg.state.endpointId as string, stripeEvents.invoicePaid));
    expect(d.rawBody.toString()).toContain('\n  "id"');
    expect(verifyRequest(stripeSignatureScheme, d, { secret: reg.secret! }, Date.now()).ok).toBe(true);
    const reserialised = { ...d, rawBody: Buffer.from(JSON.stringify(d.body)) };
    expect(verifyRequest(stripeSignatureScheme, reserialised, { secret: reg.secret! }, Date.now()).ok).toBe(false);
  });

  it('classifies Stripe failures: bad key → auth, 429 → rate_limited, 5xx → transient, endpoint limit → permanent', async () => {
    const { source } = trigger('STRIPE_TRIGGER_CHARGE_REFUNDED');
    await expect(source.register({ ...contextWith('sk_test_revoked'), hookUrl, secret: 'x' })).rejects.toMatchObject({ kind: 'auth', status: 401 });
    fake.failNext(1, 429);
    await expect(source.register({ ...base, hookUrl, secret: 'x' })).rejects.toMatchObject({ kind: 'rate_limited', status: 429 });
    fake.failNext(1, 500);
    await expect(source.register({ ...base, hookUrl, secret: 'x' })).rejects.toMatchObject({ kind: 'transient', status: 500 });
    fake.endpointLimit = 1;
    await source.register({ ...base, hookUrl, secret: 'x' });
    const refused = source.register({ ...base, hookUrl, secret: 'x' });
    await expect(refused).rejects.toMatchObject({ kind: 'permanent', status: 400 });
    await expect(refused).rejects.toThrow(/maximum of 1 test webhook endpoints/);
    expect(fake.endpoints.size).toBe(1);
  });
});
