// The event log: every event with its delivery attempts, redelivery of one event or of a window.
import type { FastifyInstance } from 'fastify';
import { AppError, notFound } from '../../errors.js';
import type { EventStatus } from '../../storage/port.js';
import type { AppContext } from '../app.js';
import { attemptJson, eventJson, logLineJson } from '../present.js';
import { errorResponses } from '../schemas.js';
import { adminSecurity, loadProject } from './common.js';

const pid = { projectId: { type: 'string', format: 'uuid' } } as const;

function parseDate(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new AppError('VALIDATION_FAILED', `${field}: must be an ISO-8601 date or epoch milliseconds`, { parameter: field });
  return ms;
}

export function registerEventRoutes(app: FastifyInstance, ctx: AppContext) {
  const tags = ['admin: events'];

  app.get('/projects/:projectId/events', {
    schema: {
      tags, summary: 'Events, newest first, with cursor pagination', security: adminSecurity,
      params: { type: 'object', properties: pid },
      querystring: {
        type: 'object',
        properties: {
          userId: { type: 'string', maxLength: 255 },
          integration: { type: 'string', maxLength: 100 },
          type: { type: 'string', maxLength: 200 },
          subscriptionId: { type: 'string', format: 'uuid' },
          eventId: { type: 'string', format: 'uuid' },
          status: { type: 'string', enum: ['PENDING', 'HELD', 'DELIVERED', 'FAILED'] },
          from: { type: 'string', maxLength: 40 },
          to: { type: 'string', maxLength: 40 },
          cursor: { type: 'string', pattern: '^[0-9]{1,18}$' },
          limit: { type: 'string', pattern: '^[0-9]{1,3}$' },
        },
      },
      response: { ...errorResponses },
    },
  }, async (req) => {
    const { projectId } = req.params as { projectId: string };
    const q = req.query as Record<string, string | undefined>;
    await loadProject(ctx.storage, projectId);
    const limit = Math.min(Math.max(Number(q.limit ?? 50), 1), 500);
    const from = parseDate(q.from, 'from');
    const to = parseDate(q.to, 'to');
    const events = await ctx.storage.events.list({
      projectId,
      ...(q.userId ? { userId: q.userId } : {}),
      ...(q.integration ? { integration: q.integration } : {}),
      ...(q.type ? { triggerType: q.type } : {}),
      ...(q.subscriptionId ? { subscriptionId: q.subscriptionId } : {}),
      ...(q.eventId ? { eventId: q.eventId } : {}),
      ...(q.status ? { status: q.status as EventStatus } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(q.cursor ? { beforeSeq: Number(q.cursor) } : {}),
      limit: limit + 1,
    });
    const page = events.slice(0, limit);
    return { events: page.map(eventJson), nextCursor: events.length > limit ? String(page[page.length - 1]?.seq) : null };
  });

  app.get('/projects/:projectId/events/:eventId', {
    schema: {
      tags, summary: 'One event with every delivery attempt and the subscription log', security: adminSecurity,
      params: { type: 'object', properties: { ...pid, eventId: { type: 'string', format: 'uuid' } } },
      response: { ...errorResponses },
    },
  }, async (req) => {
    const { projectId, eventId } = req.params as { projectId: string; eventId: string };
    const e = await ctx.storage.events.get(projectId, eventId);
    if (!e) throw notFound('event');
    const [deliveries, attempts, logs, subscription] = await Promise.all([
      ctx.storage.deliveries.listForEvent(e.id),
      ctx.storage.attempts.listForEvent(e.id),
      ctx.storage.logs.list(e.subscriptionId, 50),
      ctx.storage.subscriptions.get(e.subscriptionId),
    ]);
    return {
      ...eventJson(e),
      subscription: subscription ? { id: subscription.id, status: subscription.status, error: subscription.error, webhookOverride: subscription.webhookOverride } : null,
      deliveries: deliveries.map((d) => ({
        id: d.id, status: d.status, attempts: d.attemptCount, nextAttemptAt: d.status === 'PENDING' ? new Date(d.runAt).toISOString() : null,
        lastError: d.lastError, createdAt: new Date(d.createdAt).toISOString(),
      })),
      attempts: attempts.map(attemptJson),
      subscriptionLog: logs.map(logLineJson),
    };
  });

  app.post('/projects/:projectId/events/:eventId/redeliver', {
    schema: {
      tags, summary: 'Deliver one event again (same event id)', security: adminSecurity,
      params: { type: 'object', properties: { ...pid, eventId: { type: 'string', format: 'uuid' } } },
      response: { ...errorResponses },
    },
  }, async (req, reply) => {
    const { projectId, eventId } = req.params as { projectId: string; eventId: string };
    const event = await ctx.storage.events.get(projectId, eventId);
    if (!event) throw notFound('event');
    // Its webhookOverride went with it, and its user asked for nothing more: the worker would fail it anyway.
    if (!(await ctx.storage.subscriptions.get(event.subscriptionId))) {
      throw new AppError('CONFLICT', 'eventId: its subscription was deleted; events of a deleted subscription are not delivered any more', { parameter: 'eventId' });
    }
    const d = await ctx.storage.deliveries.redeliver(projectId, eventId, ctx.now());
    if (!d) throw notFound('event');
    return reply.status(202).send({ deliveryId: d.id, eventId });
  });

  app.post('/projects/:projectId/events/redeliver', {
    schema: {
      tags, summary: 'Deliver again every FAILED event of a subscription in a time window', security: adminSecurity,
      params: { type: 'object', properties: pid },
      body: {
        type: 'object', required: ['subscriptionId'], additionalProperties: false,
        properties: { subscriptionId: { type: 'string', format: 'uuid' }, from: { type: 'string', maxLength: 40 }, to: { type: 'string', maxLength: 40 } },
      },
      response: { ...errorResponses },
    },
  }, async (req, reply) => {
    const { projectId } = req.params as { projectId: string };
    const b = req.body as { subscriptionId: string; from?: string; to?: string };
    const s = await ctx.storage.subscriptions.get(b.subscriptionId);
    if (!s || s.projectId !== projectId) throw notFound('trigger subscription');
    const from = parseDate(b.from, 'from');
    const to = parseDate(b.to, 'to');
    const count = await ctx.storage.deliveries.redeliverFailed(projectId, { subscriptionId: s.id, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) }, ctx.now());
    return reply.status(202).send({ redelivered: count });
  });
}
