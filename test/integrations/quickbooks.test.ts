// QuickBooks Online, source level: the intuit-signature scheme against Intuit's documented algorithm (and over
// real HTTP from the fake), both notification formats parsed into realm-addressed events (Intuit's published
// samples), the item keys of created and updated entities, the query poll against the fake QuickBooks (baseline,
// new entities, retries of the same change, timezone-independent keys) and Intuit's errors classified.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { ProviderError, verifyRequest, type AppEvent, type PollContext, type PollSource } from '../../src/sdk/index.js';
import { faultMessage, realmOf } from '../../src/integrations/quickbooks/api.js';
import { entityItem, pollEntities, type EntityChanges } from '../../src/integrations/quickbooks/changes.js';
import { quickbooksIntegration } from '../../src/integrations/quickbooks/integration.js';
import { announces, parseNotification, QUICKBOOKS_SIGNATURE, quickbooksAppWebhook } from '../../src/integrations/quickbooks/webhook.js';
import invoice from '../../src/integrations/quickbooks/fixtures/invoice.json' with { type: 'json' };
import invoiceUpdated from '../../src/integrations/quickbooks/fixtures/invoice-updated.json' with { type: 'json' };
import cloudEvents from '../../src/integrations/quickbooks/fixtures/notification-cloudevents.json' with { type: 'json' };
import legacy from '../../src/integrations/quickbooks/fixtures/notification-legacy.json' with { type: 'json' };
import authFault from '../../src/integrations/quickbooks/fixtures/fault-authentication.json' with { type: 'json' };
import throttleFault from '../../src/integrations/quickbooks/fixtures/fault-throttle.json' with { type: 'json' };
import validationFault from '../../src/integrations/quickbooks/fixtures/fault-validation.json' with { type: 'json' };
import { headerMap, startFakeReceiver, type FakeReceiver, type RecordedRequest } from '../helpers/fake-receiver.js';
import { recordPoll, type PollState } from '../helpers/poll-harness.js';
import { INTUIT_SIGNATURE, startFakeQuickbooks, type FakeQuickbooks } from '../providers/quickbooks.js';

const REALM = '1185883450';
const OTHER = '9130357766';
const inbound = (body: unknown, raw = Buffer.from(JSON.stringify(body))) => ({ method: 'POST', url: '/hooks/app/p/quickbooks', headers: {}, rawBody: raw, body });

describe('QuickBooks webhook verification', () => {
  const raw = Buffer.from(JSON.stringify(legacy));
  const documented = createHmac('sha256', 'verifier-token').update(raw).digest('base64');
  const req = (signature: string | undefined, body = raw) => ({ method: 'POST', url: '/h', headers: signature === undefined ? {} : { 'intuit-signature': signature }, rawBody: body, publicUrl: 'https://ot.example/h' });

  it('is base64 HMAC-SHA256 of the raw body keyed with the verifier token, as Intuit documents', () => {
    expect(QUICKBOOKS_SIGNATURE).toEqual(INTUIT_SIGNATURE);
    expect(verifyRequest(QUICKBOOKS_SIGNATURE, req(documented), { secret: 'verifier-token' }, Date.now())).toEqual({ ok: true });
  });

  it('refuses a wrong token, a tampered body, a hex signature and a missing header', () => {
    const now = Date.now();
    expect(verifyRequest(QUICKBOOKS_SIGNATURE, req(documented), { secret: 'another-token' }, now).ok).toBe(false);
    expect(verifyRequest(QUICKBOOKS_SIGNATURE, req(documented, Buffer.from(raw.toString().replace('Create', 'Delete'))), { secret: 'verifier-token' }, now).ok).toBe(false);
    expect(verifyRequest(QUICKBOOKS_SIGNATURE, req(createHmac('sha256', 'verifier-token').update(raw).digest('hex')), { secret: 'verifier-token' }, now).ok).toBe(false);
    expect(verifyRequest(QUICKBOOKS_SIGNATURE, req(undefined), { secret: 'verifier-token' }, now).ok).toBe(false);
  });

  describe('over real HTTP', () => {
    let receiver: FakeReceiver;
    let qb: FakeQuickbooks;
    beforeEach(async () => {
      receiver = await startFakeReceiver();
      qb = await startFakeQuickbooks();
    });
    afterEach(async () => {
      await receiver.close();
      await qb.close();
    });

    it('verifies what the fake Intuit sends with its verifier token, and nothing signed with another', async () => {
      await qb.notify(receiver.url, cloudEvents);
      await qb.notify(receiver.url, cloudEvents, { secret: 'not-the-token' });
      const [good, bad] = await receiver.waitFor(2);
      const asVerifiable = (r: RecordedRequest | undefined) => ({ method: 'POST', url: '/', headers: headerMap(r!), rawBody: r!.rawBody, publicUrl: receiver.url });
      expect(verifyRequest(QUICKBOOKS_SIGNATURE, asVerifiable(good), { secret: qb.verifierToken }, Date.now())).toEqual({ ok: true });
      expect(verifyRequest(QUICKBOOKS_SIGNATURE, asVerifiable(bad), { secret: qb.verifierToken }, Date.now()).ok).toBe(false);
    });
  });
});

describe('QuickBooks notification parsing', () => {
  it('reads the legacy format (Intuit\'s sample): one event per realm, every entity named', () => {
    expect(parseNotification(legacy)).toEqual([
      {
        realmId: REALM,
        entities: [
          { name: 'Customer', id: '1', operation: 'Create', lastUpdated: '2015-10-05T14:42:19-0700' },
          { name: 'Vendor', id: '1', operation: 'Create', lastUpdated: '2015-10-05T14:42:19-0700' },
        ],
      },
    ]);
    const [event] = quickbooksAppWebhook.parse(inbound(legacy));
    expect(event).toMatchObject({ providerAccountId: REALM, eventType: 'dataChangeEvent' });
    expect(event!.deliveryId).toMatch(new RegExp(`^[0-9a-f]{32}:${REALM}$`));
  });

  it('reads the CloudEvents format (Intuit\'s sample), grouping entries by intuitaccountid', () => {
    expect(parseNotification(cloudEvents)).toEqual([{ realmId: '310687', entities: [{ name: 'account', id: '1234', operation: 'Create', lastUpdated: '2025-09-10T21:31:25.179851517Z' }] }]);
    const entry = cloudEvents[0]!;
    const several = [
      { ...entry, type: 'qbo.invoice.created.v1', intuitentityid: '130' },
      { ...entry, type: 'qbo.invoice.updated.v1', intuitentityid: '131' },
      { ...entry, type: 'qbo.customer.created.v1', intuitentityid: '67', intuitaccountid: OTHER },
      { ...entry, type: 'not-a-qbo-type' },
    ];
    expect(parseNotification(several)).toEqual([
      { realmId: '310687', entities: [{ name: 'invoice', id: '130', operation: 'Create', lastUpdated: entry.time }, { name: 'invoice', id: '131', operation: 'Update', lastUpdated: entry.time }] },
      { realmId: OTHER, entities: [{ name: 'customer', id: '67', operation: 'Create', lastUpdated: entry.time }] },
    ]);
    expect(quickbooksAppWebhook.parse(inbound(several)).map((e) => e.providerAccountId)).toEqual(['310687', OTHER]);
  });

  it('gives one event per realm of a legacy notification and skips malformed entries', () => {
    const body = {
      eventNotifications: [
        { realmId: REALM, dataChangeEvent: { entities: [{ name: 'Invoice', id: '5', operation: 'Update', lastUpdated: '2015-10-05T14:42:19-0700' }, { name: 'Invoice' }] } },
        { realmId: OTHER, dataChangeEvent: { entities: [] } },
        { dataChangeEvent: { entities: [{ name: 'Invoice', id: '6', operation: 'Create' }] } },
      ],
    };
    expect(quickbooksAppWebhook.parse(inbound(body)).map((e) => [e.providerAccountId, (e.event as any).entities.length])).toEqual([[REALM, 1]]);
    for (const junk of [null, {}, { eventNotifications: 'x' }, 'text', [1, 2]]) expect(quickbooksAppWebhook.parse(inbound(junk))).toEqual([]);
  });

  it('makes a trigger poll at once only when the notification names its entity, in either spelling', () => {
    const [legacyEvent] = quickbooksAppWebhook.parse(inbound(legacy));
    const [ceEvent] = quickbooksAppWebhook.parse(inbound([{ ...cloudEvents[0], type: 'qbo.invoice.updated.v1' }]));
    const pollsOn = (type: string, event: AppEvent) => (quickbooksIntegration.triggers.find((t) => t.type === type)!.source as PollSource).pollOnAppEvent!(event, {});
    expect(pollsOn('QUICKBOOKS_TRIGGER_CUSTOMER_CREATED', legacyEvent!)).toBe(true);
    expect(pollsOn('QUICKBOOKS_TRIGGER_INVOICE_CREATED', legacyEvent!)).toBe(false);
    expect(pollsOn('QUICKBOOKS_TRIGGER_INVOICE_UPDATED', ceEvent!)).toBe(true);
    expect(pollsOn('QUICKBOOKS_TRIGGER_INVOICE_CREATED', ceEvent!)).toBe(true);
    expect(pollsOn('QUICKBOOKS_TRIGGER_BILL_CREATED', ceEvent!)).toBe(false);
    expect(announces({ providerAccountId: REALM, deliveryId: 'd', eventType: 'x', event: null }, 'Invoice')).toBe(false);
  });
});

describe('QuickBooks item keys', () => {
  it('keys a creation by id and creation time, and an update by id and version time, in UTC', () => {
    expect(entityItem(invoice, 'Create')).toEqual({ key: '130:Create:2014-09-19T20:16:17.000Z', payload: invoice, occurredAt: Date.parse('2014-09-19T20:16:17Z') });
    expect(entityItem(invoice, 'Update')).toBeNull(); // never updated: a creation is not an update
    expect(entityItem(invoiceUpdated, 'Update')!.key).toBe('130:Update:2014-09-22T16:05:41.000Z');
    expect(entityItem(invoiceUpdated, 'Create')!.key).toBe(entityItem(invoice, 'Create')!.key);
    // The company moved to another time zone: the same instants, the same keys.
    const elsewhere = { ...invoiceUpdated, MetaData: { CreateTime: '2014-09-19T16:16:17-04:00', LastUpdatedTime: '2014-09-22T12:05:41-04:00' } };
    expect(entityItem(elsewhere, 'Update')!.key).toBe(entityItem(invoiceUpdated, 'Update')!.key);
    expect(entityItem({ Id: '1' }, 'Create')).toBeNull();
  });
});

describe('QuickBooks query polling against the fake QuickBooks', () => {
  let qb: FakeQuickbooks;
  let clock: number;
  let token: string;
  beforeEach(async () => {
    clock = Date.parse('2026-12-07T12:00:00Z');
    qb = await startFakeQuickbooks({ now: () => clock });
    token = qb.tokensFor(REALM).accessToken;
  });
  afterEach(async () => {
    await qb.close();
  });

  const ctx = (cursor: unknown, realm: string | null = REALM, accessToken = token): PollContext => ({
    http: createProviderHttp({ integration: quickbooksIntegration, apiBaseUrl: qb.url, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${accessToken}` }) } }),
    params: {},
    credential: { id: 'cred-1', providerAccountId: realm, extra: {} },
    log: { debug() {}, info() {}, warn() {} },
    signal: AbortSignal.timeout(10_000),
    now: () => clock,
    cursor,
  });
  const poll = async (state: PollState, spec: EntityChanges) => recordPoll(state, await pollEntities(ctx(state.cursor), spec));
  const INVOICE_CREATED: EntityChanges = { entity: 'Invoice', operation: 'Create' };
  const INVOICE_UPDATED: EntityChanges = { entity: 'Invoice', operation: 'Update' };

  it('baselines, then delivers each new invoice once with the full entity, however often it is re-read', async () => {
    qb.create(REALM, 'Invoice', { DocNumber: 'old' }, { at: clock - 60_000 });
    const state: PollState = { seen: new Set(), cursor: null };
    expect(await poll(state, INVOICE_CREATED)).toEqual([]);
    expect(state.seen.size).toBe(1); // the invoice from a minute ago is recorded as seen
    expect(qb.queries(REALM)[0]).toBe(`SELECT * FROM Invoice WHERE MetaData.CreateTime >= '2026-12-07T11:50:00Z' ORDERBY MetaData.CreateTime STARTPOSITION 1 MAXRESULTS 200`);
    expect(qb.requests.every((r) => r.path.startsWith('/v3/company/') ? r.query !== null : true)).toBe(true);

    clock += 5_000;
    const a = qb.create(REALM, 'Invoice', { DocNumber: '1037', TotalAmt: 362.07 });
    const b = qb.create(REALM, 'Invoice', { DocNumber: '1038' });
    qb.create(OTHER, 'Invoice', { DocNumber: 'other company' });
    const delivered = await poll(state, INVOICE_CREATED);
    expect(delivered.map((i) => i.payload)).toEqual([a, b]);
    expect(delivered[0]!.key).toBe(`${a.Id}:Create:${new Date(Date.parse(a.MetaData.CreateTime)).toISOString()}`);
    // Intuit retries the notification; the entities are edited meanwhile: nothing new for "created".
    clock += 5_000;
    qb.update(REALM, 'Invoice', a.Id, { EmailStatus: 'EmailSent' });
    expect(await poll(state, INVOICE_CREATED)).toEqual([]);
    expect(await poll(state, INVOICE_CREATED)).toEqual([]);
  });

  it('delivers each new version of an invoice for "updated", never its creation', async () => {
    const state: PollState = { seen: new Set(), cursor: null };
    await poll(state, INVOICE_UPDATED);
    clock += 5_000;
    const created = qb.create(REALM, 'Invoice', { DocNumber: '1' });
    expect(await poll(state, INVOICE_UPDATED)).toEqual([]);
    clock += 5_000;
    const v1 = qb.update(REALM, 'Invoice', created.Id, { Balance: 0 });
    const first = await poll(state, INVOICE_UPDATED);
    expect(first.map((i) => [i.key, (i.payload as any).SyncToken])).toEqual([[`${created.Id}:Update:${new Date(Date.parse(v1.MetaData.LastUpdatedTime)).toISOString()}`, '1']]);
    expect(await poll(state, INVOICE_UPDATED)).toEqual([]);
    clock += 5_000;
    qb.update(REALM, 'Invoice', created.Id, { Balance: 10 });
    expect((await poll(state, INVOICE_UPDATED)).map((i) => (i.payload as any).SyncToken)).toEqual(['2']);
  });

  it('pages a crowded second with STARTPOSITION and loses nothing', async () => {
    const state: PollState = { seen: new Set(), cursor: null };
    await poll(state, INVOICE_CREATED);
    clock += 5_000;
    const made = Array.from({ length: 450 }, (_, i) => qb.create(REALM, 'Invoice', { DocNumber: String(i) }));
    const delivered = await poll(state, INVOICE_CREATED);
    expect(delivered.map((i) => (i.payload as any).Id).sort()).toEqual(made.map((m) => m.Id).sort());
    expect(qb.queries(REALM).some((q) => q.includes('STARTPOSITION 201'))).toBe(true);
  });

  it('classifies Intuit\'s failures: 429 rate_limited, 5xx transient, 401 auth, 400/403 permanent with Intuit\'s message, no token', async () => {
    const fails = async (c: PollContext) => {
      const err = await pollEntities(c, INVOICE_CREATED).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as Error).message).not.toContain(token);
      return err as ProviderError;
    };
    qb.failNext(1, 429, throttleFault, { 'retry-after': '30' });
    expect(await fails(ctx(null))).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 30_000, message: expect.stringContaining('ThrottleExceeded') });
    qb.failNext(1, 429, throttleFault);
    expect((await fails(ctx(null))).retryAfterMs).toBe(60_000);
    qb.failNext(1, 503);
    expect(await fails(ctx(null))).toMatchObject({ kind: 'transient', status: 503 });
    qb.failNext(1, 400, validationFault);
    expect(await fails(ctx(null))).toMatchObject({ kind: 'permanent', status: 400, message: expect.stringContaining('Error parsing query: QueryParserError') });
    expect(await fails(ctx(null, OTHER))).toMatchObject({ kind: 'permanent', status: 403, message: expect.stringContaining('ApplicationAuthorizationFailed') });
    expect(await fails(ctx(null, REALM, 'revoked-token'))).toMatchObject({ kind: 'auth', status: 401 });
    expect(await fails(ctx(null, null))).toMatchObject({ kind: 'permanent', message: expect.stringContaining('realmId') });
  });

  it('reads Intuit\'s fault bodies in both spellings', () => {
    expect(faultMessage(validationFault)).toMatch(/^Error parsing query: QueryParserError/);
    expect(faultMessage(authFault)).toBe('message=AuthenticationFailed; errorCode=003200; statusCode=401: Token expired');
    expect(faultMessage({})).toBeUndefined();
    expect(() => realmOf({ id: 'c', providerAccountId: 'abc', extra: {} })).toThrow(ProviderError);
  });
});

describe('QuickBooks connect', () => {
  const accountId = (extra: Record<string, unknown>) => quickbooksIntegration.accountId!({ http: {} as never, token: { accessToken: 'x', extra } });

  it('refuses an authorization without a company id (realmId) before calling Intuit (connecting is tested end to end)', async () => {
    await expect(accountId({ x_refresh_token_expires_in: 8726400 })).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('realmId') });
  });

  it('declares Intuit\'s OAuth endpoints, scope and Basic client authentication', () => {
    expect(quickbooksIntegration.auth).toMatchObject({
      authorizationUrl: 'https://appcenter.intuit.com/connect/oauth2',
      tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
      scopes: ['com.intuit.quickbooks.accounting'],
      clientAuth: 'basic',
    });
    expect(quickbooksIntegration.apiBaseUrl).toBe('https://quickbooks.api.intuit.com');
  });
});
