import { describe, expect, it } from 'vitest';
import { eventbriteError, idOf } from '../../src/integrations/eventbrite/api.js';
import attendee from '../../src/integrations/eventbrite/fixtures/attendee.json' with { type: 'json' };
import event from '../../src/integrations/eventbrite/fixtures/event.json' with { type: 'json' };
import order from '../../src/integrations/eventbrite/fixtures/order.json' with { type: 'json' };
import { eventbriteIntegration } from '../../src/integrations/eventbrite/integration.js';
import { eventIdParameter, eventbriteWebhook, keyOf, organizationIdParameter, organizationOf, resourcePath, type EventbriteParams } from '../../src/integrations/eventbrite/webhooks.js';
import { hookUrlWithToken, type HttpRequest, type InboundRequest, type WebhookContext } from '../../src/sdk/index.js';

const inbound = (body: unknown, method = 'POST'): InboundRequest => ({ method, url: '/hooks/s/x?token=t', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(JSON.stringify(body)), body });
const delivery = (action: string, apiUrl: string, webhookId = '77') => ({ config: { action, user_id: '1', endpoint_url: 'https://ot.example/hooks/s/x?token=t', webhook_id: webhookId }, api_url: apiUrl });

/** A context whose http answers from a map of paths and records every request. */
function ctx(params: EventbriteParams, objects: Record<string, unknown>, state: Record<string, unknown> = { webhookId: '77' }) {
  const calls: HttpRequest[] = [];
  const http = {
    async request(req: HttpRequest) {
      calls.push(req);
      const body = objects[req.path];
      return body ? { status: 200, headers: {}, body } : { status: 404, headers: {}, body: { status_code: 404, error: 'NOT_FOUND' } };
    },
  };
  const log = { debug() {}, info() {}, warn() {} };
  return { c: { params, state, http, log, credential: { id: 'c', providerAccountId: '1', extra: {} } } as unknown as WebhookContext<EventbriteParams>, calls };
}

describe('Eventbrite api_url handling', () => {
  it('maps only the documented resource of each action to a path relative to apiBaseUrl, whatever the host', () => {
    expect(resourcePath('order.placed', 'https://www.eventbriteapi.com/v3/orders/5123456789/')).toBe('/orders/5123456789/');
    expect(resourcePath('order.placed', 'https://evil.example/v3/orders/5/')).toBe('/orders/5/');
    expect(resourcePath('event.published', 'https://www.eventbriteapi.com/v3/events/769789610447/')).toBe('/events/769789610447/');
    expect(resourcePath('attendee.updated', 'https://www.eventbriteapi.com/v3/events/7/attendees/8/')).toBe('/events/7/attendees/8/');
    expect(resourcePath('order.placed', 'https://www.eventbriteapi.com/v3/events/7/')).toBeNull();
    expect(resourcePath('order.placed', 'https://www.eventbriteapi.com/v3/orders/../users/me/')).toBeNull();
    expect(resourcePath('event.created', 'https://www.eventbriteapi.com/v3/events/7/attendees/8/')).toBeNull();
    expect(resourcePath('order.placed', 'https://www.eventbriteapi.com/v3/orders/1%2F2/')).toBeNull();
    expect(resourcePath('order.placed', 'orders/1/')).toBeNull();
    expect(resourcePath('order.placed', 42)).toBeNull();
  });

  it('keys orders and creations by id, publications by publication time, attendees by version', () => {
    expect(keyOf('order.placed', order)).toBe('order.placed:5123456789');
    expect(keyOf('event.created', event)).toBe('event.created:769789610447');
    expect(keyOf('event.published', event)).toBe('event.published:769789610447:2026-03-01T17:38:23Z');
    expect(keyOf('attendee.updated', attendee)).toBe('attendee.updated:8123456701:2026-03-02T18:04:13Z');
    expect(keyOf('attendee.updated', { id: '1' })).toBeNull();
    expect(keyOf('order.placed', { id: 'x' })).toBeNull();
    expect([idOf('12'), idOf(12), idOf('0'), idOf('1e3'), idOf(null)]).toEqual(['12', '12', null, null, null]);
  });

  it('reads the object back and delivers it with the action; ignores other actions, other webhooks, other events, gone objects', async () => {
    const source = eventbriteWebhook('order.placed');
    const objects = { '/orders/5123456789/': order };
    const url = 'https://www.eventbriteapi.com/v3/orders/5123456789/';
    const { c, calls } = ctx({}, objects);
    expect(await source.toItems(inbound(delivery('order.placed', url)), c)).toEqual([{ key: 'order.placed:5123456789', payload: { action: 'order.placed', ...order }, occurredAt: Date.parse(order.changed) }]);
    expect(calls).toEqual([{ path: '/orders/5123456789/', allowStatus: [403, 404] }]);
    expect(await source.toItems(inbound(delivery('test', url)), c)).toEqual([]);
    expect(await source.toItems(inbound(delivery('order.placed', url, '78')), c)).toEqual([]);
    expect(await source.toItems(inbound(delivery('order.placed', url), 'GET'), c)).toEqual([]);
    expect(await source.toItems(inbound(delivery('order.placed', 'https://www.eventbriteapi.com/v3/orders/9/')), c)).toEqual([]);
    expect(await source.toItems(inbound(delivery('order.placed', url)), ctx({ eventId: '1' }, objects).c)).toEqual([]);
    expect(await source.toItems(inbound(delivery('order.placed', url)), ctx({ eventId: order.event_id }, objects).c)).toHaveLength(1);
    expect(calls).toHaveLength(2);
    expect(source.deliveryId!(inbound(delivery('order.placed', url)))).toBe(`77:${url}`);
  });

  it('checked in only when the attendee is checked in', async () => {
    const source = eventbriteWebhook('attendee.checked_in');
    const path = `/events/${attendee.event_id}/attendees/${attendee.id}/`;
    const url = `https://www.eventbriteapi.com/v3${path}`;
    expect(await source.toItems(inbound(delivery('attendee.checked_in', url)), ctx({}, { [path]: attendee }).c)).toEqual([]);
    expect(await source.toItems(inbound(delivery('attendee.checked_in', url)), ctx({}, { [path]: { ...attendee, checked_in: true } }).c)).toHaveLength(1);
  });

  it('puts the secret in the registered endpoint URL query and verifies it as a shared secret', () => {
    expect(hookUrlWithToken('https://ot.example/hooks/s/abc', 's3cr3t')).toBe('https://ot.example/hooks/s/abc?token=s3cr3t');
    expect(eventbriteWebhook('event.created').verification).toEqual({ kind: 'sharedSecret', queryParam: 'token' });
  });
});

describe('Eventbrite parameters, errors and declaration', () => {
  it('names the field of bad input and needs an organization', () => {
    expect(organizationIdParameter.validate!(undefined)).toBeNull();
    expect(organizationIdParameter.validate!('698566935713')).toBeNull();
    expect(organizationIdParameter.validate!('1/../2')).toContain('organizationId');
    expect(eventIdParameter.validate!('abc')).toContain('eventId');
    expect(eventIdParameter.validate!(5)).toContain('eventId');
    expect(organizationOf({ organizationId: ' 5 ' }, { organizationId: '6' })).toBe('5');
    expect(organizationOf({}, { organizationId: '6' })).toBe('6');
    expect(() => organizationOf({}, {})).toThrow(/organizationId/);
    expect(() => organizationOf({}, { organizationId: '../x' })).toThrow(/organizationId/);
  });

  it("keeps Eventbrite's error code and description and classifies the status", () => {
    const e = eventbriteError({ status: 404, headers: {}, body: { status_code: 404, error: 'NOT_FOUND', error_description: 'The organization you requested does not exist.' } }, 'creating the webhook in organization 1', 0);
    expect([e.kind, e.message]).toEqual(['permanent', 'Eventbrite 404 creating the webhook in organization 1: not found (check the organization id and event id) (Eventbrite: NOT_FOUND: The organization you requested does not exist.)']);
    expect(eventbriteError({ status: 400, headers: {}, body: { error: 'ARGUMENTS_ERROR' } }, 'x', 0).message).toContain('ARGUMENTS_ERROR');
    expect(eventbriteError({ status: 429, headers: { 'retry-after': '3' }, body: {} }, 'x', 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000 });
    expect(eventbriteError({ status: 503, headers: {}, body: null }, 'x', 0).kind).toBe('transient');
  });

  it('declares OAuth on eventbrite.com, the API host and five triggers', () => {
    expect(eventbriteIntegration.apiBaseUrl).toBe('https://www.eventbriteapi.com/v3');
    expect(eventbriteIntegration.auth).toMatchObject({ kind: 'oauth2', authorizationUrl: 'https://www.eventbrite.com/oauth/authorize', tokenUrl: 'https://www.eventbrite.com/oauth/token', scopes: [] });
    expect(eventbriteIntegration.triggers.map((t) => t.type)).toEqual(['EVENTBRITE_TRIGGER_ORDER_PLACED', 'EVENTBRITE_TRIGGER_ATTENDEE_UPDATED', 'EVENTBRITE_TRIGGER_ATTENDEE_CHECKED_IN', 'EVENTBRITE_TRIGGER_EVENT_CREATED', 'EVENTBRITE_TRIGGER_EVENT_PUBLISHED']);
  });
});
