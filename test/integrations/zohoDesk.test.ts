import { describe, expect, it } from 'vitest';
import { deskBase, deskError, orgHeader, orgIdOf } from '../../src/integrations/zohoDesk/api.js';
import events from '../../src/integrations/zohoDesk/fixtures/events.json' with { type: 'json' };
import { zohoDeskIntegration } from '../../src/integrations/zohoDesk/integration.js';
import { departmentIdsParameter, deskWebhook, eventsOf, keyOf, statusChanged, subscriptionsFor, type DeskParams } from '../../src/integrations/zohoDesk/webhooks.js';
import { ProviderError, URL_TOKEN, type CredentialView, type InboundRequest, type WebhookContext } from '../../src/sdk/index.js';

const inbound = (body: unknown, method = 'POST'): InboundRequest => ({ method, url: '/hooks/s/x?token=t', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(JSON.stringify(body)), body });
const cred = (extra: Record<string, unknown>): CredentialView => ({ id: 'c', providerAccountId: null, extra });
const ctx = (extra: Record<string, unknown> = { orgId: '60001280952' }) =>
  ({ http: {}, params: {}, state: { webhookId: '1892000000300001' }, credential: cred(extra), log: { debug() {}, info() {}, warn() {} }, now: () => 0 }) as unknown as WebhookContext<DeskParams>;

describe('Zoho Desk webhook deliveries', () => {
  it('keys creations by event and id, updates by id and modifiedTime, status changes by the status reached', () => {
    expect(keyOf('created', events.Ticket_Add)).toBe('Ticket_Add:1892000000143237');
    expect(keyOf('created', events.Ticket_Comment_Add)).toBe('Ticket_Comment_Add:1892000000145021');
    expect(keyOf('created', events.Contact_Add)).toBe('Contact_Add:1892000000042032');
    expect(keyOf('updated', events.Ticket_Update)).toBe('Ticket_Update:1892000000143237:2026-12-08T09:00:00.000Z');
    expect(keyOf('statusChanged', events.Ticket_Update)).toBe('status:1892000000143237:2026-12-08T09:00:00.000Z:Closed');
    // Without modifiedTime the event's time names the version.
    const { modifiedTime: _, ...noTime } = events.Ticket_Update.payload;
    expect(keyOf('updated', { ...events.Ticket_Update, payload: noTime })).toBe('Ticket_Update:1892000000143237:1765184400000');
    expect(keyOf('created', { ...events.Ticket_Add, payload: { ...events.Ticket_Add.payload, id: '../x' } })).toBeNull();
    expect(keyOf('created', { ...events.Ticket_Add, eventType: undefined })).toBeNull();
    expect(keyOf('updated', { eventType: 'Ticket_Update', payload: { id: '1' } })).toBeNull();
  });

  it('tells a status change from other updates by prevState', () => {
    expect(statusChanged(events.Ticket_Update)).toBe(true);
    expect(statusChanged({ ...events.Ticket_Update, prevState: { priority: 'Low' } })).toBe(false);
    expect(statusChanged({ ...events.Ticket_Update, prevState: { status: 'Closed' } })).toBe(false);
    expect(statusChanged({ ...events.Ticket_Update, prevState: undefined })).toBe(false);
  });

  it('reads the array Zoho Desk posts (or one object), and nothing else', () => {
    expect(eventsOf(inbound([events.Ticket_Add, 3, null, events.Contact_Add]))).toEqual([events.Ticket_Add, events.Contact_Add]);
    expect(eventsOf(inbound(events.Ticket_Add))).toEqual([events.Ticket_Add]);
    expect(eventsOf({ ...inbound(null), rawBody: Buffer.from('not json'), body: undefined })).toEqual([]);
  });

  it('keeps only its event type, its help desk and (for status) status changes; duplicates in one request once', async () => {
    const created = deskWebhook('Ticket_Add', 'created');
    expect(await created.toItems(inbound([events.Ticket_Add, events.Ticket_Add, events.Contact_Add]), ctx())).toEqual([{ key: 'Ticket_Add:1892000000143237', payload: events.Ticket_Add, occurredAt: 1765181520000 }]);
    expect(await created.toItems(inbound([{ ...events.Ticket_Add, orgId: '999' }]), ctx())).toEqual([]);
    expect(await created.toItems(inbound([events.Ticket_Add], 'GET'), ctx())).toEqual([]);
    const status = deskWebhook('Ticket_Update', 'statusChanged');
    expect(await status.toItems(inbound([{ ...events.Ticket_Update, prevState: { priority: 'Low' } }]), ctx())).toEqual([]);
    expect(await status.toItems(inbound([events.Ticket_Update]), ctx())).toMatchObject([{ key: 'status:1892000000143237:2026-12-08T09:00:00.000Z:Closed' }]);
    expect(created.deliveryId!(inbound([events.Ticket_Add]))).toBe('Ticket_Add:1892000000143237:1765181520000');
    expect(created.verification).toEqual(URL_TOKEN);
  });

  it('subscribes to its event with the departments and, for updates, the previous state', () => {
    expect(subscriptionsFor('Ticket_Add', 'created', {})).toEqual({ Ticket_Add: null });
    expect(subscriptionsFor('Ticket_Add', 'created', { departmentIds: '1, 2' })).toEqual({ Ticket_Add: { departmentIds: ['1', '2'] } });
    expect(subscriptionsFor('Ticket_Update', 'statusChanged', { departmentIds: '7' })).toEqual({ Ticket_Update: { departmentIds: ['7'], includePrevState: true } });
    expect(subscriptionsFor('Contact_Add', 'created', { departmentIds: '7' })).toEqual({ Contact_Add: null });
    expect(departmentIdsParameter.validate!('1892000000082069,1892000000006907')).toBeNull();
    expect(departmentIdsParameter.validate!(undefined)).toBeNull();
    expect(departmentIdsParameter.validate!('abc')).toContain('departmentIds');
    expect(departmentIdsParameter.validate!(12)).toContain('departmentIds');
  });
});

describe('Zoho Desk API', () => {
  it('maps the token answer api_domain to the data centre Desk host through a fixed table, never another host', () => {
    expect(deskBase({})).toBe('');
    expect(deskBase({ api_domain: 'https://www.zohoapis.com' })).toBe('');
    expect(deskBase({ api_domain: 'https://www.zohoapis.eu' })).toBe('https://desk.zoho.eu/api/v1');
    expect(deskBase({ api_domain: 'https://www.zohoapis.com.au' })).toBe('https://desk.zoho.com.au/api/v1');
    expect(deskBase({ api_domain: 'https://www.zohoapis.ca' })).toBe('https://desk.zohocloud.ca/api/v1');
    for (const bad of ['https://evil.example.com', 'http://www.zohoapis.eu', 'https://u:p@www.zohoapis.eu', 'nope', 7]) expect(() => deskBase({ api_domain: bad })).toThrow(/api_domain/);
  });

  it('sends orgId from the credential, refusing a missing or malformed one by name', () => {
    expect(orgIdOf(cred({ orgId: '60001280952' }))).toBe('60001280952');
    expect(orgIdOf(cred({ orgId: 60001280952 }))).toBe('60001280952');
    expect(() => orgIdOf(cred({}))).toThrow(/extra\.orgId/);
    expect(() => orgIdOf(cred({ orgId: '1\r\nx: y' }))).toThrow(ProviderError);
    expect(orgHeader(cred({ orgId: '5' }))).toEqual({ orgId: '5' });
    expect(orgHeader(cred({}))).toEqual({});
    expect(zohoDeskIntegration.credentialHeaders!(cred({ orgId: '5' }))).toEqual({ orgId: '5' });
  });

  it('classifies Zoho Desk errors and keeps their code and message', () => {
    const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers, body });
    const forbidden = deskError(res(403, { errorCode: 'FORBIDDEN', message: 'No permission' }), 'creating', 0);
    expect([forbidden.kind, forbidden.message]).toEqual(['permanent', 'Zoho Desk FORBIDDEN creating: No permission']);
    expect(deskError(res(400, { errorCode: 'INVALID_OAUTH' }), 'x', 0).kind).toBe('auth');
    const limited = deskError(res(429, { errorCode: 'TOO_MANY_REQUESTS' }, { 'retry-after': '5' }), 'x', 0);
    expect([limited.kind, limited.retryAfterMs]).toEqual(['rate_limited', 5000]);
    expect(deskError(res(400, { errorCode: 'THRESHOLD_EXCEEDED' }), 'x', 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(deskError(res(503, 'down'), 'x', 0).kind).toBe('transient');
  });

  it('offers five webhook triggers with example payloads from the fixtures', () => {
    expect(zohoDeskIntegration.triggers.map((t) => [t.type, t.source.kind])).toEqual([
      ['ZOHO_DESK_TRIGGER_TICKET_CREATED', 'webhook'],
      ['ZOHO_DESK_TRIGGER_TICKET_UPDATED', 'webhook'],
      ['ZOHO_DESK_TRIGGER_TICKET_STATUS_CHANGED', 'webhook'],
      ['ZOHO_DESK_TRIGGER_TICKET_COMMENT_ADDED', 'webhook'],
      ['ZOHO_DESK_TRIGGER_CONTACT_CREATED', 'webhook'],
    ]);
    expect(zohoDeskIntegration.triggers.find((t) => t.type === 'ZOHO_DESK_TRIGGER_CONTACT_CREATED')!.parameters).toEqual([]);
  });
});
