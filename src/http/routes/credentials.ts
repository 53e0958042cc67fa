// The user's own connected accounts given as tokens or API keys (SPEC §3, extension).
import type { FastifyInstance } from 'fastify';
import type { CredentialInput } from '../../engine/credentials.js';
import { principal, type AppContext } from '../app.js';
import { credentialBodySchema } from '../credential-schema.js';
import { credentialJson } from '../present.js';
import { bearerSecurity, errorResponses, uuidParam } from '../schemas.js';

export function registerCredentialRoutes(app: FastifyInstance, ctx: AppContext) {
  app.post('/credentials', {
    schema: { tags: ['credentials'], summary: 'Connect an account with an API key, tokens, or a client id and secret', security: bearerSecurity, body: credentialBodySchema, response: { ...errorResponses } },
  }, async (req, reply) => {
    const me = principal(req);
    const c = await ctx.credentials.create(me.projectId, me.userId, req.body as CredentialInput);
    return reply.status(201).send(credentialJson(c));
  });
  app.get('/credentials', {
    schema: { tags: ['credentials'], summary: "The user's connected accounts (no secrets)", security: bearerSecurity, response: { ...errorResponses } },
  }, async (req) => {
    const me = principal(req);
    const creds = await ctx.storage.credentials.listForUser(me.projectId, me.userId);
    return { credentials: creds.map(credentialJson) };
  });
  app.delete('/credentials/:id', {
    schema: {
      tags: ['credentials'], summary: 'Disconnect an account and tear down its subscriptions', security: bearerSecurity,
      params: { type: 'object', properties: { projectId: { type: 'string' }, id: uuidParam } }, response: { ...errorResponses },
    },
  }, async (req) => {
    const me = principal(req);
    const warnings = await ctx.credentials.delete(me.projectId, me.userId, (req.params as { id: string }).id);
    return { success: true, ...(warnings.length > 0 ? { warning: warnings.join('; ') } : {}) };
  });
}
