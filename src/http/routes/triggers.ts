// GET /triggers and POST /triggers/examples (SPEC §3).
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { toTriggerDefinitionJson } from '../../engine/catalog.js';
import { principal, type AppContext } from '../app.js';
import { bearerSecurity, errorResponses } from '../schemas.js';

const csv = (v: string | undefined) => (v === undefined || v === '' ? undefined : v.split(',').map((s) => s.trim()).filter((s) => s !== ''));

export function registerTriggerRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/triggers', {
    schema: {
      tags: ['triggers'],
      summary: 'List trigger definitions, by integration',
      security: bearerSecurity,
      querystring: {
        type: 'object',
        properties: {
          integrations: { type: 'string', description: 'comma-separated integration keys' },
          limit_to_available: { type: 'string', enum: ['true', 'false'], description: 'default true: only integrations the user has connected' },
        },
      },
      response: { ...errorResponses },
    },
  }, async (req) => {
    const me = principal(req);
    const q = req.query as { integrations?: string; limit_to_available?: string };
    const wanted = csv(q.integrations);
    const limit = q.limit_to_available !== 'false';
    const catalog = await ctx.subscriptions.catalogFor(me.projectId);
    let connected: Set<string> | null = null;
    if (limit) {
      const creds = await ctx.storage.credentials.listForUser(me.projectId, me.userId);
      connected = new Set(creds.filter((c) => c.status === 'VALID').map((c) => c.integration));
    }
    const triggers: Record<string, ReturnType<typeof toTriggerDefinitionJson>[]> = {};
    for (const integration of catalog.integrations()) {
      if (wanted && !wanted.includes(integration.key)) continue;
      if (connected && !connected.has(integration.key)) continue;
      triggers[integration.key] = integration.triggers.map(toTriggerDefinitionJson);
    }
    return { triggers };
  });

  app.post('/triggers/examples', {
    schema: {
      tags: ['triggers'],
      summary: 'Example payloads of a trigger',
      security: bearerSecurity,
      body: {
        type: 'object',
        required: ['integration', 'type'],
        additionalProperties: false,
        properties: {
          integration: { type: 'string', minLength: 1, maxLength: 100 },
          type: { type: 'string', minLength: 1, maxLength: 200 },
          parameters: { type: 'object' },
        },
      },
      response: { ...errorResponses },
    },
  }, async (req) => {
    const me = principal(req);
    const body = req.body as { integration: string; type: string };
    const entry = (await ctx.subscriptions.catalogFor(me.projectId)).trigger(body.type);
    if (!entry) throw new AppError('VALIDATION_FAILED', `type: unknown trigger type ${body.type}`, { parameter: 'type' });
    if (entry.integration.key !== body.integration) {
      throw new AppError('VALIDATION_FAILED', `integration: trigger ${body.type} belongs to ${entry.integration.key}`, { parameter: 'integration' });
    }
    return [entry.trigger.examplePayload];
  });
}
