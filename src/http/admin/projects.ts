import type { FastifyInstance } from 'fastify';
import { forgetOrigins } from '../../engine/origins.js';
import { newSigningSecret } from '../../secrets/tokens.js';
import type { AppContext } from '../app.js';
import { projectJson } from '../present.js';
import { errorResponses } from '../schemas.js';
import { adminSecurity, loadProject, projectParams } from './common.js';
import { notFound } from '../../errors.js';

/** After a rotation the previous secret keeps signing alongside the new one for this long (SPEC §4). */
export const SECRET_ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

const projectBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    webhookUrl: { type: ['string', 'null'], maxLength: 2048 },
  },
} as const;

export function registerProjectRoutes(app: FastifyInstance, ctx: AppContext) {
  const tags = ['admin: projects'];
  const checkUrl = async (url: string | null | undefined) => {
    if (url) await ctx.subscriptions.checkWebhookUrl(url, 'webhookUrl');
  };

  app.post('/projects', {
    schema: { tags, summary: 'Create a project (its signing secret is returned)', security: adminSecurity, body: { ...projectBody, required: ['name'] }, response: { ...errorResponses } },
  }, async (req, reply) => {
    const body = req.body as { name: string; webhookUrl?: string | null };
    await checkUrl(body.webhookUrl);
    const p = await ctx.storage.projects.create({ name: body.name, webhookUrl: body.webhookUrl ?? null, signingSecret: newSigningSecret() });
    return reply.status(201).send(projectJson(p, { withSecret: true }));
  });

  app.get('/projects', { schema: { tags, summary: 'List projects', security: adminSecurity } }, async () => {
    const projects = await ctx.storage.projects.list();
    return { projects: projects.map((p) => projectJson(p, { withSecret: false })) };
  });

  app.get('/projects/:projectId', { schema: { tags, summary: 'One project (without its secret)', security: adminSecurity, params: projectParams, response: { ...errorResponses } } }, async (req) => {
    const p = await loadProject(ctx.storage, (req.params as { projectId: string }).projectId);
    return projectJson(p, { withSecret: false });
  });

  app.get('/projects/:projectId/signing-secret', {
    schema: { tags, summary: 'Reveal the current signing secret', security: adminSecurity, params: projectParams, response: { ...errorResponses } },
  }, async (req) => {
    const p = await loadProject(ctx.storage, (req.params as { projectId: string }).projectId);
    return { signingSecret: p.signingSecret };
  });

  app.patch('/projects/:projectId', {
    schema: { tags, summary: 'Rename or change the webhook URL', security: adminSecurity, params: projectParams, body: projectBody, response: { ...errorResponses } },
  }, async (req) => {
    const { projectId } = req.params as { projectId: string };
    const body = (req.body ?? {}) as { name?: string; webhookUrl?: string | null };
    await loadProject(ctx.storage, projectId);
    await checkUrl(body.webhookUrl);
    const p = await ctx.storage.projects.update(projectId, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.webhookUrl !== undefined ? { webhookUrl: body.webhookUrl } : {}),
    });
    if (!p) throw notFound('project');
    return projectJson(p, { withSecret: false });
  });

  app.delete('/projects/:projectId', {
    schema: { tags, summary: 'Delete a project, tearing down every subscription', security: adminSecurity, params: projectParams, response: { ...errorResponses } },
  }, async (req) => {
    const { projectId } = req.params as { projectId: string };
    await loadProject(ctx.storage, projectId);
    const warnings: string[] = [];
    for (const s of await ctx.storage.subscriptions.list({ projectId })) {
      const r = await ctx.subscriptions.remove(s);
      if (r.warning) warnings.push(`${s.id}: ${r.warning}`);
    }
    await ctx.storage.projects.delete(projectId);
    await forgetOrigins(ctx.storage, projectId);
    return { success: true, ...(warnings.length > 0 ? { warning: warnings.join('; ') } : {}) };
  });

  app.post('/projects/:projectId/signing-secret/rotate', {
    schema: { tags, summary: 'Rotate the signing secret; the old one keeps signing for 24 h', security: adminSecurity, params: projectParams, response: { ...errorResponses } },
  }, async (req) => {
    const { projectId } = req.params as { projectId: string };
    const current = await loadProject(ctx.storage, projectId);
    const expiresAt = ctx.now() + SECRET_ROTATION_OVERLAP_MS;
    const p = await ctx.storage.projects.update(projectId, {
      signingSecret: newSigningSecret(),
      previousSigningSecret: current.signingSecret,
      previousSecretExpiresAt: expiresAt,
    });
    if (!p) throw notFound('project');
    return { ...projectJson(p, { withSecret: true }), previousSigningSecretExpiresAt: new Date(expiresAt).toISOString() };
  });
}
