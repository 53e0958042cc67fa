// Zoom's app-level event notifications: every account that authorized the Marketplace app has its events
// posted to the one Event notification endpoint URL of the app's event subscription (the project's app URL),
// signed with the app's Secret Token (the project's integration `webhookSecret`), and routed here by
// `payload.account_id` to credentials whose provider account id is that Zoom account.
//
// Sources: https://developers.zoom.us/docs/api/webhooks/ (event subscriptions; "Verify webhook events":
// x-zm-signature = "v0=" + hex HMAC-SHA256(secret token, "v0:{x-zm-request-timestamp}:{body}"); "Validate
// your webhook endpoint": endpoint.url_validation, answered within 3 seconds, re-validated every 72 hours),
// Zoom's own sample receiver https://github.com/zoom/webhook-sample (verifies the signature of the
// validation request before answering it), https://developers.zoom.us/changelog/platform/webhook-url-validation,
// https://devsupport.zoom.us/hc/en-us/articles/360059893812-Webhook-delays (retries).
import { createHash } from 'node:crypto';
import { inboundJson, type AppEvent, type HmacChallengeHandshake, type HmacScheme, type InboundRequest, type Item, type ParameterDefinition } from '../../sdk/index.js';

/**
 * `x-zm-signature: v0=<hex HMAC-SHA256(secret token, "v0:{x-zm-request-timestamp}:{raw body}")>`, the
 * timestamp in Unix seconds. Zoom publishes no tolerance; ±300 s (Slack's window for the same v0 scheme)
 * refuses replays of old requests. Zoom signs every attempt when it sends it (not confirmed for retries —
 * a retry signed with its first attempt's timestamp would be refused after 5 minutes and lost; see the doc).
 */
export const zoomSigningScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-zm-signature',
  prefix: 'v0=',
  encoding: 'hex',
  signingString: 'v0:{timestamp}:{body}',
  timestampHeader: 'x-zm-request-timestamp',
  timestampUnit: 's',
  toleranceSeconds: 300,
};

/**
 * `{"event":"endpoint.url_validation","payload":{"plainToken":"…"}}` → `{"plainToken": "…", "encryptedToken":
 * hex HMAC-SHA256(secret token, plainToken)}`. The probe is signed like an event (Zoom's sample verifies it
 * first), and the SDK answers it only after verification.
 */
export const zoomUrlValidation: HmacChallengeHandshake = {
  kind: 'hmacChallenge',
  match: { jsonPath: 'event', equals: 'endpoint.url_validation' },
  tokenPath: 'payload.plainToken',
  algorithm: 'sha256',
  encoding: 'hex',
  respondWith: { tokenKey: 'plainToken', hmacKey: 'encryptedToken' },
};

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The `payload.object` of a Zoom event body (`{}` when absent). */
export function zoomObject(body: unknown): Json {
  const payload = isRecord(body) && isRecord(body.payload) ? body.payload : {};
  return isRecord(payload.object) ? payload.object : {};
}

/**
 * The dedupe key of one Zoom event. Zoom's body carries no event id, and whether `event_ts` stays the same
 * when Zoom retries a delivery is not documented, so keys are built from what the event is about:
 * - meeting.created / started / ended: the meeting instance's `uuid` (an instance is created, starts and ends
 *   once; a recurring meeting's occurrences and a restarted meeting get new uuids);
 * - meeting.participant_joined: the instance uuid, the participant (participant_uuid, else user_id, else id)
 *   and `join_time` (a rejoin has a new join_time);
 * - recording.completed: the instance uuid and its recording file ids (a hash), so a retry is the same key
 *   and a recording completed again with other files is a new one.
 * Anything else, or an event missing those fields: the event name, event_ts and a hash of the raw body.
 */
export function zoomEventKey(event: string, body: unknown, rawBody: Buffer): string {
  const object = zoomObject(body);
  const uuid = str(object.uuid);
  if (uuid) {
    switch (event) {
      case 'meeting.created':
      case 'meeting.started':
      case 'meeting.ended':
        return `${event}:${uuid}`;
      case 'meeting.participant_joined': {
        const p = isRecord(object.participant) ? object.participant : {};
        const who = str(p.participant_uuid) ?? str(p.user_id) ?? str(p.id);
        const when = str(p.join_time);
        if (who && when) return `${event}:${uuid}:${who}:${when}`;
        break;
      }
      case 'recording.completed': {
        const files = Array.isArray(object.recording_files) ? object.recording_files : [];
        const ids = files.map((f) => (isRecord(f) ? str(f.id) : undefined)).filter((id): id is string => id !== undefined).sort();
        return `${event}:${uuid}:${sha256(ids.join(','))}`;
      }
    }
  }
  const ts = isRecord(body) ? str(body.event_ts) ?? '' : '';
  return `${event}:${ts}:${sha256(rawBody.toString('utf8'))}`;
}

/**
 * One verified request → at most one event for the Zoom account in `payload.account_id`. The url_validation
 * probe never gets here (the handshake answers it); a body that is not a Zoom event yields none.
 */
export function parseZoomRequest(req: InboundRequest): AppEvent[] {
  const body = inboundJson(req);
  if (!body) return [];
  const event = str(body.event);
  const account = isRecord(body.payload) ? str(body.payload.account_id) : undefined;
  if (!event || !account) return [];
  return [{ providerAccountId: account, deliveryId: zoomEventKey(event, body, req.rawBody), eventType: event, event: body }];
}

// ── parameters ───────────────────────────────────────────────────────────────────────────────────────
export interface ZoomFilterParams {
  meetingId?: string;
  hostId?: string;
}

/** Digits, with the spaces Zoom shows in meeting IDs ("857 4606 5432") allowed and ignored. */
export function validateMeetingId(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' && typeof value !== 'number') return 'must be a Zoom meeting ID (digits, e.g. 85746065432)';
  const digits = String(value).replace(/\s+/g, '');
  if (!/^\d{9,12}$/.test(digits)) return 'must be a Zoom meeting ID: 9 to 12 digits (spaces allowed), e.g. 85746065432';
  return null;
}

/** A Zoom user id as events carry it in `host_id` (letters, digits, `-` and `_`). */
export function validateHostId(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') return 'must be a Zoom user ID (the host_id of events), e.g. x1yCzABCDEfg23HiJKl4mN';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) return 'must be a Zoom user ID (the host_id of events, not an email address), e.g. x1yCzABCDEfg23HiJKl4mN';
  return null;
}

export const meetingIdParameter: ParameterDefinition = {
  id: 'meetingId',
  title: 'Meeting ID',
  type: 'TEXT',
  required: false,
  description: 'Only events of this meeting (its numeric ID, as shown in Zoom). Empty: every meeting of the account.',
  placeholder: '857 4606 5432',
  validate: validateMeetingId,
};

export const hostIdParameter: ParameterDefinition = {
  id: 'hostId',
  title: 'Host user ID',
  type: 'TEXT',
  required: false,
  description: 'Only meetings hosted by this Zoom user (the user ID, e.g. from GET /users/me; not an email). Empty: every host.',
  placeholder: 'x1yCzABCDEfg23HiJKl4mN',
  validate: validateHostId,
};

/** Whether an event's meeting passes the subscription's optional filters. */
export function passesFilters(body: unknown, params: ZoomFilterParams): boolean {
  const object = zoomObject(body);
  const wantMeeting = params.meetingId === undefined || params.meetingId === '' ? undefined : String(params.meetingId).replace(/\s+/g, '');
  if (wantMeeting !== undefined && str(object.id) !== wantMeeting) return false;
  if (params.hostId !== undefined && params.hostId !== '' && str(object.host_id) !== params.hostId) return false;
  return true;
}

/** The items of one Zoom event type for one subscription: the whole event body, keyed by zoomEventKey. */
export function matchZoomEvent(eventType: string, event: AppEvent, params: ZoomFilterParams): Item[] {
  if (event.eventType !== eventType) return [];
  if (!passesFilters(event.event, params)) return [];
  const ts = isRecord(event.event) ? event.event.event_ts : undefined;
  return [{ key: event.deliveryId, payload: event.event, ...(typeof ts === 'number' ? { occurredAt: ts } : {}) }];
}
