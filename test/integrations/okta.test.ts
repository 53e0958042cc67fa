// Okta, unit level: the Authorization shared-secret scheme and the verification challenge (the engine's answer to
// Okta's one-time GET), the triggers' mapping of Okta's example deliveries (one item per matching LogEvent, keyed by
// uuid, the same on a retry; group and app filters), the id parameters, and the error mapping (Okta's error body,
// X-Rate-Limit-Reset).
import { describe, expect, it } from 'vitest';
import { oktaError, rateLimitResetMs } from '../../src/integrations/okta/api.js';
import { idParam, itemsOf } from '../../src/integrations/okta/event-hooks.js';
import { appAssignedToUser, delivery, userAddedToGroup, userCreated, userDeactivated, userSessionStarted } from '../../src/integrations/okta/fixtures/events.js';
import { OKTA_AUTH_HEADER, OKTA_VERIFICATION_CHALLENGE, oktaIntegration } from '../../src/integrations/okta/integration.js';
import { classifyInbound, schemeProblems, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const source = (type: string) => oktaIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource;
const inbound = (body: unknown): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers: {}, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown, params: Record<string, unknown> = {}) => source(type).toItems(inbound(body), { params } as never) as Item[];
const SECRET = 'a1'.repeat(32);

describe('Okta verification', () => {
  const config = { verification: OKTA_AUTH_HEADER, handshakes: [OKTA_VERIFICATION_CHALLENGE] };
  const req = (method: string, headers: Record<string, string>, body = '') => ({ method, url: '/hooks/s/x', headers, rawBody: Buffer.from(body) });

  it('accepts a delivery carrying exactly the secret in Authorization, refuses anything else', () => {
    expect(schemeProblems(OKTA_AUTH_HEADER)).toEqual([]);
    const body = JSON.stringify(delivery([userCreated]));
    expect(classifyInbound(config, req('POST', { authorization: SECRET }, body), { secret: SECRET }, Date.now())).toEqual({ kind: 'event' });
    for (const bad of [{} as Record<string, string>, { authorization: 'b2'.repeat(32) }, { authorization: `SSWS ${SECRET}` }, { authorization: SECRET.slice(1) }]) {
      expect(classifyInbound(config, req('POST', bad, body), { secret: SECRET }, Date.now())).toMatchObject({ kind: 'rejected' });
    }
  });

  it('answers the one-time GET with {"verification": challenge}, even before a secret is stored', () => {
    const decision = classifyInbound(config, req('GET', { 'x-okta-verification-challenge': 'Kf8-zQ' }), undefined, Date.now());
    expect(decision).toMatchObject({ kind: 'handshake', response: { status: 200, body: '{"verification":"Kf8-zQ"}' } });
    expect(classifyInbound(config, req('GET', {}), { secret: SECRET }, Date.now())).toMatchObject({ kind: 'rejected' });
  });
});

describe('Okta triggers', () => {
  it('are the five event-hook triggers', () => {
    expect(oktaIntegration.triggers.map((t) => t.type)).toEqual([
      'OKTA_TRIGGER_USER_CREATED', 'OKTA_TRIGGER_USER_DEACTIVATED', 'OKTA_TRIGGER_USER_ADDED_TO_GROUP', 'OKTA_TRIGGER_USER_SIGNED_IN', 'OKTA_TRIGGER_APP_ASSIGNED_TO_USER',
    ]);
    for (const t of oktaIntegration.triggers) expect((t.source as WebhookSource).handshakes).toEqual([OKTA_VERIFICATION_CHALLENGE]);
  });

  it('map each event of the trigger type to one item keyed by uuid, with its published time; others ignored', () => {
    const all = delivery([userCreated, userDeactivated, userAddedToGroup, userSessionStarted, appAssignedToUser]);
    expect(items('OKTA_TRIGGER_USER_CREATED', all)).toEqual([{ key: userCreated.uuid, payload: userCreated, occurredAt: Date.parse(userCreated.published) }]);
    expect(items('OKTA_TRIGGER_USER_DEACTIVATED', all).map((i) => i.key)).toEqual([userDeactivated.uuid]);
    expect(items('OKTA_TRIGGER_USER_SIGNED_IN', all).map((i) => i.key)).toEqual(['f790999f-fe87-467a-9880-6982a583986c']);
    expect(items('OKTA_TRIGGER_USER_ADDED_TO_GROUP', all).map((i) => i.key)).toEqual([userAddedToGroup.uuid]);
    expect(items('OKTA_TRIGGER_APP_ASSIGNED_TO_USER', all).map((i) => i.key)).toEqual([appAssignedToUser.uuid]);
    // A retry under another envelope id gives the same key.
    expect(items('OKTA_TRIGGER_USER_CREATED', delivery([userCreated], 'other'))[0]!.key).toBe(userCreated.uuid);
  });

  it('ignore events without uuid, malformed bodies and non-objects', () => {
    expect(items('OKTA_TRIGGER_USER_CREATED', delivery([{ ...userCreated, uuid: '' }, null, 'x']))).toEqual([]);
    expect(items('OKTA_TRIGGER_USER_CREATED', { data: {} })).toEqual([]);
    expect(items('OKTA_TRIGGER_USER_CREATED', [])).toEqual([]);
    expect(itemsOf('user.lifecycle.create', null)).toEqual([]);
  });

  it('group and app filters keep only events naming that target', () => {
    const d = delivery([userAddedToGroup]);
    expect(items('OKTA_TRIGGER_USER_ADDED_TO_GROUP', d, { groupId: '00g1emaKYZTWRYYRRTSK' })).toHaveLength(1);
    expect(items('OKTA_TRIGGER_USER_ADDED_TO_GROUP', d, { groupId: '00gOTHERGROUP0000000' })).toEqual([]);
    // The user's id is no group id.
    expect(items('OKTA_TRIGGER_USER_ADDED_TO_GROUP', d, { groupId: userAddedToGroup.target[0]!.id })).toEqual([]);
    expect(items('OKTA_TRIGGER_APP_ASSIGNED_TO_USER', delivery([appAssignedToUser]), { appId: '0oa1gjh63g214q0Hq0g4' })).toHaveLength(1);
    expect(items('OKTA_TRIGGER_APP_ASSIGNED_TO_USER', delivery([appAssignedToUser]), { appId: '0oaOTHERAPP000000000' })).toEqual([]);
  });

  it('id parameters accept Okta ids or empty, refuse anything else naming the field', () => {
    expect(idParam({}, 'groupId')).toBeNull();
    expect(idParam({ groupId: ' 00g1emaKYZTWRYYRRTSK ' }, 'groupId')).toBe('00g1emaKYZTWRYYRRTSK');
    const param = oktaIntegration.triggers[2]!.parameters[0]!;
    expect(param.validate!('00g1emaKYZTWRYYRRTSK')).toBeNull();
    for (const bad of ['../users', 'a b', 42, 'x']) {
      expect(() => idParam({ groupId: bad }, 'groupId')).toThrow(/^groupId: /);
      expect(param.validate!(bad)).toMatch(/Okta id/);
    }
  });
});

describe('oktaError', () => {
  const NOW = 1_800_000_000_000;
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  const body = (code: string, summary: string, causes: string[] = []) => ({ errorCode: code, errorSummary: summary, errorLink: code, errorId: 'oae1', errorCauses: causes.map((c) => ({ errorSummary: c })) });

  it("classifies statuses and keeps Okta's summary, causes and code", () => {
    expect(oktaError(res(401, body('E0000011', 'Invalid token provided')), NOW)).toMatchObject({ kind: 'auth', message: 'Okta 401: Invalid token provided (E0000011)' });
    expect(oktaError(res(400, body('E0000001', 'Api validation failed: eventHook', ['name: An object with this field already exists'])), NOW)).toMatchObject({
      kind: 'permanent', message: 'Okta 400: Api validation failed: eventHook: name: An object with this field already exists (E0000001)',
    });
    expect(oktaError(res(403, body('E0000006', 'You do not have permission to perform the requested action')), NOW)).toMatchObject({ kind: 'permanent', status: 403 });
    expect(oktaError(res(503, 'upstream down'), NOW)).toMatchObject({ kind: 'transient', message: 'Okta 503' });
  });

  it('waits for X-Rate-Limit-Reset on 429, else Retry-After, else 60 s; never more than 15 minutes', () => {
    const limited = (headers: Record<string, string>) => oktaError(res(429, body('E0000047', 'API call exceeded rate limit due to too many requests.'), headers), NOW);
    expect(limited({ 'x-rate-limit-reset': String(NOW / 1000 + 42) })).toMatchObject({ kind: 'rate_limited', retryAfterMs: 42_000 });
    expect(limited({ 'retry-after': '5' })).toMatchObject({ kind: 'rate_limited', retryAfterMs: 5_000 });
    expect(limited({})).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(rateLimitResetMs(String(NOW / 1000 + 86_400), NOW)).toBe(15 * 60_000);
    expect(rateLimitResetMs(String(NOW / 1000 - 1), NOW)).toBeUndefined();
    expect(rateLimitResetMs('soon', NOW)).toBeUndefined();
  });
});
