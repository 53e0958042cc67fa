// Per-subscription monday.com board webhooks (https://developer.monday.com/api-reference/reference/webhooks):
// `create_webhook(board_id, url, event, config)` for one board and one event, pointed at our per-subscription
// URL; `delete_webhook(id)` on unsubscribe; and every hour (`check`) the `webhooks(board_id)` query, so a
// webhook removed from the board is created again.
//
// URL verification: while `create_webhook` runs, monday POSTs `{"challenge": "…"}` to the URL and expects the
// same JSON back. The probe only echoes what it was sent, so it is answered before verification (the engine
// answers it while the registration is pending).
//
// Signature: monday puts a JWT in the `Authorization` header of every webhook request made for an app created
// in the Developer Center, signed with the app's Signing Secret (HS256) — the project's `webhookSecret`,
// hence `appSigningKey`. Webhooks created with a personal API token carry no Authorization header
// (https://developer.monday.com/api-reference/changelog/webhooks-improvements) and cannot be verified: they
// are refused with 401 (see docs/integrations/monday.md).
import {
  ProviderError,
  type ChallengeEchoHandshake,
  type InboundRequest,
  type Item,
  type JwtScheme,
  type ParameterDefinition,
  type WebhookContext,
  type WebhookSource,
} from '../../sdk/index.js';
import { MondayApiError, mondayGraphql } from './api.js';

export const MONDAY_WEBHOOKS_DOCS = 'https://developer.monday.com/api-reference/reference/webhooks';

/** HS256 JWT in `Authorization`; `exp` (when present) checked with a minute of clock leeway. */
export const MONDAY_SIGNATURE: JwtScheme = { kind: 'jwt', algorithm: 'HS256', header: 'authorization', leewaySeconds: 60 };

export const MONDAY_CHALLENGE: ChallengeEchoHandshake = {
  kind: 'challengeEcho',
  // monday's probe is a bare {"challenge": "…"}: the field's presence selects it.
  match: { jsonPath: 'challenge' },
  respondWith: { jsonPath: 'challenge', as: 'json' },
  signed: false,
};

export type MondayWebhookEvent =
  | 'create_item'
  | 'change_column_value'
  | 'change_specific_column_value'
  | 'change_status_column_value'
  | 'create_update'
  | 'item_archived';

export interface MondayParams {
  boardId: string;
  columnId?: string;
}

/** The fields of monday's `event` we read (sample payloads on the webhooks reference page). */
export interface MondayEvent {
  type?: unknown;
  boardId?: unknown;
  pulseId?: unknown;
  itemId?: unknown;
  columnId?: unknown;
  changedAt?: unknown;
  updateId?: unknown;
  triggerTime?: unknown;
  triggerUuid?: unknown;
  subscriptionId?: unknown;
}

const BOARD_ID = /^\d{1,20}$/;
const COLUMN_ID = /^[A-Za-z0-9_]{1,64}$/;

export const boardIdParameter: ParameterDefinition = {
  id: 'boardId',
  title: 'Board ID',
  type: 'TEXT',
  required: true,
  description: 'The monday.com board to watch (its id: the number after /boards/ in the board URL).',
  validate: (value) => (typeof value === 'string' && BOARD_ID.test(value) ? null : 'must be a monday.com board id (digits)'),
};

export function columnIdParameter(description: string): ParameterDefinition {
  return {
    id: 'columnId',
    title: 'Column ID',
    type: 'TEXT',
    required: false,
    description,
    validate: (value) => (typeof value === 'string' && COLUMN_ID.test(value) ? null : 'must be a monday.com column id (e.g. status, text0, date4)'),
  };
}

const CREATE_WEBHOOK = `mutation OpenTriggersCreateWebhook($boardId: ID!, $url: String!, $event: WebhookEventType!, $config: JSON) {
  create_webhook(board_id: $boardId, url: $url, event: $event, config: $config) { id board_id }
}`;

const DELETE_WEBHOOK = `mutation OpenTriggersDeleteWebhook($id: ID!) {
  delete_webhook(id: $id) { id board_id }
}`;

const LIST_WEBHOOKS = `query OpenTriggersWebhooks($boardId: ID!) {
  webhooks(board_id: $boardId) { id event board_id config }
}`;

function idText(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** What one trigger subscribes to, and how it keys its items. */
export interface MondayWebhookSpec {
  /** The event to create; with a `columnId` parameter, `withColumn` replaces it (config `{columnId}`). */
  event: MondayWebhookEvent;
  withColumn?: MondayWebhookEvent;
  /** Keep only events of the `columnId` parameter (for events monday cannot narrow itself). */
  filterColumn?: boolean;
  /** The item key from the event; null when the body lacks what identifies it. */
  key(event: MondayEvent): string | null;
}

/** The occurrence id monday gives each trigger firing (`triggerUuid`), repeated when the request is retried. */
export function triggerUuidOf(event: MondayEvent): string | null {
  return typeof event.triggerUuid === 'string' && event.triggerUuid !== '' ? event.triggerUuid : null;
}

function occurredAt(event: MondayEvent): number | undefined {
  if (typeof event.triggerTime === 'string') {
    const t = Date.parse(event.triggerTime);
    if (Number.isFinite(t)) return t;
  }
  if (typeof event.changedAt === 'number' && Number.isFinite(event.changedAt)) return Math.round(event.changedAt * 1000);
  return undefined;
}

export function mondayWebhook(spec: MondayWebhookSpec): WebhookSource<MondayParams> {
  return {
    kind: 'webhook',
    verification: MONDAY_SIGNATURE,
    appSigningKey: {
      required: true,
      description: "the monday.com app's Signing Secret (Developer Center → your app → Basic Information → Signing Secret)",
    },
    handshakes: [MONDAY_CHALLENGE],
    // No redeliveryDays: monday retries a failed request every minute for 30 minutes (a 2021 changelog, for
    // run URLs and webhooks), but no page states it for board webhooks today, so every key keeps its marker.
    async register(ctx) {
      const { boardId, columnId } = ctx.params;
      if (!BOARD_ID.test(boardId)) throw new ProviderError('permanent', 'boardId: must be a monday.com board id (digits)');
      const narrowed = Boolean(columnId && spec.withColumn);
      const event = narrowed ? spec.withColumn! : spec.event;
      const variables: Record<string, unknown> = { boardId, url: ctx.hookUrl, event };
      if (narrowed) variables.config = JSON.stringify({ columnId });
      const data = await mondayGraphql<{ create_webhook?: { id?: unknown; board_id?: unknown } | null }>(ctx, CREATE_WEBHOOK, variables);
      const id = idText(data.create_webhook?.id);
      if (!id) throw new ProviderError('permanent', 'monday.com answered create_webhook without a webhook id');
      return { state: { webhookId: id, boardId, event } };
    },
    async unregister(ctx) {
      const id = idText(ctx.state.webhookId);
      if (!id) return;
      try {
        await mondayGraphql(ctx, DELETE_WEBHOOK, { id });
      } catch (err) {
        if (err instanceof MondayApiError && err.kind === 'permanent' && err.notFound) {
          ctx.log.info('monday.com webhook was already deleted', { webhookId: id });
          return;
        }
        throw err;
      }
    },
    async check(ctx) {
      // A board owner may remove the integration from the board; monday tells no one.
      const id = idText(ctx.state.webhookId);
      const boardId = idText(ctx.state.boardId) ?? ctx.params.boardId;
      if (!id) return 'gone';
      const data = await mondayGraphql<{ webhooks?: Array<{ id?: unknown } | null> | null }>(ctx, LIST_WEBHOOKS, { boardId });
      if (!Array.isArray(data.webhooks)) throw new ProviderError('transient', 'monday.com answered the webhooks query without a list');
      return data.webhooks.some((w) => w !== null && idText(w.id) === id) ? 'active' : 'gone';
    },
    deliveryId(req: InboundRequest): string | undefined {
      const event = (req.body as { event?: MondayEvent } | null)?.event;
      return event ? (triggerUuidOf(event) ?? undefined) : undefined;
    },
    toItems(req: InboundRequest, ctx: WebhookContext<MondayParams>): Item[] {
      const body = req.body as { event?: MondayEvent | null } | null;
      const event = body && typeof body === 'object' ? body.event : null;
      if (!event || typeof event !== 'object') throw new ProviderError('permanent', 'the request is not a monday.com webhook body (no event)');
      // The webhook is for one board; this keeps the contract should a request name another one.
      const board = idText(event.boardId);
      if (board && board !== ctx.params.boardId) return [];
      if (spec.filterColumn && ctx.params.columnId && idText(event.columnId) !== ctx.params.columnId) return [];
      const key = spec.key(event);
      if (!key) throw new ProviderError('permanent', 'the monday.com event has neither triggerUuid nor the ids that identify it');
      const at = occurredAt(event);
      return [{ key, payload: body, ...(at !== undefined ? { occurredAt: at } : {}) }];
    },
  };
}
