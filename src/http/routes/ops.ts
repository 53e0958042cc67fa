import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app.js';
import { errorBody } from '../errors.js';

export function registerOpsRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'The process is up' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { tags: ['operations'], summary: 'The database is reachable' } }, async (req, reply) => {
    try {
      await ctx.storage.ping();
      return { status: 'ready' };
    } catch {
      return reply.status(503).send(errorBody('NOT_READY', 'database unreachable', req.id));
    }
  });
  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics' } }, async (_req, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.header('content-type', ctx.metrics.registry.contentType).send(text);
  });
}
