import type { Selectable } from 'kysely';
import type { Attempt, ClaimedDelivery, Delivery, DeliveryStatus, Storage, WebhookOverride } from '../port.js';
import type { AttemptsTable, DeliveriesTable } from '../schema.js';
import { fromJson, newId, type RepoContext } from './context.js';
import { toStoredEvent } from './events.js';

const toDelivery = (r: Selectable<DeliveriesTable>): Delivery => ({
  id: r.id,
  eventId: r.event_id,
  projectId: r.project_id,
  subscriptionId: r.subscription_id,
  status: r.status as DeliveryStatus,
  attemptCount: r.attempt_count,
  runAt: r.run_at,
  leaseOwner: r.lease_owner,
  lastError: r.last_error,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toAttempt = (r: Selectable<AttemptsTable>): Attempt => ({
  id: Number(r.id),
  deliveryId: r.delivery_id,
  eventId: r.event_id,
  projectId: r.project_id,
  attemptNumber: r.attempt_number,
  startedAt: r.started_at,
  url: r.url,
  statusCode: r.status_code,
  latencyMs: r.latency_ms,
  responseExcerpt: r.response_excerpt,
  error: r.error,
  outcome: r.outcome as Attempt['outcome'],
});

export function deliveriesRepo(ctx: RepoContext): Storage['deliveries'] {
  const { db, dialect } = ctx;
  return {
    async claimDue(now, leaseUntil, owner, limit) {
      // One index range scan on run_at covers both due retries and expired leases of crashed workers.
      let due = db
        .selectFrom('deliveries')
        .select('id')
        .where('status', 'in', ['PENDING', 'SENDING'])
        .where('run_at', '<=', now)
        .orderBy('run_at')
        .limit(limit);
      if (dialect === 'postgres') due = due.forUpdate().skipLocked();
      const claimed = await db
        .updateTable('deliveries')
        .set({ status: 'SENDING', run_at: leaseUntil, lease_owner: owner, updated_at: now })
        .where('id', 'in', due)
        .returningAll()
        .execute();
      if (claimed.length === 0) return [];
      const eventIds = claimed.map((d) => d.event_id);
      const subscriptionIds = [...new Set(claimed.map((d) => d.subscription_id))];
      const [events, subscriptions] = await Promise.all([
        db.selectFrom('events').selectAll().where('id', 'in', eventIds).execute(),
        db.selectFrom('subscriptions').select(['id', 'status', 'webhook_override']).where('id', 'in', subscriptionIds).execute(),
      ]);
      const eventById = new Map(events.map((e) => [e.id, e]));
      const subById = new Map(subscriptions.map((s) => [s.id, s]));
      const out: ClaimedDelivery[] = [];
      for (const d of claimed) {
        const e = eventById.get(d.event_id);
        if (!e) continue; // event removed with its project; the lease simply expires into nothing
        const s = subById.get(d.subscription_id);
        out.push({
          delivery: toDelivery(d),
          event: toStoredEvent(e),
          subscription: s
            ? { id: s.id, status: s.status as 'ACTIVE' | 'ERRORED', webhookOverride: fromJson<WebhookOverride | null>(s.webhook_override, null) }
            : null,
        });
      }
      return out;
    },

    async complete(outcomes, now) {
      for (const o of outcomes) {
        const d = o.claimed;
        const attemptNumber = d.attemptCount + (o.attempt ? 1 : 0);
        if (o.attempt) {
          await db
            .insertInto('attempts')
            .values({
              delivery_id: d.id,
              event_id: d.eventId,
              project_id: d.projectId,
              attempt_number: attemptNumber,
              started_at: o.attempt.startedAt,
              url: o.attempt.url,
              status_code: o.attempt.statusCode,
              latency_ms: Math.round(o.attempt.latencyMs),
              response_excerpt: o.attempt.responseExcerpt,
              error: o.attempt.error,
              outcome: o.attempt.outcome,
            })
            .execute();
        }
        const next = o.next;
        const status: DeliveryStatus =
          next.kind === 'succeeded' ? 'SUCCEEDED' : next.kind === 'retry' ? 'PENDING' : next.kind === 'held' ? 'HELD' : 'FAILED';
        // Only the lease holder may move the delivery on; if the lease was lost to another worker, the
        // attempt above is still recorded (it happened) but that worker now owns the outcome.
        const updated = await db
          .updateTable('deliveries')
          .set({
            status,
            attempt_count: attemptNumber,
            run_at: next.kind === 'retry' ? next.runAt : now,
            lease_owner: null,
            last_error: o.attempt?.error ?? (o.attempt?.statusCode != null ? `HTTP ${o.attempt.statusCode}` : null),
            updated_at: now,
          })
          .where('id', '=', d.id)
          .where('status', '=', 'SENDING')
          .where('lease_owner', '=', d.leaseOwner)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) continue;
        if (next.kind === 'succeeded') {
          await db.updateTable('events').set({ status: 'DELIVERED', delivered_at: now }).where('id', '=', d.eventId).execute();
        } else if (next.kind === 'held') {
          await db.updateTable('events').set({ status: 'HELD' }).where('id', '=', d.eventId).execute();
        } else if (next.kind === 'failed') {
          await db.updateTable('events').set({ status: 'FAILED' }).where('id', '=', d.eventId).execute();
          await db
            .updateTable('subscriptions')
            .set({ status: 'ERRORED', error: next.reason, updated_at: now })
            .where('id', '=', d.subscriptionId)
            .execute();
          await db
            .insertInto('subscription_logs')
            .values({ project_id: d.projectId, subscription_id: d.subscriptionId, at: now, level: 'error', message: next.reason })
            .execute();
        }
      }
    },

    async releaseHeld(subscriptionId, now) {
      const r = await db
        .updateTable('deliveries')
        .set({ status: 'PENDING', run_at: now, updated_at: now })
        .where('subscription_id', '=', subscriptionId)
        .where('status', '=', 'HELD')
        .executeTakeFirst();
      await db.updateTable('events').set({ status: 'PENDING' }).where('subscription_id', '=', subscriptionId).where('status', '=', 'HELD').execute();
      const n = Number(r.numUpdatedRows);
      if (n > 0) await ctx.wakeDeliveryWorkers();
      return n;
    },

    async redeliver(projectId, eventId, now) {
      const e = await db.selectFrom('events').select(['id', 'project_id', 'subscription_id']).where('project_id', '=', projectId).where('id', '=', eventId).executeTakeFirst();
      if (!e) return null;
      const row = await db
        .insertInto('deliveries')
        .values({
          id: newId(), event_id: e.id, project_id: e.project_id, subscription_id: e.subscription_id,
          status: 'PENDING', attempt_count: 0, run_at: now, lease_owner: null, last_error: null, created_at: now, updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await db.updateTable('events').set({ status: 'PENDING' }).where('id', '=', e.id).execute();
      await ctx.wakeDeliveryWorkers();
      return toDelivery(row);
    },

    async redeliverFailed(projectId, q, now) {
      let sel = db.selectFrom('events').select(['id', 'project_id', 'subscription_id'])
        .where('project_id', '=', projectId).where('subscription_id', '=', q.subscriptionId).where('status', '=', 'FAILED');
      if (q.from !== undefined) sel = sel.where('date_received', '>=', q.from);
      if (q.to !== undefined) sel = sel.where('date_received', '<', q.to);
      const failed = await sel.execute();
      if (failed.length === 0) return 0;
      for (const e of failed) {
        await db.insertInto('deliveries').values({
          id: newId(), event_id: e.id, project_id: e.project_id, subscription_id: e.subscription_id,
          status: 'PENDING', attempt_count: 0, run_at: now, lease_owner: null, last_error: null, created_at: now, updated_at: now,
        }).execute();
      }
      await db.updateTable('events').set({ status: 'PENDING' }).where('id', 'in', failed.map((e) => e.id)).execute();
      await ctx.wakeDeliveryWorkers();
      return failed.length;
    },

    async listForEvent(eventId) {
      const rows = await db.selectFrom('deliveries').selectAll().where('event_id', '=', eventId).orderBy('created_at').execute();
      return rows.map(toDelivery);
    },

    async nextRunAt() {
      const row = await db
        .selectFrom('deliveries')
        .select('run_at')
        .where('status', 'in', ['PENDING', 'SENDING'])
        .orderBy('run_at')
        .limit(1)
        .executeTakeFirst();
      return row ? row.run_at : null;
    },

    async countByStatus() {
      const rows = await db
        .selectFrom('deliveries')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['PENDING', 'SENDING', 'HELD'])
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
  };
}

export function attemptsRepo({ db }: RepoContext): Storage['attempts'] {
  return {
    async listForEvent(eventId) {
      const rows = await db.selectFrom('attempts').selectAll().where('event_id', '=', eventId).orderBy('id').execute();
      return rows.map(toAttempt);
    },
  };
}
