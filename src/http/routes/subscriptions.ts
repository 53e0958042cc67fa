// The trigger-subscriptions resource (SPEC §3). Every route acts as the token's user only.
import type { FastifyInstance } from 'fastify';
import type { WebhookOverride } from '../../storage/port.js';
import { principal, type AppContext } from '../app.js';
import { subscriptionJson } from '../present.js';
import { bearerSecurity, errorResponses, uuidParam, webhookOverrideSchema } from '../schemas.js';

const idParams = { type: 'object', required: ['projectId', 'id'], properties: { projectId: { type: 'string' }, id: uuidParam } } as const;
const credentialHeader = {
  type: 'object',
  properties: { 'x-paragon-credential': { type: 'string', format: 'uuid', description: 'which of the user\'s accounts to use' } },
} as const;

export function registerSubscriptionRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/trigger-subscriptions', {
    schema: {
      tags: ['trigger subscriptions'],
      summary: 'Subscribe the user to a trigger; returns once provider-side setup is done',
      security: bearerSecurity,
      headers: credentialHeader,
      body: {
        type: 'object',
        required: ['type'],
        additionalProperties: false,
        properties: {
          integration: { type: 'string', minLength: 1, maxLength: 100 },
          type: { type: 'string', minLength: 1, maxLength: 200 },
          parameters: { type: 'object', maxProperties: 100 },
          webhookOverride: webhookOverrideSchema,
        },
      },
      response: { ...errorResponses },
    },
  }, async (req) => {
    const me = principal(req);
    const body = req.body as { integration?: string; type: string; parameters?: Record<string, unknown>; webhookOverride?: WebhookOverride | null };
    const sub = await ctx.subscriptions.create(me.projectId, me.userId, body, req.headers['x-paragon-credential'] as string | undefined);
    return subscriptionJson(sub);
  });

  app.get('/trigger-subscriptions', {
    schema: {
      tags: ['trigger subscriptions'],
      summary: "List the user's subscriptions, by integration",
      security: bearerSecurity,
      querystring: {
        type: 'object',
        properties: {
          integrations: { type: 'string' },
          status: { type: 'string', enum: ['ACTIVE', 'ERRORED'] },
          type: { type: 'string' },
        },
      },
      response: { ...errorResponses },
    },
  }, async (req) => {
    const me = principal(req);
    const q = req.query as { integrations?: string; status?: 'ACTIVE' | 'ERRORED'; type?: string };
    const integrations = q.integrations?.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const subs = await ctx.storage.subscriptions.list({
      projectId: me.projectId,
      userId: me.userId,
      ...(integrations ? { integrations } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.type ? { triggerType: q.type } : {}),
    });
    const triggers: Record<string, ReturnType<typeof subscriptionJson>[]> = {};
    for (const s of subs) (triggers[s.integration] ??= []).push(subscriptionJson(s));
    return { triggers };
  });

  app.get('/trigger-subscriptions/:id', {
    schema: { tags: ['trigger subscriptions'], summary: 'One subscription', security: bearerSecurity, params: idParams, response: { ...errorResponses } },
  }, async (req) => {
    const me = principal(req);
    const { id } = req.params as { id: string };
    return subscriptionJson(await ctx.subscriptions.get(me.projectId, me.userId, id));
  });

  app.patch('/trigger-subscriptions/:id', {
    schema: {
      tags: ['trigger subscriptions'],
      summary: 'Merge parameters, replace or clear the webhook override, re-activate an ERRORED subscription',
      security: bearerSecurity,
      params: idParams,
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          parameters: { type: 'object', maxProperties: 100 },
          webhookOverride: webhookOverrideSchema,
          status: { type: 'string', enum: ['ACTIVE'] },
        },
      },
      response: { ...errorResponses },
    },
  }, async (req) => {
    const me = principal(req);
    const { id } = req.params as { id: string };
    const body = (req.body ?? {}) as { parameters?: Record<string, unknown>; webhookOverride?: WebhookOverride | null; status?: 'ACTIVE' };
    return subscriptionJson(await ctx.subscriptions.patch(me.projectId, me.userId, id, body));
  });

  app.delete('/trigger-subscriptions/:id', {
    schema: { tags: ['trigger subscriptions'], summary: 'Unsubscribe (provider teardown is best effort)', security: bearerSecurity, params: idParams, response: { ...errorResponses } },
  }, async (req) => {
    const me = principal(req);
    const { id } = req.params as { id: string };
    const r = await ctx.subscriptions.delete(me.projectId, me.userId, id);
    return { success: true, ...(r.warning ? { warning: r.warning } : {}) };
  });
}
