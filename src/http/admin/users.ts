// Connected users, their credentials and subscriptions, as seen by the operator.
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../errors.js';
import type { CredentialInput } from '../../engine/credentials.js';
import type { WebhookOverride } from '../../storage/port.js';
import type { AppContext } from '../app.js';
import { credentialBodySchema } from '../credential-schema.js';
import { credentialJson, logLineJson, subscriptionJson } from '../present.js';
import { errorResponses, webhookOverrideSchema } from '../schemas.js';
import { adminSecurity, loadProject } from './common.js';

const userParams = {
  type: 'object',
  required: ['projectId', 'userId'],
  properties: { projectId: { type: 'string', format: 'uuid' }, userId: { type: 'string', minLength: 1, maxLength: 255 } },
} as const;
const subParams = {
  type: 'object',
  required: ['projectId', 'userId', 'id'],
  properties: { ...userParams.properties, id: { type: 'string', format: 'uuid' } },
} as const;

export function registerUserRoutes(app: FastifyInstance, ctx: AppContext) {
  const tags = ['admin: users'];

  app.get('/projects/:projectId/users', {
    schema: {
      tags, summary: 'Connected users (search, cursor pagination)', security: adminSecurity,
      params: { type: 'object', properties: { projectId: { type: 'string', format: 'uuid' } } },
      querystring: { type: 'object', properties: { search: { type: 'string', maxLength: 255 }, cursor: { type: 'string', maxLength: 255 }, limit: { type: 'string', pattern: '^[0-9]{1,3}$' } } },
    },
  }, async (req) => {
    const { projectId } = req.params as { projectId: string };
    const q = req.query as { search?: string; cursor?: string; limit?: string };
    await loadProject(ctx.storage, projectId);
    const limit = Math.min(Math.max(Number(q.limit ?? 50), 1), 200);
    const users = await ctx.storage.users.list(projectId, { ...(q.search ? { search: q.search } : {}), ...(q.cursor ? { afterId: q.cursor } : {}), limit: limit + 1 });
    const page = users.slice(0, limit);
    const ids = page.map((u) => u.id);
    const [counts, last, creds] = await Promise.all([
      ctx.storage.subscriptions.countByUser(projectId, ids),
      ctx.storage.events.lastReceivedByUser(projectId, ids),
      Promise.all(ids.map((id) => ctx.storage.credentials.listForUser(projectId, id))),
    ]);
    return {
      users: page.map((u, i) => ({
        id: u.id,
        integrations: [...new Set((creds[i] ?? []).map((c) => c.integration))],
        activeSubscriptions: counts.find((c) => c.userId === u.id && c.status === 'ACTIVE')?.count ?? 0,
        erroredSubscriptions: counts.find((c) => c.userId === u.id && c.status === 'ERRORED')?.count ?? 0,
        lastEventAt: ((l) => (l ? new Date(l.lastReceived).toISOString() : null))(last.find((l) => l.userId === u.id)),
        createdAt: new Date(u.createdAt).toISOString(),
      })),
      nextCursor: users.length > limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  });

  app.get('/projects/:projectId/users/:userId', {
    schema: { tags, summary: 'A user with credentials and subscriptions', security: adminSecurity, params: userParams, response: { ...errorResponses } },
  }, async (req) => {
    const { projectId, userId } = req.params as { projectId: string; userId: string };
    const user = await ctx.storage.users.get(projectId, userId);
    if (!user) throw notFound('user');
    const [creds, subs] = await Promise.all([
      ctx.storage.credentials.listForUser(projectId, userId),
      ctx.storage.subscriptions.list({ projectId, userId }),
    ]);
    return {
      id: user.id,
      createdAt: new Date(user.createdAt).toISOString(),
      credentials: creds.map(credentialJson),
      subscriptions: subs.map(subscriptionJson),
    };
  });

  app.delete('/projects/:projectId/users/:userId', {
    schema: {
      tags, summary: 'Delete a user, tearing down credentials and subscriptions; with eraseEvents=true, their stored events too', security: adminSecurity, params: userParams,
      // additionalProperties: an erasure asked with a mistyped parameter must fail, not delete the user and keep the events.
      querystring: { type: 'object', additionalProperties: false, properties: { eraseEvents: { type: 'string', enum: ['true', 'false'] } } },
      response: { ...errorResponses },
    },
  }, async (req) => {
    const { projectId, userId } = req.params as { projectId: string; userId: string };
    const { eraseEvents } = req.query as { eraseEvents?: 'true' | 'false' };
    if (!(await ctx.storage.users.get(projectId, userId))) throw notFound('user');
    const { warnings, erasedEvents } = await ctx.credentials.deleteUser(projectId, userId, { eraseEvents: eraseEvents === 'true' });
    return { success: true, ...(erasedEvents !== null ? { erasedEvents } : {}), ...(warnings.length > 0 ? { warning: warnings.join('; ') } : {}) };
  });

  app.post('/projects/:projectId/users/:userId/credentials', {
    schema: { tags, summary: 'Store a credential for a user (no secret is echoed)', security: adminSecurity, params: userParams, body: credentialBodySchema, response: { ...errorResponses } },
  }, async (req, reply) => {
    const { projectId, userId } = req.params as { projectId: string; userId: string };
    await loadProject(ctx.storage, projectId);
    const c = await ctx.credentials.create(projectId, userId, req.body as CredentialInput);
    return reply.status(201).send(credentialJson(c));
  });

  app.delete('/projects/:projectId/users/:userId/credentials/:id', {
    schema: { tags, summary: 'Disconnect a credential', security: adminSecurity, params: subParams, response: { ...errorResponses } },
  }, async (req) => {
    const { projectId, userId, id } = req.params as { projectId: string; userId: string; id: string };
    const warnings = await ctx.credentials.delete(projectId, userId, id);
    return { success: true, ...(warnings.length > 0 ? { warning: warnings.join('; ') } : {}) };
  });

  // Subscriptions on behalf of a user (the dashboard's trigger toggles): the same service as the user API.
  app.post('/projects/:projectId/users/:userId/trigger-subscriptions', {
    schema: {
      tags, summary: 'Subscribe a user to a trigger', security: adminSecurity, params: userParams,
      body: {
        type: 'object', required: ['type'], additionalProperties: false,
        properties: {
          integration: { type: 'string', maxLength: 100 }, type: { type: 'string', maxLength: 200 }, parameters: { type: 'object', maxProperties: 100 },
          webhookOverride: webhookOverrideSchema, credentialId: { type: 'string', format: 'uuid' },
        },
      },
      response: { ...errorResponses },
    },
  }, async (req) => {
    const { projectId, userId } = req.params as { projectId: string; userId: string };
    await loadProject(ctx.storage, projectId);
    const body = req.body as { integration?: string; type: string; parameters?: Record<string, unknown>; webhookOverride?: WebhookOverride | null; credentialId?: string };
    return subscriptionJson(await ctx.subscriptions.create(projectId, userId, body, body.credentialId));
  });

  app.patch('/projects/:projectId/users/:userId/trigger-subscriptions/:id', {
    schema: {
      tags, summary: "Patch a user's subscription", security: adminSecurity, params: subParams,
      body: { type: 'object', additionalProperties: false, properties: { parameters: { type: 'object' }, webhookOverride: webhookOverrideSchema, status: { type: 'string', enum: ['ACTIVE'] } } },
      response: { ...errorResponses },
    },
  }, async (req) => {
    const { projectId, userId, id } = req.params as { projectId: string; userId: string; id: string };
    return subscriptionJson(await ctx.subscriptions.patch(projectId, userId, id, (req.body ?? {})));
  });

  app.delete('/projects/:projectId/users/:userId/trigger-subscriptions/:id', {
    schema: { tags, summary: "Delete a user's subscription", security: adminSecurity, params: subParams, response: { ...errorResponses } },
  }, async (req) => {
    const { projectId, userId, id } = req.params as { projectId: string; userId: string; id: string };
    const r = await ctx.subscriptions.delete(projectId, userId, id);
    return { success: true, ...(r.warning ? { warning: r.warning } : {}) };
  });

  app.post('/projects/:projectId/subscriptions/:id/sync', {
    schema: {
      tags, summary: 'Poll or sync now, and check the provider webhook now where it can be checked',
      description: 'A polling trigger is polled, and a webhook trigger whose provider can list changes is synced (backstop ' +
        'sync), within a second; what was already stored is not delivered again. A webhook registration that does not ' +
        'expire but is checked hourly (a GitHub repository hook, say) is checked at the next renewal pass (within 30 s) and ' +
        'registered again if the provider deleted or disabled it. 409 when neither applies (events only arrive on provider webhooks).',
      security: adminSecurity,
      params: { type: 'object', properties: { projectId: { type: 'string', format: 'uuid' }, id: { type: 'string', format: 'uuid' } } },
      response: {
        202: {
          type: 'object', required: ['dueAt', 'sync', 'registrationCheck'], properties: {
            dueAt: { type: 'string', format: 'date-time', description: 'When the earliest of the two is due' },
            sync: { type: 'boolean', description: 'A poll or backstop sync was made due' },
            registrationCheck: { type: 'boolean', description: 'A check of the provider-side webhook was made due' },
          },
        },
        ...errorResponses,
      },
    },
  }, async (req, reply) => {
    const { projectId, id } = req.params as { projectId: string; id: string };
    const r = await ctx.subscriptions.syncSoon(projectId, id);
    return reply.code(202).send({ dueAt: new Date(r.dueAt).toISOString(), sync: r.sync, registrationCheck: r.registrationCheck });
  });

  app.get('/projects/:projectId/subscriptions/:id/logs', {
    schema: {
      tags, summary: "A subscription's lifecycle log lines", security: adminSecurity,
      params: { type: 'object', properties: { projectId: { type: 'string', format: 'uuid' }, id: { type: 'string', format: 'uuid' } } },
    },
  }, async (req) => {
    const { projectId, id } = req.params as { projectId: string; id: string };
    const s = await ctx.storage.subscriptions.get(id);
    if (!s || s.projectId !== projectId) throw notFound('trigger subscription');
    return { logs: (await ctx.storage.logs.list(id, 200)).map(logLineJson) };
  });
}
