// Xero, source level: the x-xero-signature scheme against Xero's documented algorithm (and over real HTTP from
// the fake), webhook payloads parsed into tenant-addressed events (Xero's published example, the empty
// intent-to-receive payload), Microsoft JSON dates, item keys, the Accounting API poll against the fake Xero
// (baseline, new records, re-reads, paging inside one second, tenant header) and Xero's errors classified.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { ProviderError, verifyRequest, type AppEvent, type PollContext, type PollSource } from '../../src/sdk/index.js';
import { tenantOf, xeroDate, xeroMessage, xeroTime } from '../../src/integrations/xero/api.js';
import { pollRecords, recordItem, type RecordChanges } from '../../src/integrations/xero/changes.js';
import { xeroIntegration } from '../../src/integrations/xero/integration.js';
import { announces, parsePayload, XERO_SIGNATURE, xeroAppWebhook } from '../../src/integrations/xero/webhook.js';
import invoice from '../../src/integrations/xero/fixtures/invoice.json' with { type: 'json' };
import contact from '../../src/integrations/xero/fixtures/contact.json' with { type: 'json' };
import contactUpdate from '../../src/integrations/xero/fixtures/webhook-contact-update.json' with { type: 'json' };
import itr from '../../src/integrations/xero/fixtures/webhook-intent-to-receive.json' with { type: 'json' };
import validationError from '../../src/integrations/xero/fixtures/error-validation.json' with { type: 'json' };
import unauthorized from '../../src/integrations/xero/fixtures/error-unauthorized.json' with { type: 'json' };
import forbidden from '../../src/integrations/xero/fixtures/error-forbidden.json' with { type: 'json' };
import { startFakeReceiver, type FakeReceiver } from '../helpers/fake-receiver.js';
import { recordPoll, type PollState } from '../helpers/poll-harness.js';
import { startFakeXero, XERO_WEBHOOK_SIGNATURE, type FakeXero } from '../providers/xero.js';

const TENANT = '70784a63-d24b-46a9-a4db-0e70a274b056';
const OTHER = 'c2cc9b6e-9458-4c7d-93cc-f02b81b0594f';
const inbound = (body: unknown, raw = Buffer.from(JSON.stringify(body))) => ({ method: 'POST', url: '/hooks/app/p/xero', headers: {}, rawBody: raw, body });

describe('Xero webhook verification', () => {
  const raw = Buffer.from(JSON.stringify(contactUpdate));
  const documented = createHmac('sha256', 'webhook-key').update(raw).digest('base64');
  const req = (signature: string | undefined, body = raw) => ({ method: 'POST', url: '/h', headers: signature === undefined ? {} : { 'x-xero-signature': signature }, rawBody: body, publicUrl: 'https://ot.example/h' });

  it('is base64 HMAC-SHA256 of the raw body keyed with the webhook key, as Xero documents', () => {
    expect(XERO_SIGNATURE).toEqual(XERO_WEBHOOK_SIGNATURE);
    expect(verifyRequest(XERO_SIGNATURE, req(documented), { secret: 'webhook-key' }, Date.now())).toEqual({ ok: true });
  });

  it('refuses a wrong key, a tampered body, a hex signature and a missing header', () => {
    const now = Date.now();
    expect(verifyRequest(XERO_SIGNATURE, req(documented), { secret: 'another-key' }, now).ok).toBe(false);
    expect(verifyRequest(XERO_SIGNATURE, req(documented, Buffer.from(raw.toString().replace('UPDATE', 'CREATE'))), { secret: 'webhook-key' }, now).ok).toBe(false);
    expect(verifyRequest(XERO_SIGNATURE, req(createHmac('sha256', 'webhook-key').update(raw).digest('hex')), { secret: 'webhook-key' }, now).ok).toBe(false);
    expect(verifyRequest(XERO_SIGNATURE, req(undefined), { secret: 'webhook-key' }, now).ok).toBe(false);
  });

  describe('over real HTTP', () => {
    let receiver: FakeReceiver;
    let xero: FakeXero;
    beforeEach(async () => {
      receiver = await startFakeReceiver();
      xero = await startFakeXero();
    });
    afterEach(async () => {
      await receiver.close();
      await xero.close();
    });

    it('verifies what the fake Xero sends with its webhook key, and nothing signed with another', async () => {
      await xero.notify(receiver.url, contactUpdate);
      await xero.notify(receiver.url, contactUpdate, { secret: 'not-the-key' });
      const [good, bad] = await receiver.waitFor(2);
      const asInbound = (r: typeof good) => ({ method: 'POST', url: '/', headers: Object.fromEntries(Object.entries(r!.headers).map(([k, v]) => [k, String(v)])), rawBody: r!.rawBody, publicUrl: receiver.url });
      expect(verifyRequest(XERO_SIGNATURE, asInbound(good), { secret: xero.webhookKey }, Date.now())).toEqual({ ok: true });
      expect(verifyRequest(XERO_SIGNATURE, asInbound(bad), { secret: xero.webhookKey }, Date.now()).ok).toBe(false);
    });
  });
});

describe('Xero webhook payloads', () => {
  it('parses Xero\'s published example into one event for its tenant', () => {
    expect(parsePayload(contactUpdate)).toEqual([{ tenantId: OTHER, events: [{ category: 'CONTACT', type: 'UPDATE', resourceId: '717f2bfc-c6d4-41fd-b238-3f2f0c0cf777', eventDateUtc: '2024-06-21T01:15:39.902' }] }]);
    const [event] = xeroAppWebhook.parse(inbound(contactUpdate));
    expect(event).toMatchObject({ providerAccountId: OTHER, eventType: 'events' });
    expect(announces(event!, 'CONTACT')).toBe(true);
    expect(announces(event!, 'INVOICE')).toBe(false);
  });

  it('an intent-to-receive payload (empty events) and malformed bodies are no events', () => {
    expect(xeroAppWebhook.parse(inbound(itr))).toEqual([]);
    expect(xeroAppWebhook.parse(inbound(null))).toEqual([]);
    expect(xeroAppWebhook.parse(inbound({ events: [{ tenantId: TENANT }] }))).toEqual([]);
  });

  it('groups one payload\'s events by tenant, with the same delivery id when Xero sends the same body again', () => {
    const body = {
      events: [
        { ...contactUpdate.events[0], tenantId: TENANT, eventCategory: 'INVOICE', eventType: 'CREATE' },
        { ...contactUpdate.events[0], tenantId: OTHER },
        { ...contactUpdate.events[0], tenantId: TENANT },
      ],
      firstEventSequence: 2, lastEventSequence: 4, entropy: 'ABCDEFGHIJKLMNOPQRST',
    };
    const events = xeroAppWebhook.parse(inbound(body));
    expect(events.map((e) => [e.providerAccountId, (e.event as any).events.length])).toEqual([[TENANT, 2], [OTHER, 1]]);
    expect(xeroAppWebhook.parse(inbound(body)).map((e) => e.deliveryId)).toEqual(events.map((e) => e.deliveryId));
    const [t] = events as [AppEvent];
    const trigger = (type: string) => xeroIntegration.triggers.find((x) => x.type === type)!.source as PollSource;
    expect(trigger('XERO_TRIGGER_INVOICE_CREATED').pollOnAppEvent!(t, {})).toBe(true);
    expect(trigger('XERO_TRIGGER_CONTACT_UPDATED').pollOnAppEvent!(t, {})).toBe(true);
    expect(trigger('XERO_TRIGGER_INVOICE_UPDATED').pollOnAppEvent!(events[1]!, {})).toBe(false);
  });

  it('answers with an empty body (Xero reads only the status)', () => {
    expect(xeroAppWebhook.emptyAcknowledgement).toBe(true);
  });
});

describe('Xero records', () => {
  it('reads Microsoft JSON dates and ISO dates as UTC', () => {
    expect(xeroDate(invoice.UpdatedDateUTC)).toBe(1573755038314);
    expect(xeroDate('/Date(1573755038314)/')).toBe(1573755038314);
    expect(xeroDate('2024-06-21T01:15:39.902')).toBe(Date.parse('2024-06-21T01:15:39.902Z'));
    expect(xeroDate('soon')).toBeNaN();
    expect(xeroDate(undefined)).toBeNaN();
    expect(xeroTime(Date.parse('2026-12-07T11:50:00.750Z'))).toBe('2026-12-07T11:50:00Z');
  });

  it('keys "created" by the record id and "updated" by id and version', () => {
    const inv: RecordChanges = { resource: 'Invoices', idField: 'InvoiceID', change: 'created' };
    expect(recordItem(invoice, inv)).toEqual({ key: invoice.InvoiceID, payload: invoice, occurredAt: 1573755038314 });
    expect(recordItem(invoice, { ...inv, change: 'updated' })!.key).toBe(`${invoice.InvoiceID}:2019-11-14T18:10:38.314Z`);
    expect(recordItem(contact, { resource: 'Contacts', idField: 'ContactID', change: 'updated' })!.key).toBe(`${contact.ContactID}:${new Date(1551399321043).toISOString()}`);
    expect(recordItem({ InvoiceID: 'x' }, inv)).toBeNull();
    expect(recordItem({ UpdatedDateUTC: invoice.UpdatedDateUTC }, inv)).toBeNull();
  });

  it('takes the tenant from the credential\'s provider account id', () => {
    expect(tenantOf({ id: 'c', providerAccountId: TENANT, extra: {} })).toBe(TENANT);
    expect(() => tenantOf({ id: 'c', providerAccountId: null, extra: {} })).toThrow(ProviderError);
    expect(() => tenantOf({ id: 'c', providerAccountId: 'Maple Florists', extra: {} })).toThrow(/tenantId/);
  });

  it('words Xero\'s error bodies', () => {
    expect(xeroMessage(validationError)).toBe('A validation exception occurred: Invalid order by clause');
    expect(xeroMessage(unauthorized)).toBe('Unauthorized: TokenExpired: token expired at 12/07/2026 12:00:00');
    expect(xeroMessage(forbidden)).toBe('Forbidden: AuthenticationUnsuccessful');
    expect(xeroMessage('')).toBeUndefined();
  });
});

describe('Xero polling against the fake Xero', () => {
  let xero: FakeXero;
  let clock: number;
  let token: string;
  beforeEach(async () => {
    clock = Date.parse('2026-12-07T12:00:00Z');
    xero = await startFakeXero({ now: () => clock });
    token = xero.tokensFor(TENANT).accessToken;
  });
  afterEach(async () => {
    await xero.close();
  });

  const ctx = (cursor: unknown, tenant: string | null = TENANT): PollContext => ({
    http: createProviderHttp({ integration: xeroIntegration, apiBaseUrl: xero.url, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${token}` }) } }),
    params: {},
    credential: { id: 'cred-1', providerAccountId: tenant, extra: {} },
    log: { debug() {}, info() {}, warn() {} },
    signal: AbortSignal.timeout(10_000),
    now: () => clock,
    cursor,
  });
  const INVOICE_CREATED: RecordChanges = { resource: 'Invoices', idField: 'InvoiceID', change: 'created' };
  const INVOICE_UPDATED: RecordChanges = { resource: 'Invoices', idField: 'InvoiceID', change: 'updated' };
  const poll = async (state: PollState, spec: RecordChanges) => recordPoll(state, await pollRecords(ctx(state.cursor), spec));

  it('baselines without delivering, then delivers each new invoice once, however often it is re-read', async () => {
    xero.create(TENANT, 'Invoices', { InvoiceNumber: 'old' }, { at: clock - 60_000 });
    const state: PollState = { seen: new Set(), cursor: null };
    expect(await poll(state, INVOICE_CREATED)).toEqual([]);
    expect(state.seen.size).toBe(1);
    const [first] = xero.reads(TENANT);
    expect(first).toMatchObject({ tenant: TENANT, ifModifiedSince: '2026-12-07T11:50:00Z' });
    expect(new URLSearchParams(first!.search).get('order')).toBe('UpdatedDateUTC ASC');

    clock += 5_000;
    const a = xero.create(TENANT, 'Invoices', { InvoiceNumber: 'INV-0041' });
    clock += 1;
    const b = xero.create(TENANT, 'Invoices', { InvoiceNumber: 'INV-0042' });
    xero.create(OTHER, 'Invoices', { InvoiceNumber: 'another organisation' });
    const delivered = await poll(state, INVOICE_CREATED);
    expect(delivered.map((i) => i.payload)).toEqual([a, b]);
    expect(delivered[0]!.key).toBe(a.InvoiceID);
    clock += 5_000;
    xero.update(TENANT, 'Invoices', a.InvoiceID, { Status: 'AUTHORISED' });
    expect(await poll(state, INVOICE_CREATED)).toEqual([]);
    expect(await poll(state, INVOICE_CREATED)).toEqual([]);
    expect(xero.reads().every((r) => r.tenant === TENANT)).toBe(true);
  });

  it('delivers each new version for "updated", once', async () => {
    const state: PollState = { seen: new Set(), cursor: null };
    await poll(state, INVOICE_UPDATED);
    clock += 5_000;
    const created = xero.create(TENANT, 'Invoices', { InvoiceNumber: 'INV-1' });
    expect((await poll(state, INVOICE_UPDATED)).map((i) => i.payload)).toEqual([created]);
    clock += 5_000;
    const v2 = xero.update(TENANT, 'Invoices', created.InvoiceID, { Status: 'AUTHORISED' });
    clock += 1_000;
    const again = await poll(state, INVOICE_UPDATED);
    expect(again.map((i) => [i.key, (i.payload as any).Status])).toEqual([[`${created.InvoiceID}:${new Date(xeroDate(v2.UpdatedDateUTC)).toISOString()}`, 'AUTHORISED']]);
    expect(await poll(state, INVOICE_UPDATED)).toEqual([]);
  });

  it('pages through a second shared by more records than a page, missing none', async () => {
    const state: PollState = { seen: new Set(), cursor: null };
    await poll(state, INVOICE_CREATED);
    clock += 5_000;
    const many = Array.from({ length: 230 }, (_, i) => xero.create(TENANT, 'Invoices', { InvoiceNumber: `BULK-${i}` }));
    clock += 1_000;
    const later = xero.create(TENANT, 'Invoices', { InvoiceNumber: 'LATER' });
    const delivered = await poll(state, INVOICE_CREATED);
    expect(delivered.map((i) => (i.payload as any).InvoiceNumber).sort()).toEqual([...many, later].map((x) => x.InvoiceNumber).sort());
    expect(xero.reads().some((r) => new URLSearchParams(r.search).get('page') === '3')).toBe(true); // 230 records in one second: pages 1 to 3
    expect(await poll(state, INVOICE_CREATED)).toEqual([]);
  });

  it('classifies Xero\'s errors without a token in the message', async () => {
    const state: PollState = { seen: new Set(), cursor: null };
    xero.failNext(1, 429, { Title: 'Too Many Requests', Status: 429, Detail: 'Rate limit exceeded' }, { 'retry-after': '42', 'x-rate-limit-problem': 'minute' });
    const limited = await pollRecords(ctx(null), INVOICE_CREATED).catch((e: unknown) => e);
    expect(limited).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 42_000 });
    expect((limited as Error).message).toBe('Xero rate limit (minute): Too Many Requests: Rate limit exceeded');

    xero.failNext(1, 400, validationError);
    await expect(pollRecords(ctx(null), INVOICE_CREATED)).rejects.toMatchObject({ kind: 'permanent', status: 400, message: 'Xero HTTP 400: A validation exception occurred: Invalid order by clause' });
    await expect(pollRecords(ctx(null, OTHER), INVOICE_CREATED)).rejects.toMatchObject({ kind: 'permanent', status: 403, message: 'Xero HTTP 403: Forbidden: AuthenticationUnsuccessful' });
    xero.failNext(1, 503);
    await expect(pollRecords(ctx(null), INVOICE_CREATED)).rejects.toMatchObject({ kind: 'transient' });
    xero.validTokens.clear();
    const auth = await pollRecords(ctx(null), INVOICE_CREATED).catch((e: unknown) => e);
    expect(auth).toMatchObject({ kind: 'auth' });
    expect((auth as Error).message).not.toContain(token);
    await expect(pollRecords(ctx(null, null), INVOICE_CREATED)).rejects.toMatchObject({ kind: 'permanent' });
    expect(state.cursor).toBeNull();
  });
});

describe('Xero connect: which tenant a credential reads', () => {
  let xero: FakeXero;
  beforeEach(async () => {
    xero = await startFakeXero();
  });
  afterEach(async () => {
    await xero.close();
  });
  const accountId = (accessToken: string, extra: Record<string, unknown> = {}) =>
    xeroIntegration.accountId!({
      http: createProviderHttp({ integration: xeroIntegration, apiBaseUrl: xero.url, auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${accessToken}` }) } }),
      token: { accessToken, extra },
    });

  it('takes the only organisation of the connection', async () => {
    const { accessToken } = xero.tokensFor(TENANT);
    expect(await accountId(accessToken)).toEqual({ providerAccountId: TENANT, extra: { tenantId: TENANT, tenantName: 'Org 1' } });
    expect(xero.requests.at(-1)).toMatchObject({ path: '/connections', auth: `Bearer ${accessToken}` });
  });

  it('with several, takes the one named in the token extras, else refuses with what to do', async () => {
    const { accessToken } = xero.tokensFor(TENANT, OTHER);
    expect((await accountId(accessToken, { tenantId: OTHER })).providerAccountId).toBe(OTHER);
    await expect(accountId(accessToken)).rejects.toThrow(/2 organisations.*providerAccountId/);
  });
});
