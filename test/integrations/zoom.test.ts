// Zoom, source level: the v0 signature over requests the fake Zoom sends over real HTTP (right, wrong, stale
// and tampered), the endpoint.url_validation answer, parsing into account-addressed events, each trigger's
// match and its retry-stable keys, parameter validation, and the account lookup (GET /users/me) with
// Zoom's error answers classified.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import {
  ProviderError,
  classifyInbound,
  verifyRequest,
  type AnyTriggerDefinition,
  type AppEvent,
  type AppWebhookSource,
  type InboundRequest,
} from '../../src/sdk/index.js';
import { zoomAccount } from '../../src/integrations/zoom/api.js';
import { parseZoomRequest, validateHostId, validateMeetingId, zoomEventKey, zoomSigningScheme } from '../../src/integrations/zoom/events.js';
import { zoomIntegration } from '../../src/integrations/zoom/integration.js';
import createdFixture from '../../src/integrations/zoom/fixtures/meeting-created.json' with { type: 'json' };
import endedFixture from '../../src/integrations/zoom/fixtures/meeting-ended.json' with { type: 'json' };
import joinedFixture from '../../src/integrations/zoom/fixtures/participant-joined.json' with { type: 'json' };
import recordingFixture from '../../src/integrations/zoom/fixtures/recording-completed.json' with { type: 'json' };
import startedFixture from '../../src/integrations/zoom/fixtures/meeting-started.json' with { type: 'json' };
import validationFixture from '../../src/integrations/zoom/fixtures/url-validation.json' with { type: 'json' };
import { startFakeReceiver, type FakeReceiver, type RecordedRequest } from '../helpers/fake-receiver.js';
import { sendUrlValidation, sendZoomEvent, startFakeZoom, type FakeZoom } from '../providers/zoom.js';

const SECRET = 'zoom-secret-token-0123456789';
const ACCOUNT = 'AAAAAABBBB';

const trigger = (type: string): AnyTriggerDefinition => {
  const t = zoomIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
};
const match = (type: string, event: AppEvent, params: Record<string, unknown> = {}) =>
  (trigger(type).source as AppWebhookSource<Record<string, unknown>>).match(event, params);

function inbound(r: RecordedRequest): InboundRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { method: r.method, url: r.path, headers, rawBody: r.rawBody, body: r.json };
}

function eventOf(body: unknown): AppEvent {
  const raw = Buffer.from(JSON.stringify(body));
  const [event] = parseZoomRequest({ method: 'POST', url: '/', headers: {}, rawBody: raw, body });
  if (!event) throw new Error('no event parsed');
  return event;
}

const TYPES: Array<[string, unknown]> = [
  ['ZOOM_TRIGGER_MEETING_STARTED', startedFixture],
  ['ZOOM_TRIGGER_MEETING_ENDED', endedFixture],
  ['ZOOM_TRIGGER_MEETING_PARTICIPANT_JOINED', joinedFixture],
  ['ZOOM_TRIGGER_RECORDING_COMPLETED', recordingFixture],
  ['ZOOM_TRIGGER_MEETING_CREATED', createdFixture],
];

describe('zoom catalog definition', () => {
  it('declares the five triggers as app-webhook sources with their example payloads', () => {
    expect(zoomIntegration.key).toBe('zoom');
    expect(zoomIntegration.triggers.map((t) => [t.type, t.source.kind, t.examplePayload])).toEqual(TYPES.map(([type, example]) => [type, 'appWebhook', example]));
    // No redeliveryDays: Zoom does not document that a delivery is never sent again after its retries.
    for (const t of zoomIntegration.triggers) expect((t.source as AppWebhookSource).redeliveryDays, t.type).toBeUndefined();
    expect(zoomIntegration.auth).toMatchObject({ kind: 'oauth2', authorizationUrl: 'https://zoom.us/oauth/authorize', tokenUrl: 'https://zoom.us/oauth/token', clientAuth: 'basic' });
    expect(zoomIntegration.apiBaseUrl).toBe('https://api.zoom.us/v2');
  });
});

describe('zoom request verification over real HTTP', () => {
  let receiver: FakeReceiver;
  beforeAll(async () => {
    receiver = await startFakeReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  const received = () => inbound(receiver.requests.at(-1)!);

  it('accepts Zoom\'s v0 signature computed independently over the raw bytes', async () => {
    const now = Date.now();
    await sendZoomEvent(receiver.url, startedFixture, { secretToken: SECRET, timestamp: Math.floor(now / 1000) });
    const req = received();
    const expected = `v0=${createHmac('sha256', SECRET).update(`v0:${req.headers['x-zm-request-timestamp']}:${req.rawBody.toString('utf8')}`).digest('hex')}`;
    expect(req.headers['x-zm-signature']).toBe(expected);
    expect(verifyRequest(zoomSigningScheme, req, { secret: SECRET }, now)).toEqual({ ok: true });
    expect(classifyInbound(zoomIntegration.appWebhook!, req, { secret: SECRET }, now).kind).toBe('event');
  });

  it('refuses a wrong secret, a tampered body, a missing signature and a stale or future timestamp', async () => {
    const now = Date.now();
    const seconds = Math.floor(now / 1000);
    await sendZoomEvent(receiver.url, startedFixture, { secretToken: 'not-the-secret-token', timestamp: seconds });
    expect(verifyRequest(zoomSigningScheme, received(), { secret: SECRET }, now)).toMatchObject({ ok: false, reason: 'bad_signature' });

    await sendZoomEvent(receiver.url, startedFixture, { secretToken: SECRET, timestamp: seconds });
    const good = received();
    const tampered = { ...good, rawBody: Buffer.from(good.rawBody.toString('utf8').replace('My Meeting', 'Your Meeting')) };
    expect(verifyRequest(zoomSigningScheme, tampered, { secret: SECRET }, now).ok).toBe(false);
    const unsigned = { ...good, headers: { ...good.headers, 'x-zm-signature': undefined } };
    expect(verifyRequest(zoomSigningScheme, unsigned, { secret: SECRET }, now).ok).toBe(false);

    await sendZoomEvent(receiver.url, startedFixture, { secretToken: SECRET, timestamp: seconds - 301 });
    expect(verifyRequest(zoomSigningScheme, received(), { secret: SECRET }, now)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    await sendZoomEvent(receiver.url, startedFixture, { secretToken: SECRET, timestamp: seconds + 301 });
    expect(verifyRequest(zoomSigningScheme, received(), { secret: SECRET }, now).ok).toBe(false);
    await sendZoomEvent(receiver.url, startedFixture, { secretToken: SECRET, timestamp: seconds - 299 });
    expect(verifyRequest(zoomSigningScheme, received(), { secret: SECRET }, now)).toEqual({ ok: true });
  });

  it('answers the signed endpoint.url_validation with plainToken and hex HMAC-SHA256(secret, plainToken); refuses it unsigned', async () => {
    const now = Date.now();
    await sendUrlValidation(receiver.url, validationFixture.payload.plainToken, { secretToken: SECRET });
    const decision = classifyInbound(zoomIntegration.appWebhook!, received(), { secret: SECRET }, now);
    expect(decision.kind).toBe('handshake');
    if (decision.kind !== 'handshake') return;
    expect(decision.response.status).toBe(200);
    expect(JSON.parse(decision.response.body)).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', SECRET).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    });
    await sendUrlValidation(receiver.url, 'qgg8vlvZRS6UYooatFL8Aw', { secretToken: SECRET, signatureOverride: 'v0=' + '0'.repeat(64) });
    expect(classifyInbound(zoomIntegration.appWebhook!, received(), { secret: SECRET }, now).kind).toBe('rejected');
  });

  it('parses a received event into one event for the Zoom account', async () => {
    await sendZoomEvent(receiver.url, recordingFixture, { secretToken: SECRET });
    const events = parseZoomRequest(received());
    expect(events).toEqual([{ providerAccountId: ACCOUNT, deliveryId: expect.stringMatching(/^recording\.completed:4444AAAiAAAAAiAiAiiAii==:[0-9a-f]{64}$/), eventType: 'recording.completed', event: recordingFixture }]);
  });
});

describe('zoom events: parsing, matching, keys', () => {
  it('ignores bodies that are not account events', () => {
    const parse = (raw: string) => parseZoomRequest({ method: 'POST', url: '/', headers: {}, rawBody: Buffer.from(raw), body: undefined });
    expect(parse('not json')).toEqual([]);
    expect(parse('[]')).toEqual([]);
    expect(parse(JSON.stringify({ event: 'meeting.started', payload: {} }))).toEqual([]);
    expect(parse(JSON.stringify(validationFixture))).toEqual([]);
  });

  it('each trigger matches its own event only, with the whole body as payload', () => {
    for (const [type, fixture] of TYPES) {
      const event = eventOf(fixture);
      for (const [other] of TYPES) {
        const items = match(other, event);
        if (other === type) expect(items, `${type}`).toEqual([{ key: event.deliveryId, payload: fixture, occurredAt: (fixture as { event_ts: number }).event_ts }]);
        else expect(items, `${other} on ${type}`).toEqual([]);
      }
    }
  });

  it('keys survive a retry (new event_ts, same event) and differ for a new meeting instance, a rejoin or other files', () => {
    const key = (body: Record<string, unknown>) => eventOf(body).deliveryId;
    const retry = <T extends Record<string, unknown>>(b: T) => ({ ...b, event_ts: (b.event_ts as number) + 300_000 });
    for (const [, fixture] of TYPES) expect(key(retry(fixture as Record<string, unknown>))).toBe(key(fixture as Record<string, unknown>));
    expect(key(startedFixture)).toBe('meeting.started:4444AAAiAAAAAiAiAiiAii==');
    expect(key(startedFixture)).not.toBe(key(endedFixture));
    const nextInstance = { ...startedFixture, payload: { ...startedFixture.payload, object: { ...startedFixture.payload.object, uuid: 'OtherInstance==' } } };
    expect(key(nextInstance)).not.toBe(key(startedFixture));
    const p = joinedFixture.payload.object.participant;
    expect(key(joinedFixture)).toBe(`meeting.participant_joined:4444AAAiAAAAAiAiAiiAii==:${p.participant_uuid}:${p.join_time}`);
    const rejoin = { ...joinedFixture, payload: { ...joinedFixture.payload, object: { ...joinedFixture.payload.object, participant: { ...p, join_time: '2021-07-13T21:50:00Z' } } } };
    expect(key(rejoin)).not.toBe(key(joinedFixture));
    const files = recordingFixture.payload.object.recording_files;
    const reordered = { ...recordingFixture, payload: { ...recordingFixture.payload, object: { ...recordingFixture.payload.object, recording_files: [...files].reverse() } } };
    expect(key(reordered)).toBe(key(recordingFixture));
    const more = { ...recordingFixture, payload: { ...recordingFixture.payload, object: { ...recordingFixture.payload.object, recording_files: [...files, { ...files[0]!, id: 'another-file' }] } } };
    expect(key(more)).not.toBe(key(recordingFixture));
  });

  it('falls back to event, event_ts and a body hash when the event lacks the fields a key is built from', () => {
    const body = { event: 'meeting.started', event_ts: 1, payload: { account_id: ACCOUNT, object: { id: '1' } } };
    const raw = Buffer.from(JSON.stringify(body));
    expect(zoomEventKey('meeting.started', body, raw)).toMatch(/^meeting\.started:1:[0-9a-f]{64}$/);
  });

  it('applies the optional meeting and host filters', () => {
    const started = eventOf(startedFixture);
    expect(match('ZOOM_TRIGGER_MEETING_STARTED', started, { meetingId: '857 4606 5432' })).toHaveLength(1);
    expect(match('ZOOM_TRIGGER_MEETING_STARTED', started, { meetingId: '85746065433' })).toEqual([]);
    expect(match('ZOOM_TRIGGER_MEETING_STARTED', started, { hostId: 'x1yCzABCDEfg23HiJKl4mN' })).toHaveLength(1);
    expect(match('ZOOM_TRIGGER_MEETING_STARTED', started, { hostId: 'someone-else' })).toEqual([]);
    expect(match('ZOOM_TRIGGER_MEETING_STARTED', started, { meetingId: '', hostId: '' })).toHaveLength(1);
    // recording.completed carries the meeting id as a number
    expect(match('ZOOM_TRIGGER_RECORDING_COMPLETED', eventOf(recordingFixture), { meetingId: '85746065432' })).toHaveLength(1);
  });

  it('validates parameters with messages that say what is expected', () => {
    for (const ok of [undefined, '', '85746065432', '857 4606 5432', 123456789]) expect(validateMeetingId(ok), String(ok)).toBeNull();
    for (const bad of ['abc', '12345', '8574606543212345', 'https://zoom.us/j/85746065432', true]) expect(validateMeetingId(bad), String(bad)).toMatch(/Zoom meeting ID/);
    for (const ok of [undefined, '', 'x1yCzABCDEfg23HiJKl4mN', 'KdYKjnimT4KPd8FFgQt9FQ']) expect(validateHostId(ok), String(ok)).toBeNull();
    for (const bad of ['jill@example.com', 'has space', 42]) expect(validateHostId(bad), String(bad)).toMatch(/Zoom user ID/);
    expect(trigger('ZOOM_TRIGGER_MEETING_CREATED').parameters.map((p) => p.id)).toEqual(['hostId']);
    expect(trigger('ZOOM_TRIGGER_MEETING_STARTED').parameters.map((p) => [p.id, p.required])).toEqual([['meetingId', false], ['hostId', false]]);
  });
});

describe('zoom account lookup against the fake API', () => {
  let zoom: FakeZoom;
  beforeAll(async () => {
    zoom = await startFakeZoom();
    zoom.tokens.set('good-token', { id: 'x1yCzABCDEfg23HiJKl4mN', accountId: ACCOUNT, email: 'jchill@example.com' });
  });
  afterAll(async () => {
    await zoom.close();
  });
  const http = (token: string) => createProviderHttp({
    integration: zoomIntegration, apiBaseUrl: zoom.apiBaseUrl,
    auth: { canRefresh: false, headers: async () => ({ authorization: `Bearer ${token}` }) },
  });
  const failure = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return err as ProviderError;
    }
    throw new Error('expected a ProviderError');
  };

  it('uses account_id as the provider account id and keeps the user id and email as extras', async () => {
    expect(await zoomAccount(http('good-token'))).toEqual({ providerAccountId: ACCOUNT, extra: { account_id: ACCOUNT, user_id: 'x1yCzABCDEfg23HiJKl4mN', email: 'jchill@example.com' } });
    expect(zoom.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v2/users/me', auth: 'Bearer good-token' });
  });

  it('classifies 401, 429 (Retry-After) and 5xx, and never puts the token in the message', async () => {
    const auth = await failure(zoomAccount(http('revoked-token')));
    expect(auth).toBeInstanceOf(ProviderError);
    expect([auth.kind, auth.status]).toEqual(['auth', 401]);
    expect(auth.message).not.toContain('revoked-token');
    zoom.failNext(1, 429, { 'retry-after': '7' }, '/v2/users/me');
    const limited = await failure(zoomAccount(http('good-token')));
    expect([limited.kind, limited.retryAfterMs]).toEqual(['rate_limited', 7000]);
    zoom.failNext(1, 503, {}, '/v2/users/me');
    expect((await failure(zoomAccount(http('good-token')))).kind).toBe('transient');
  });

  it('refuses an answer without account_id', async () => {
    zoom.tokens.set('accountless-token', { id: 'u1', accountId: '', email: 'x@example.com' });
    const err = await failure(zoomAccount(http('accountless-token')));
    expect([err.kind, err.message]).toEqual(['permanent', 'Zoom GET /users/me answered without account_id']);
  });
});
