import { sql, type Kysely, type Selectable } from 'kysely';
import { SUBSCRIPTION_DELETED, type Storage, type Subscription, type SubscriptionStatus, type WebhookOverride } from '../port.js';
import type { CredentialsTable, Database, SubscriptionsTable } from '../schema.js';
import { executeCompiledOnce } from './compiled-once.js';
import { atomically, chunks, fromJson, newId, toJson, type RepoContext } from './context.js';
import { credentialFromRow } from './credentials.js';
import { ReadGroup } from './read-group.js';

/** Most subscriptions one inbound read asks PostgreSQL for (ReadGroup). */
const READ_GROUP_KEYS = 100;

// The credential's columns in getWithCredential's join, prefixed: both tables have id, project_id, status….
const JOINED_CREDENTIAL = [
  'credentials.id as c__id',
  'credentials.project_id as c__project_id',
  'credentials.user_id as c__user_id',
  'credentials.integration as c__integration',
  'credentials.provider_account_id as c__provider_account_id',
  'credentials.status as c__status',
  'credentials.status_reason as c__status_reason',
  'credentials.secrets as c__secrets',
  'credentials.key_id as c__key_id',
  'credentials.expires_at as c__expires_at',
  'credentials.refresh_lock_until as c__refresh_lock_until',
  'credentials.rate_limited_until as c__rate_limited_until',
  'credentials.created_at as c__created_at',
  'credentials.updated_at as c__updated_at',
] as const;

type Joined = { [K in keyof Selectable<CredentialsTable> as `c__${K}`]: Selectable<CredentialsTable>[K] | null };

/** The credential row of a joined row whose c__id is set (every NOT NULL column then is). */
const joinedCredential = (r: Joined): Selectable<CredentialsTable> => ({
  id: r.c__id!,
  project_id: r.c__project_id!,
  user_id: r.c__user_id!,
  integration: r.c__integration!,
  provider_account_id: r.c__provider_account_id,
  status: r.c__status!,
  status_reason: r.c__status_reason,
  secrets: r.c__secrets!,
  key_id: r.c__key_id!,
  expires_at: r.c__expires_at,
  refresh_lock_until: r.c__refresh_lock_until,
  rate_limited_until: r.c__rate_limited_until,
  created_at: r.c__created_at!,
  updated_at: r.c__updated_at!,
});

/**
 * A deleted subscription's deliveries still to run (PENDING: waiting for a retry or a redelivery; HELD:
 * waiting for a re-activation that can no longer come) end FAILED: nothing more is sent for it — not to
 * its webhookOverride, which is gone with it, nor to the project's URL. Found through the subscription's
 * events, which are indexed by subscription, rather than the deliveries, which are not. An attempt in
 * flight finishes; if it asks for a retry, the worker fails it then (no subscription).
 */
async function failOpenDeliveries(trx: Kysely<Database>, subscriptionId: string, now: number): Promise<void> {
  const open = await trx.selectFrom('events').select('id').where('subscription_id', '=', subscriptionId).where(sql<boolean>`status IN ('PENDING', 'HELD')`).execute();
  for (const part of chunks(open.map((e) => e.id), 500)) {
    await trx.updateTable('deliveries').set({ status: 'FAILED', last_error: SUBSCRIPTION_DELETED, updated_at: now })
      .where('event_id', 'in', part).where(sql<boolean>`status IN ('PENDING', 'HELD')`).execute();
    await trx.updateTable('events').set({ status: 'FAILED' }).where('id', 'in', part)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('deliveries').select('deliveries.id')
        .whereRef('deliveries.event_id', '=', 'events.id').where('deliveries.status', '=', 'SENDING'))))
      .execute();
  }
}

export function subscriptionsRepo({ db, keyring, dialect }: RepoContext): Storage['subscriptions'] {
  const withCredential = () =>
    db
      .selectFrom('subscriptions')
      .leftJoin('credentials', 'credentials.id', 'subscriptions.credential_id')
      .selectAll('subscriptions')
      .select(JOINED_CREDENTIAL);
  type WithCredentialRow = Selectable<SubscriptionsTable> & Joined;
  // PostgreSQL, outside a transaction: inbound reads asked for in the same turn share one statement.
  const inboundReads =
    dialect === 'postgres' && !db.isTransaction
      ? new ReadGroup<string, WithCredentialRow>(async (ids) => {
          const { rows } = await executeCompiledOnce(db, 'subscriptions.getWithCredential:any', [ids], () =>
            withCredential().where(sql<boolean>`subscriptions.id = ANY(${ids})`),
          );
          return new Map(rows.map((r) => [r.id, r]));
        }, READ_GROUP_KEYS)
      : null;
  const toSubscription = (r: Selectable<SubscriptionsTable>): Subscription => ({
    id: r.id,
    projectId: r.project_id,
    userId: r.user_id,
    credentialId: r.credential_id,
    integration: r.integration,
    triggerType: r.trigger_type,
    parameters: fromJson<Record<string, unknown>>(r.parameters, {}),
    webhookOverride: fromJson<WebhookOverride | null>(r.webhook_override, null),
    status: r.status as SubscriptionStatus,
    error: r.error,
    state: fromJson<Record<string, unknown>>(r.state, {}),
    secret: r.secret === null ? null : keyring.open(r.secret),
    dateCreated: r.date_created,
    dateLastReceivedEvent: r.date_last_received_event,
    nextPollAt: r.next_poll_at,
    consecutiveFailures: r.consecutive_failures,
    renewAt: r.renew_at,
    updatedAt: r.updated_at,
  });

  return {
    async create(s) {
      const now = Date.now();
      const row = await db
        .insertInto('subscriptions')
        .values({
          id: s.id ?? newId(),
          project_id: s.projectId,
          user_id: s.userId,
          credential_id: s.credentialId,
          integration: s.integration,
          trigger_type: s.triggerType,
          parameters: toJson(s.parameters),
          webhook_override: s.webhookOverride === null ? null : toJson(s.webhookOverride),
          status: s.status,
          error: s.error,
          state: toJson(s.state),
          secret: s.secret === null ? null : keyring.seal(s.secret),
          date_created: now,
          date_last_received_event: null,
          next_poll_at: s.nextPollAt,
          poll_lease_until: null,
          consecutive_failures: 0,
          renew_at: s.renewAt,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toSubscription(row);
    },
    async get(id) {
      const row = await db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toSubscription(row) : null;
    },
    async getWithCredential(id) {
      // Once per inbound webhook: compiled once (compiled-once.ts).
      const row = inboundReads
        ? await inboundReads.get(id)
        : (await executeCompiledOnce(db, 'subscriptions.getWithCredential', [id], () => withCredential().where('subscriptions.id', '=', id))).rows[0];
      if (!row) return null;
      return { subscription: toSubscription(row), credential: row.c__id === null ? null : credentialFromRow(keyring, joinedCredential(row)) };
    },
    async list(f) {
      let q = db.selectFrom('subscriptions').selectAll().where('project_id', '=', f.projectId);
      if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
      if (f.integrations !== undefined && f.integrations.length > 0) q = q.where('integration', 'in', f.integrations);
      if (f.status !== undefined) q = q.where('status', '=', f.status);
      if (f.triggerType !== undefined) q = q.where('trigger_type', '=', f.triggerType);
      if (f.credentialId !== undefined) q = q.where('credential_id', '=', f.credentialId);
      const rows = await q.orderBy('date_created').orderBy('id').execute();
      return rows.map(toSubscription);
    },
    async update(id, patch) {
      const v: Partial<SubscriptionsTable> = { updated_at: Date.now() };
      if (patch.credentialId !== undefined) v.credential_id = patch.credentialId;
      if (patch.integration !== undefined) v.integration = patch.integration;
      if (patch.triggerType !== undefined) v.trigger_type = patch.triggerType;
      if (patch.parameters !== undefined) v.parameters = toJson(patch.parameters);
      if (patch.webhookOverride !== undefined) v.webhook_override = patch.webhookOverride === null ? null : toJson(patch.webhookOverride);
      if (patch.status !== undefined) v.status = patch.status;
      if (patch.error !== undefined) v.error = patch.error;
      if (patch.state !== undefined) v.state = toJson(patch.state);
      if (patch.secret !== undefined) v.secret = patch.secret === null ? null : keyring.seal(patch.secret);
      if (patch.dateLastReceivedEvent !== undefined) v.date_last_received_event = patch.dateLastReceivedEvent;
      if (patch.nextPollAt !== undefined) v.next_poll_at = patch.nextPollAt;
      if (patch.consecutiveFailures !== undefined) v.consecutive_failures = patch.consecutiveFailures;
      if (patch.renewAt !== undefined) v.renew_at = patch.renewAt;
      const row = await db.updateTable('subscriptions').set(v).where('id', '=', id).returningAll().executeTakeFirst();
      return row ? toSubscription(row) : null;
    },
    async delete(id, now) {
      return atomically(db, async (trx) => {
        const gone = await trx.deleteFrom('subscriptions').where('id', '=', id).returning(['project_id', 'user_id']).executeTakeFirst();
        if (!gone) return false;
        await trx.insertInto('deleted_subscriptions').values({ id, project_id: gone.project_id, user_id: gone.user_id, deleted_at: now }).execute();
        await failOpenDeliveries(trx, id, now);
        return true;
      });
    },
    async claimDuePolls(now, leaseUntil, limit) {
      let due = db
        .selectFrom('subscriptions')
        .select('id')
        .where('next_poll_at', '<=', now)
        .where((eb) => eb.or([eb('poll_lease_until', 'is', null), eb('poll_lease_until', '<', now)]))
        .orderBy('next_poll_at')
        .limit(limit);
      // PostgreSQL: concurrent pollers skip each other's rows instead of waiting; SQLite has one writer.
      if (dialect === 'postgres') due = due.forUpdate().skipLocked();
      const rows = await db
        .updateTable('subscriptions')
        .set({ poll_lease_until: leaseUntil })
        .where('id', 'in', due)
        .returningAll()
        .execute();
      return rows.map(toSubscription);
    },
    async pollSoon(ids, now) {
      for (const part of chunks(ids, 500)) {
        await db.updateTable('subscriptions').set({ next_poll_at: now }).where('id', 'in', part).where('next_poll_at', '>', now).execute();
      }
    },
    async renewSoon(id, now, unlessDueBefore) {
      const r = await db.updateTable('subscriptions').set({ renew_at: now }).where('id', '=', id)
        .where((eb) => eb.or([eb('renew_at', 'is', null), eb('renew_at', '>=', unlessDueBefore)])).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async scheduleUnscheduled(schedule, triggerTypes, from, spreadMs) {
      if (triggerTypes.length === 0) return 0;
      const column = schedule === 'poll' ? 'next_poll_at' : 'renew_at';
      const rows = await db
        .selectFrom('subscriptions')
        .select('id')
        .where(column, 'is', null)
        .where('trigger_type', 'in', [...triggerTypes])
        .execute();
      for (const part of chunks(rows, 500)) {
        await atomically(db, async (trx) => {
          for (const { id } of part) {
            const at = from + Math.floor(Math.random() * spreadMs);
            await trx.updateTable('subscriptions').set({ [column]: at }).where('id', '=', id).where(column, 'is', null).execute();
          }
        });
      }
      return rows.length;
    },
    async releasePoll(id, nextPollAt) {
      await db.updateTable('subscriptions').set({ poll_lease_until: null, next_poll_at: nextPollAt }).where('id', '=', id).execute();
    },
    async listDueRenewals(now, limit) {
      const rows = await db
        .selectFrom('subscriptions')
        .selectAll()
        .where('renew_at', '<=', now)
        .orderBy('renew_at')
        .limit(limit)
        .execute();
      return rows.map(toSubscription);
    },
    async listForCredentials(credentialIds) {
      const out: Subscription[] = [];
      for (const part of chunks(credentialIds, 500)) {
        const rows = await db.selectFrom('subscriptions').selectAll().where('credential_id', 'in', part).execute();
        out.push(...rows.map(toSubscription));
      }
      return out;
    },
    async claimDueRenewals(now, leaseUntil, limit) {
      // renew_at doubles as the lease: moving it to leaseUntil hides the row from other renewers until
      // the lease lapses, so a crashed renewer needs no clean-up (the graphile-worker run_at trick).
      let due = db.selectFrom('subscriptions').select('id').where('renew_at', '<=', now).orderBy('renew_at').limit(limit);
      // PostgreSQL: concurrent renewers skip each other's rows instead of waiting; SQLite has one writer.
      if (dialect === 'postgres') due = due.forUpdate().skipLocked();
      const rows = await db
        .updateTable('subscriptions')
        .set({ renew_at: leaseUntil })
        .where('id', 'in', due)
        .returningAll()
        .execute();
      return rows.map(toSubscription);
    },
    async finishRenewal(id, leaseUntil, patch) {
      const v: Partial<SubscriptionsTable> = { updated_at: Date.now() };
      if (patch.state !== undefined) v.state = toJson(patch.state);
      if (patch.secret !== undefined) v.secret = patch.secret === null ? null : keyring.seal(patch.secret);
      if (patch.renewAt !== undefined) v.renew_at = patch.renewAt;
      if (patch.status !== undefined) v.status = patch.status;
      if (patch.error !== undefined) v.error = patch.error;
      if (patch.consecutiveFailures !== undefined) v.consecutive_failures = patch.consecutiveFailures;
      const r = await db.updateTable('subscriptions').set(v).where('id', '=', id).where('renew_at', '=', leaseUntil).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async replaceState(id, expected, next) {
      const r = await db
        .updateTable('subscriptions')
        .set({ state: toJson(next), updated_at: Date.now() })
        .where('id', '=', id)
        .where('state', '=', toJson(expected))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async countByUser(projectId, userIds) {
      if (userIds.length === 0) return [];
      const rows = await db
        .selectFrom('subscriptions')
        .select(['user_id', 'status', (eb) => eb.fn.countAll<number>().as('count')])
        .where('project_id', '=', projectId)
        .where('user_id', 'in', userIds)
        .groupBy(['user_id', 'status'])
        .execute();
      return rows.map((r) => ({ userId: r.user_id, status: r.status as SubscriptionStatus, count: Number(r.count) }));
    },
  };
}
