// Slack's app-level inbound URL: one Request URL per project receives the Events API (JSON) and, when the
// app's Interactivity Request URL is set to the same address, interaction payloads (form-encoded
// `payload=<json>`). Both are signed the same way over the raw body.
//
// Sources: https://docs.slack.dev/authentication/verifying-requests-from-slack (v0 signature, 5 minutes),
// https://api.slack.com/events/url_verification, https://docs.slack.dev/apis/events-api (envelope, retries,
// authorizations), https://docs.slack.dev/interactivity/handling-user-interaction (interaction payloads).
import { createHash } from 'node:crypto';
import type { AppEvent, ChallengeEchoHandshake, HmacScheme, InboundRequest } from '../../sdk/index.js';

/**
 * Slack sends an event again only as its retries: three within about 5 minutes, or, with Delayed Events
 * on, hourly for 24 hours; there is no manual resend (https://docs.slack.dev/apis/events-api). A week
 * leaves room for a slow incident: older events need no dedupe marker (redeliveryDays).
 */
export const SLACK_REDELIVERY_DAYS = 7;

/** `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:{timestamp}:{body}")>`, ±300 s. */
export const slackSigningScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-slack-signature',
  prefix: 'v0=',
  encoding: 'hex',
  signingString: 'v0:{timestamp}:{body}',
  timestampHeader: 'x-slack-request-timestamp',
  toleranceSeconds: 300,
};

/** Slack signs the url_verification probe like any event, so it is answered only after verification. */
export const slackUrlVerification: ChallengeEchoHandshake = {
  kind: 'challengeEcho',
  match: { jsonPath: 'type', equals: 'url_verification' },
  respondWith: { jsonPath: 'challenge', as: 'json' },
  signed: true,
};

/** AppEvent.eventType of interaction payloads: `interaction.<payload.type>` (e.g. interaction.block_actions). */
export const INTERACTION_PREFIX = 'interaction.';

/**
 * Interaction payload types delivered to SLACK_TRIGGER_MESSAGE_INTERACTION. `block_suggestion` is left out
 * on purpose: Slack sends it while a user types in an external-select menu and waits for a list of options
 * in the response, which a trigger cannot give.
 */
export const INTERACTION_TYPES: readonly string[] = [
  'block_actions',
  'shortcut',
  'message_action',
  'view_submission',
  'view_closed',
  'interactive_message',
  'dialog_submission',
];

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The request body as Slack sent it: a JSON Events API body, or the JSON inside the `payload` field of a
 * form-encoded interaction. Parsed from the raw bytes so it does not depend on how the engine pre-parsed it.
 * Anything else (a slash command's form fields, garbage) yields null.
 */
export function readSlackBody(req: Pick<InboundRequest, 'rawBody' | 'headers'>): { kind: 'event' | 'interaction'; body: Json } | null {
  const text = req.rawBody.toString('utf8');
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  const looksJson = text.trimStart().startsWith('{');
  try {
    if (looksJson && !contentType.includes('x-www-form-urlencoded')) {
      const parsed: unknown = JSON.parse(text);
      return isRecord(parsed) ? { kind: 'event', body: parsed } : null;
    }
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) return null;
    const parsed: unknown = JSON.parse(payload);
    return isRecord(parsed) ? { kind: 'interaction', body: parsed } : null;
  } catch {
    return null;
  }
}

/**
 * The workspaces (and, for org-wide installs, the Enterprise Grid org) an Events API delivery is addressed
 * to. Credentials store the workspace id `T…` (or the org id `E…` for an org-wide install) as their
 * provider account id. Slack sends an event seen by several installations only once and lists one of them
 * in `authorizations`, so every id found is a candidate; a credential matches at most one of them.
 */
function eventAccounts(envelope: Json): string[] {
  const ids = new Set<string>();
  const team = str(envelope.team_id);
  if (team) ids.add(team);
  const contextTeam = str(envelope.context_team_id);
  if (contextTeam) ids.add(contextTeam);
  const authorizations = Array.isArray(envelope.authorizations) ? envelope.authorizations : [];
  for (const auth of authorizations) {
    if (!isRecord(auth)) continue;
    const authTeam = str(auth.team_id);
    if (authTeam) ids.add(authTeam);
    const enterprise = str(auth.enterprise_id);
    if (auth.is_enterprise_install === true && enterprise) ids.add(enterprise);
  }
  return [...ids];
}

function interactionAccounts(payload: Json): string[] {
  const ids = new Set<string>();
  const team = isRecord(payload.team) ? str(payload.team.id) : undefined;
  if (team) ids.add(team);
  const userTeam = isRecord(payload.user) ? str(payload.user.team_id) : undefined;
  if (userTeam) ids.add(userTeam);
  const enterprise = isRecord(payload.enterprise) ? str(payload.enterprise.id) : undefined;
  if (payload.is_enterprise_install === true && enterprise) ids.add(enterprise);
  return [...ids];
}

/**
 * Interaction payloads carry no event id. `trigger_id` is unique per user interaction (Slack mints one for
 * every click, shortcut and submission); payloads without one (view_closed) use a digest of the exact body,
 * so a re-sent identical request is still one event.
 */
function interactionDeliveryId(payload: Json, rawBody: Buffer): string {
  const triggerId = str(payload.trigger_id);
  if (triggerId) return `interaction:${triggerId}`;
  return `interaction:sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

/**
 * Splits one verified request into events, one per addressed account. Events API retries
 * (`X-Slack-Retry-Num`) carry the same `event_id`, which is the delivery id, so they are never a second event.
 * `url_verification` never reaches here (the handshake answers it); `app_rate_limited` notices and slash
 * commands yield nothing.
 */
export function parseSlackRequest(req: InboundRequest): AppEvent[] {
  const read = readSlackBody(req);
  if (!read) return [];
  if (read.kind === 'interaction') {
    const payload = read.body;
    const type = str(payload.type);
    if (!type || !INTERACTION_TYPES.includes(type)) return [];
    const deliveryId = interactionDeliveryId(payload, req.rawBody);
    return interactionAccounts(payload).map((providerAccountId) => ({
      providerAccountId,
      deliveryId,
      eventType: `${INTERACTION_PREFIX}${type}`,
      event: payload,
    }));
  }
  const envelope = read.body;
  if (envelope.type !== 'event_callback') return [];
  const eventId = str(envelope.event_id);
  const event = envelope.event;
  if (!eventId || !isRecord(event)) return [];
  const eventType = str(event.type) ?? '';
  return eventAccounts(envelope).map((providerAccountId) => ({ providerAccountId, deliveryId: eventId, eventType, event }));
}

/** Slack timestamps (`"1355517523.000005"`, seconds with a sequence suffix) as epoch milliseconds. */
export function slackTsToMs(ts: unknown): number | undefined {
  if (typeof ts !== 'string' && typeof ts !== 'number') return undefined;
  const seconds = Number(ts);
  return Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds * 1000) : undefined;
}
