// Custom triggers (admin API, docs/custom-triggers.md): PUT/GET/DELETE
// /admin/v1/projects/{projectId}/custom-triggers/{type}. Changes take effect in the project's catalog at
// once in this process and within seconds in every other one.
import type { FastifyInstance } from 'fastify';
import { AppError, notFound } from '../../errors.js';
import { toTriggerDefinitionJson } from '../../engine/catalog.js';
import { CUSTOM_TYPE_PATTERN, compileCustomTrigger, validateCustomTrigger, type CustomTriggerDefinition } from '../../engine/custom-triggers.js';
import { subscriptionHookUrl } from '../../engine/context.js';
import type { CustomTrigger } from '../../storage/port.js';
import type { AppContext, AppPlugin } from '../app.js';
import { errorResponses } from '../schemas.js';
import { adminSecurity, loadProject, projectParams } from './common.js';

const typeParams = {
  type: 'object',
  required: ['projectId', 'type'],
  properties: { projectId: { type: 'string', format: 'uuid' }, type: { type: 'string', pattern: CUSTOM_TYPE_PATTERN.source } },
} as const;

function view(ctx: AppContext, row: CustomTrigger) {
  const def = row.definition as unknown as CustomTriggerDefinition;
  const compiled = compileCustomTrigger(row.type, def);
  return {
    type: row.type,
    integration: row.integration,
    trigger: toTriggerDefinitionJson(compiled),
    definition: row.definition,
    // Per-subscription inbound URL; the subscription id is in the POST /trigger-subscriptions response.
    ...(def.source.kind === 'webhook' ? { inboundUrlTemplate: subscriptionHookUrl(ctx.engine.publicUrl, '{subscriptionId}') } : {}),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

function registerRoutes(app: FastifyInstance, ctx: AppContext) {
  const tags = ['admin: custom triggers'];
  const catalogs = ctx.subscriptions.catalogs;

  app.get('/projects/:projectId/custom-triggers', {
    schema: { tags, summary: "The project's custom triggers", security: adminSecurity, params: projectParams },
  }, async (req) => {
    const { projectId } = req.params as { projectId: string };
    await loadProject(ctx.storage, projectId);
    return { customTriggers: (await ctx.storage.customTriggers.list(projectId)).map((r) => view(ctx, r)) };
  });

  app.get('/projects/:projectId/custom-triggers/:type', {
    schema: { tags, summary: 'One custom trigger', security: adminSecurity, params: typeParams, response: { ...errorResponses } },
  }, async (req) => {
    const { projectId, type } = req.params as { projectId: string; type: string };
    await loadProject(ctx.storage, projectId);
    const row = (await ctx.storage.customTriggers.list(projectId)).find((r) => r.type === type);
    if (!row) throw notFound(`custom trigger ${type}`);
    return view(ctx, row);
  });

  app.put('/projects/:projectId/custom-triggers/:type', {
    schema: {
      tags,
      summary: 'Create or replace a custom trigger (JSON definition, see docs/custom-triggers.md)',
      security: adminSecurity,
      params: typeParams,
      body: { type: 'object' },
      response: { ...errorResponses },
    },
  }, async (req, reply) => {
    const { projectId, type } = req.params as { projectId: string; type: string };
    await loadProject(ctx.storage, projectId);
    const rows = await ctx.storage.customTriggers.list(projectId);
    const current = rows.find((r) => r.type === type);
    const def = validateCustomTrigger(type, req.body, { builtin: await catalogs.builtin(), others: rows.filter((r) => r.type !== type) });
    if (current) {
      const inUse = (await ctx.storage.subscriptions.list({ projectId, triggerType: type })).length;
      const before = current.definition as unknown as CustomTriggerDefinition;
      if (inUse > 0 && current.integration !== def.integration) {
        throw new AppError('CONFLICT', `integration: ${inUse} subscription(s) use ${type}; delete them before moving it to another integration`, { parameter: 'integration' });
      }
      if (inUse > 0 && before.source.kind !== def.source.kind) {
        throw new AppError('CONFLICT', `source.kind: ${inUse} subscription(s) use ${type}; delete them before changing it from ${before.source.kind} to ${def.source.kind}`, { parameter: 'source.kind' });
      }
    }
    const saved = await ctx.storage.customTriggers.upsert({ projectId, integration: def.integration, type, definition: def });
    await catalogs.changed(projectId);
    return reply.status(current ? 200 : 201).send(view(ctx, saved));
  });

  app.delete('/projects/:projectId/custom-triggers/:type', {
    schema: { tags, summary: 'Delete a custom trigger (refused while subscriptions use it)', security: adminSecurity, params: typeParams, response: { ...errorResponses } },
  }, async (req) => {
    const { projectId, type } = req.params as { projectId: string; type: string };
    await loadProject(ctx.storage, projectId);
    const inUse = (await ctx.storage.subscriptions.list({ projectId, triggerType: type })).length;
    if (inUse > 0) throw new AppError('CONFLICT', `${inUse} subscription(s) use ${type}; delete them first (their provider-side setup is torn down with them)`);
    if (!(await ctx.storage.customTriggers.delete(projectId, type))) throw notFound(`custom trigger ${type}`);
    await catalogs.changed(projectId);
    return { success: true };
  });
}

export function customTriggersPlugin(): AppPlugin {
  return { adminRoutes: registerRoutes };
}
