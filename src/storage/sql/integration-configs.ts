import type { Selectable } from 'kysely';
import type { IntegrationConfig, Storage } from '../port.js';
import type { IntegrationConfigsTable } from '../schema.js';
import { fromJson, toJson, type RepoContext } from './context.js';

export function integrationConfigsRepo({ db, keyring }: RepoContext): Storage['integrationConfigs'] {
  const open = (v: string | null) => (v === null ? null : keyring.open(v));
  const seal = (v: string | null) => (v === null ? null : keyring.seal(v));
  const toConfig = (r: Selectable<IntegrationConfigsTable>): IntegrationConfig => ({
    projectId: r.project_id,
    integration: r.integration,
    enabled: r.enabled === 1,
    clientId: r.client_id,
    clientSecret: open(r.client_secret),
    webhookSecret: open(r.webhook_secret),
    scopes: fromJson<string[] | null>(r.scopes, null),
    apiBaseUrl: r.api_base_url,
    authorizationUrl: r.authorization_url,
    tokenUrl: r.token_url,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
  return {
    async upsert(c) {
      const now = Date.now();
      const values = {
        enabled: c.enabled ? 1 : 0,
        client_id: c.clientId,
        client_secret: seal(c.clientSecret),
        webhook_secret: seal(c.webhookSecret),
        scopes: c.scopes === null ? null : toJson(c.scopes),
        api_base_url: c.apiBaseUrl,
        authorization_url: c.authorizationUrl,
        token_url: c.tokenUrl,
        updated_at: now,
      };
      const row = await db
        .insertInto('integration_configs')
        .values({ project_id: c.projectId, integration: c.integration, created_at: now, ...values })
        .onConflict((oc) => oc.columns(['project_id', 'integration']).doUpdateSet(values))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toConfig(row);
    },
    async get(projectId, integration) {
      const row = await db
        .selectFrom('integration_configs')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('integration', '=', integration)
        .executeTakeFirst();
      return row ? toConfig(row) : null;
    },
    async list(projectId) {
      const rows = await db.selectFrom('integration_configs').selectAll().where('project_id', '=', projectId).orderBy('integration').execute();
      return rows.map(toConfig);
    },
  };
}
