// Per-project integration settings: OAuth client, inbound webhook secret, and host overrides.
import type { FastifyInstance } from 'fastify';
import { AppError, notFound } from '../../errors.js';
import { describeAccountParameters } from '../../engine/account-parameters.js';
import { appHookUrl, oauthRedirectUrl } from '../../engine/context.js';
import type { IntegrationConfig } from '../../storage/port.js';
import type { AppContext } from '../app.js';
import { integrationConfigJson } from '../present.js';
import { errorResponses } from '../schemas.js';
import { adminSecurity, loadProject } from './common.js';
import { authKindsOf, oauth2Of } from '../../engine/auth-kinds.js';

const urlField = { type: ['string', 'null'], maxLength: 2048 } as const;
const params = {
  type: 'object',
  required: ['projectId', 'integration'],
  properties: { projectId: { type: 'string', format: 'uuid' }, integration: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]{0,63}$' } },
} as const;

function checkUrl(value: string | null | undefined, field: string) {
  if (value === null || value === undefined) return;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new AppError('VALIDATION_FAILED', `${field}: not a valid URL`, { parameter: field });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new AppError('VALIDATION_FAILED', `${field}: must be http(s)`, { parameter: field });
}

export function registerIntegrationRoutes(app: FastifyInstance, ctx: AppContext) {
  const tags = ['admin: integrations'];
  const present = async (projectId: string, c: IntegrationConfig) => {
    const def = (await ctx.subscriptions.catalogFor(projectId)).integration(c.integration);
    return integrationConfigJson(c, {
      webhookUrl: def?.appWebhook ? appHookUrl(ctx.engine.publicUrl, projectId, c.integration) : null,
      oauthRedirectUrl: def && oauth2Of(def) ? oauthRedirectUrl(ctx.engine.publicUrl) : null,
    });
  };

  app.put('/projects/:projectId/integrations/:integration', {
    schema: {
      tags,
      summary: 'Configure an integration (secrets are write-only: omit to keep, null to clear)',
      security: adminSecurity,
      params,
      body: {
        type: 'object',
        required: ['enabled'],
        additionalProperties: false,
        properties: {
          enabled: { type: 'boolean' },
          clientId: { type: ['string', 'null'], maxLength: 1000 },
          clientSecret: { type: ['string', 'null'], maxLength: 4000 },
          webhookSecret: { type: ['string', 'null'], maxLength: 4000 },
          scopes: { type: ['array', 'null'], items: { type: 'string', maxLength: 500 }, maxItems: 100 },
          apiBaseUrl: urlField,
          authorizationUrl: urlField,
          tokenUrl: urlField,
        },
      },
      response: { ...errorResponses },
    },
  }, async (req) => {
    const { projectId, integration } = req.params as { projectId: string; integration: string };
    await loadProject(ctx.storage, projectId);
    if (!(await ctx.subscriptions.catalogFor(projectId)).integration(integration)) throw notFound(`integration ${integration}`);
    const b = req.body as Partial<Omit<IntegrationConfig, 'enabled'>> & { enabled: boolean };
    for (const f of ['apiBaseUrl', 'authorizationUrl', 'tokenUrl'] as const) checkUrl(b[f], f);
    const existing = await ctx.storage.integrationConfigs.get(projectId, integration);
    const keep = <K extends keyof IntegrationConfig>(k: K): IntegrationConfig[K] | null =>
      b[k] !== undefined ? (b[k] as IntegrationConfig[K]) : (existing?.[k] ?? null);
    const saved = await ctx.storage.integrationConfigs.upsert({
      projectId,
      integration,
      enabled: b.enabled,
      clientId: keep('clientId'),
      clientSecret: keep('clientSecret'),
      webhookSecret: keep('webhookSecret'),
      scopes: keep('scopes'),
      apiBaseUrl: keep('apiBaseUrl'),
      authorizationUrl: keep('authorizationUrl'),
      tokenUrl: keep('tokenUrl'),
    });
    return present(projectId, saved);
  });

  app.get('/projects/:projectId/integrations', {
    schema: { tags, summary: 'Every catalog integration with its configuration, if any', security: adminSecurity, params: { type: 'object', properties: { projectId: { type: 'string', format: 'uuid' } } } },
  }, async (req) => {
    const { projectId } = req.params as { projectId: string };
    await loadProject(ctx.storage, projectId);
    const configs = new Map((await ctx.storage.integrationConfigs.list(projectId)).map((c) => [c.integration, c]));
    const catalog = await ctx.subscriptions.catalogFor(projectId);
    const out = [];
    for (const def of catalog.integrations()) {
      const c = configs.get(def.key) ?? {
        projectId, integration: def.key, enabled: false, clientId: null, clientSecret: null, webhookSecret: null, scopes: null,
        apiBaseUrl: null, authorizationUrl: null, tokenUrl: null, createdAt: 0, updatedAt: 0,
      };
      out.push({ ...(await present(projectId, c)), name: def.name, configured: configs.has(def.key), authKind: def.auth.kind, authKinds: authKindsOf(def), defaultApiBaseUrl: def.apiBaseUrl, accountParameters: describeAccountParameters(def) });
    }
    return { integrations: out };
  });

  app.get('/projects/:projectId/integrations/:integration', { schema: { tags, summary: 'One integration configuration', security: adminSecurity, params } }, async (req) => {
    const { projectId, integration } = req.params as { projectId: string; integration: string };
    const c = await ctx.storage.integrationConfigs.get(projectId, integration);
    if (!c) throw notFound(`configuration of ${integration}`);
    return present(projectId, c);
  });
}
