// Every Linear trigger is a data-change webhook on one resource type and one action: created through the
// GraphQL `webhookCreate` mutation for the subscription (one team, or all public teams), signed with the
// secret we choose (WebhookCreateInput.secret), removed with `webhookDelete`, read every hour with the
// `webhook(id)` query (`check`, ADR 0018) so one deleted or disabled in Linear is created again. The payload
// is Linear's webhook body as sent (action, type, data, updatedFrom, actor, url, organizationId,
// webhookTimestamp, …).
import {
  ProviderError,
  defineTrigger,
  type InboundRequest,
  type Item,
  type ParameterDefinition,
  type TriggerDefinition,
} from '../../../sdk/index.js';
import { LinearGraphqlError, linearGraphql } from '../graphql.js';
import { linearSignatureScheme } from '../scheme.js';

export const LINEAR_WEBHOOKS_DOCS = 'https://linear.app/developers/webhooks';

export interface LinearTriggerParams {
  teamId?: string;
}

export type LinearResourceType = 'Issue' | 'Comment';
export type LinearAction = 'create' | 'update' | 'remove';

export interface LinearEntityTriggerSpec {
  type: string;
  title: string;
  description: string;
  resourceType: LinearResourceType;
  action: LinearAction;
  examplePayload: unknown;
}

/** The envelope fields we read (EntityWebhookPayload in Linear's schema). */
interface LinearWebhookBody {
  action?: unknown;
  type?: unknown;
  createdAt?: unknown;
  webhookTimestamp?: unknown;
  data?: { id?: unknown; teamId?: unknown; updatedAt?: unknown } | null;
}

export const teamIdParameter: ParameterDefinition = {
  id: 'teamId',
  title: 'Team ID',
  type: 'TEXT',
  required: false,
  description: 'Only events of this Linear team (its id, a UUID). Leave empty for all public teams.',
  validate: (value) => (typeof value === 'string' && /^[A-Za-z0-9-]{1,64}$/.test(value) ? null : 'must be a Linear team id'),
};

const CREATE_WEBHOOK = `mutation OpenTriggersWebhookCreate($input: WebhookCreateInput!) {
  webhookCreate(input: $input) { success webhook { id enabled secret } }
}`;

const DELETE_WEBHOOK = `mutation OpenTriggersWebhookDelete($id: String!) {
  webhookDelete(id: $id) { success }
}`;

// `Query.webhook(id: String!): Webhook!` — non-null, so an unknown id comes back as an error ("Entity not found").
const GET_WEBHOOK = `query OpenTriggersWebhook($id: String!) {
  webhook(id: $id) { id enabled }
}`;

/**
 * Linear retries a push at most 3 times, after 1 minute, 1 hour and 6 hours
 * (https://linear.app/developers/webhooks); no manual redelivery is documented. A week leaves room to
 * spare: older events need no dedupe marker (redeliveryDays).
 */
const LINEAR_REDELIVERY_DAYS = 7;

/** Linear's delivery id header: the same for Linear's retries of one delivery. */
export function linearDeliveryId(req: InboundRequest): string | undefined {
  const value = req.headers['linear-delivery'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function itemKey(resourceType: LinearResourceType, action: LinearAction, body: LinearWebhookBody, id: string): string {
  if (action !== 'update') return `${resourceType}:${id}:${action}`;
  // Each update is its own event: key it by the entity's version (updatedAt), falling back to the send time.
  const version = typeof body.data?.updatedAt === 'string' ? body.data.updatedAt : String(body.webhookTimestamp);
  return `${resourceType}:${id}:update:${version}`;
}

export function linearEntityTrigger(spec: LinearEntityTriggerSpec): TriggerDefinition<LinearTriggerParams> {
  const { resourceType, action } = spec;
  return defineTrigger<LinearTriggerParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: [teamIdParameter],
    examplePayload: spec.examplePayload,
    docsUrl: LINEAR_WEBHOOKS_DOCS,
    source: {
      kind: 'webhook',
      verification: linearSignatureScheme,
      redeliveryDays: LINEAR_REDELIVERY_DAYS,
      async register(ctx) {
        const teamId = ctx.params.teamId;
        const input: Record<string, unknown> = {
          url: ctx.hookUrl,
          resourceTypes: [resourceType],
          label: `OpenTriggers ${spec.type}`,
          secret: ctx.secret,
          enabled: true,
          // The schema requires a team or all public teams.
          ...(teamId ? { teamId } : { allPublicTeams: true }),
        };
        const data = await linearGraphql<{ webhookCreate?: { success?: unknown; webhook?: { id?: unknown; secret?: unknown } | null } | null }>(
          ctx, CREATE_WEBHOOK, { input },
        );
        const created = data.webhookCreate;
        const id = created?.webhook?.id;
        if (created?.success !== true || typeof id !== 'string' || id === '') {
          throw new ProviderError('permanent', 'Linear did not create the webhook (webhookCreate.success is false)');
        }
        // We set the secret; should Linear ever answer with another one, that is the one it signs with.
        const returned = created.webhook?.secret;
        const secret = typeof returned === 'string' && returned !== '' ? returned : ctx.secret;
        return { state: { webhookId: id }, secret };
      },
      async unregister(ctx) {
        const id = ctx.state.webhookId;
        if (typeof id !== 'string' || id === '') return;
        try {
          await linearGraphql(ctx, DELETE_WEBHOOK, { id });
        } catch (err) {
          if (err instanceof LinearGraphqlError && err.notFound) {
            ctx.log.info('Linear webhook was already deleted', { webhookId: id });
            return;
          }
          throw err;
        }
      },
      async check(ctx) {
        // A workspace admin may delete or disable the webhook in Linear's settings, and Linear tells no one.
        const id = ctx.state.webhookId;
        if (typeof id !== 'string' || id === '') return 'gone';
        let data: { webhook?: { enabled?: unknown } | null };
        try {
          data = await linearGraphql<{ webhook?: { enabled?: unknown } | null }>(ctx, GET_WEBHOOK, { id });
        } catch (err) {
          // Only a refusal that says the webhook does not exist means gone; rate limits, auth and outages are
          // "cannot tell" and go to the engine's back-off.
          if (err instanceof LinearGraphqlError && err.kind === 'permanent' && err.notFound) return 'gone';
          throw err;
        }
        if (!data.webhook) throw new ProviderError('transient', 'Linear answered the webhook query without the webhook');
        return data.webhook.enabled === false ? 'inactive' : 'active';
      },
      deliveryId: linearDeliveryId,
      toItems(req, ctx): Item[] {
        const body = req.body as LinearWebhookBody | null;
        if (body === null || typeof body !== 'object') throw new ProviderError('permanent', 'the request is not a Linear webhook body');
        if (body.type !== resourceType || body.action !== action) return [];
        const id = body.data?.id;
        if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', `the ${resourceType} event has no data.id`);
        // The webhook is already team-scoped at Linear; this keeps the contract if it was edited by hand.
        const teamId = ctx.params.teamId;
        if (teamId && typeof body.data?.teamId === 'string' && body.data.teamId !== teamId) return [];
        const occurredAt = typeof body.createdAt === 'string' ? Date.parse(body.createdAt) : NaN;
        return [{ key: itemKey(resourceType, action, body, id), payload: req.body, ...(Number.isFinite(occurredAt) ? { occurredAt } : {}) }];
      },
    },
  });
}
