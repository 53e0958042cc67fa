// The project's CORS origins (src/http/cors.ts): which web origins may call its user API from a browser.
import type { FastifyInstance } from 'fastify';
import { readOrigins, writeOrigins } from '../../engine/origins.js';
import type { AppContext } from '../app.js';
import { errorResponses } from '../schemas.js';
import { adminSecurity, loadProject, projectParams } from './common.js';

const originsResponse = {
  type: 'object',
  properties: { origins: { type: 'array', items: { type: 'string' } } },
} as const;

export function registerCorsOriginRoutes(app: FastifyInstance, ctx: AppContext) {
  const tags = ['admin: projects'];
  app.get('/projects/:projectId/cors-origins', {
    schema: {
      tags,
      summary: 'Origins whose pages may call this project\'s user API from a browser (empty: none)',
      security: adminSecurity,
      params: projectParams,
      response: { 200: originsResponse, ...errorResponses },
    },
  }, async (req) => {
    const { projectId } = req.params as { projectId: string };
    await loadProject(ctx.storage, projectId);
    return { origins: await readOrigins(ctx.storage, 'cors_origins', projectId) };
  });
  app.put('/projects/:projectId/cors-origins', {
    schema: {
      tags,
      summary: 'Replace the CORS origins: exact origins (scheme, host, port), or ["*"] for any',
      security: adminSecurity,
      params: projectParams,
      body: {
        type: 'object',
        required: ['origins'],
        additionalProperties: false,
        properties: { origins: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 2048 } } },
      },
      response: { 200: originsResponse, ...errorResponses },
    },
  }, async (req) => {
    const { projectId } = req.params as { projectId: string };
    await loadProject(ctx.storage, projectId);
    return { origins: await writeOrigins(ctx.storage, 'cors_origins', projectId, (req.body as { origins: string[] }).origins, { allowAny: true }) };
  });
}
