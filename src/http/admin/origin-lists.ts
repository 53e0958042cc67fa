// A project's origin lists under the admin API (src/engine/origins.ts): the CORS origins of its user API
// (src/http/cors.ts) and, registered by the connect plugin, the origins OAuth connect may return to.
import type { FastifyInstance } from 'fastify';
import { readOrigins, writeOrigins, type OriginListName } from '../../engine/origins.js';
import type { AppContext } from '../app.js';
import { errorResponses } from '../schemas.js';
import { adminSecurity, loadProject, projectParams } from './common.js';

const originsResponse = {
  type: 'object',
  properties: { origins: { type: 'array', items: { type: 'string' } } },
} as const;

export interface OriginListRoutes {
  /** The path under /projects/{projectId}, e.g. `cors-origins`. */
  path: string;
  list: OriginListName;
  /** Whether `["*"]` (every origin) is a valid list. */
  allowAny: boolean;
  getSummary: string;
  putSummary: string;
}

/** `GET` and `PUT /projects/{projectId}/{path}` `{origins}`: read, or normalise and replace, one list. */
export function registerOriginListRoutes(app: FastifyInstance, ctx: AppContext, spec: OriginListRoutes) {
  const tags = ['admin: projects'];
  app.get(`/projects/:projectId/${spec.path}`, {
    schema: { tags, summary: spec.getSummary, security: adminSecurity, params: projectParams, response: { 200: originsResponse, ...errorResponses } },
  }, async (req) => {
    const { projectId } = req.params as { projectId: string };
    await loadProject(ctx.storage, projectId);
    return { origins: await readOrigins(ctx.storage, spec.list, projectId) };
  });
  app.put(`/projects/:projectId/${spec.path}`, {
    schema: {
      tags,
      summary: spec.putSummary,
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
    const origins = (req.body as { origins: string[] }).origins;
    return { origins: await writeOrigins(ctx.storage, spec.list, projectId, origins, { allowAny: spec.allowAny }) };
  });
}
