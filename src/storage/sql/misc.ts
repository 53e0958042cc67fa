import type { Selectable } from 'kysely';
import type { CustomTrigger, OauthState, Storage, SubscriptionLogLine } from '../port.js';
import type { OauthStatesTable } from '../schema.js';
import { fromJson, newId, toJson, type RepoContext } from './context.js';

export function metaRepo({ db }: RepoContext): Storage['meta'] {
  return {
    async get(key) {
      const row = await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
      return row ? row.value : null;
    },
    async setIfAbsent(key, value) {
      const r = await db.insertInto('meta').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async set(key, value) {
      await db.insertInto('meta').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
    },
    async replace(key, expected, value) {
      const r = await db.updateTable('meta').set({ value }).where('key', '=', key).where('value', '=', expected).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async delete(key) {
      await db.deleteFrom('meta').where('key', '=', key).execute();
    },
  };
}

export function logsRepo({ db }: RepoContext): Storage['logs'] {
  return {
    async add(line) {
      await db
        .insertInto('subscription_logs')
        .values({ project_id: line.projectId, subscription_id: line.subscriptionId, at: line.at, level: line.level, message: line.message })
        .execute();
    },
    async list(subscriptionId, limit) {
      const rows = await db.selectFrom('subscription_logs').selectAll().where('subscription_id', '=', subscriptionId).orderBy('id', 'desc').limit(limit).execute();
      return rows.map(
        (r): SubscriptionLogLine => ({
          id: Number(r.id),
          projectId: r.project_id,
          subscriptionId: r.subscription_id,
          at: r.at,
          level: r.level as SubscriptionLogLine['level'],
          message: r.message,
        }),
      );
    },
  };
}

export function oauthStatesRepo({ db, keyring }: RepoContext): Storage['oauthStates'] {
  const toState = (r: Selectable<OauthStatesTable>): OauthState => ({
    id: r.id,
    projectId: r.project_id,
    userId: r.user_id,
    integration: r.integration,
    redirectUrl: r.redirect_url,
    codeVerifier: keyring.open(r.code_verifier),
    accountValues: r.account_parameters === null ? {} : (JSON.parse(r.account_parameters) as Record<string, string>),
    expiresAt: r.expires_at,
    usedAt: r.used_at,
    createdAt: r.created_at,
  });
  return {
    async create(s) {
      await db
        .insertInto('oauth_states')
        .values({
          id: s.id,
          project_id: s.projectId,
          user_id: s.userId,
          integration: s.integration,
          redirect_url: s.redirectUrl,
          code_verifier: keyring.seal(s.codeVerifier),
          account_parameters: Object.keys(s.accountValues).length > 0 ? JSON.stringify(s.accountValues) : null,
          expires_at: s.expiresAt,
          used_at: null,
          created_at: Date.now(),
        })
        .execute();
    },
    async consume(id, now) {
      // Single use: only the caller whose UPDATE flips used_at gets the state back.
      const r = await db
        .updateTable('oauth_states')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      return r ? toState(r) : null;
    },
    async get(id) {
      const r = await db.selectFrom('oauth_states').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toState(r) : null;
    },
    async deleteExpired(before) {
      const r = await db.deleteFrom('oauth_states').where('expires_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export function customTriggersRepo({ db }: RepoContext): Storage['customTriggers'] {
  const toTrigger = (r: { id: string; project_id: string; integration: string; type: string; definition: string; created_at: number; updated_at: number }): CustomTrigger => ({
    id: r.id,
    projectId: r.project_id,
    integration: r.integration,
    type: r.type,
    definition: fromJson<Record<string, unknown>>(r.definition, {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
  return {
    async upsert(t) {
      const now = Date.now();
      const row = await db
        .insertInto('custom_triggers')
        .values({ id: newId(), project_id: t.projectId, integration: t.integration, type: t.type, definition: toJson(t.definition), created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['project_id', 'type']).doUpdateSet({ integration: t.integration, definition: toJson(t.definition), updated_at: now }))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toTrigger(row);
    },
    async list(projectId) {
      const rows = await db.selectFrom('custom_triggers').selectAll().where('project_id', '=', projectId).orderBy('type').execute();
      return rows.map(toTrigger);
    },
    async delete(projectId, type) {
      const r = await db.deleteFrom('custom_triggers').where('project_id', '=', projectId).where('type', '=', type).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
