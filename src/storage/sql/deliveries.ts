import { sql, type Kysely, type Selectable } from 'kysely';
import type { Attempt, ClaimedDelivery, Delivery, DeliveryOutcome, DeliveryStatus, Storage, WebhookOverride } from '../port.js';
import type { AttemptsTable, Database, DeliveriesTable } from '../schema.js';
import { executeCompiledOnce, rowParameters } from './compiled-once.js';
import { atomically, chunks, fromJson, newId, type RepoContext } from './context.js';
import { selectEventsWithPayload, toStoredEventWithLazyPayload } from './events.js';

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

// The statuses of the partial index deliveries_due, written as SQL literals, not bound parameters: SQLite
// uses a partial index only when the query's WHERE provably implies the index's, which it cannot prove for
// `status IN (?, ?)`. With parameters every claim was a full scan and sort of the whole table (cost grew
// with every delivery ever made: ~5 ms per claim at 100k rows); with literals it is an index range scan.
const DUE_STATUSES = sql<boolean>`status IN ('PENDING', 'SENDING')`;
/** The partial indexes deliveries_held and events_status (HELD rows), for the same reason. */
const HELD = sql<boolean>`status = 'HELD'`;

export function deliveriesRepo(ctx: RepoContext): Storage['deliveries'] {
  const { db, dialect } = ctx;
  return {
    async claimDue(now, leaseUntil, owner, limit) {
      // One index range scan on run_at covers both due retries and expired leases of crashed workers.
      let due = db
        .selectFrom('deliveries')
        .select('id')
        .where(DUE_STATUSES)
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
        selectEventsWithPayload(db).where('id', 'in', eventIds).execute(),
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
          event: toStoredEventWithLazyPayload(e),
          subscription: s
            ? { id: s.id, status: s.status as 'ACTIVE' | 'ERRORED', webhookOverride: fromJson<WebhookOverride | null>(s.webhook_override, null) }
            : null,
          payloadJson: e.payload,
        });
      }
      return out;
    },

    async complete(outcomes, now) {
      if (outcomes.length === 0) return;
      // One transaction per batch: the worker completes hundreds of deliveries at once, and a batch is a
      // handful of multi-row statements, not several round trips per delivery.
      if (!db.isTransaction && ctx.writeGroup) return ctx.writeGroup.complete(outcomes, now);
      const dueNow = await atomically(db, (trx) => completeBatch(trx, dialect, outcomes, now));
      // Deliveries handed back unsent, or not held after all: due at once, possibly for another process.
      if (dueNow > 0) await ctx.wakeDeliveryWorkers();
    },

    async releaseHeld(subscriptionId, now) {
      const r = await db
        .updateTable('deliveries')
        .set({ status: 'PENDING', run_at: now, updated_at: now })
        .where('subscription_id', '=', subscriptionId)
        .where(HELD)
        .executeTakeFirst();
      await db.updateTable('events').set({ status: 'PENDING' }).where('subscription_id', '=', subscriptionId).where(HELD).execute();
      const n = Number(r.numUpdatedRows);
      if (n > 0) await ctx.wakeDeliveryWorkers();
      return n;
    },

    async redeliver(projectId, eventId, now) {
      // The new delivery and the event's status change commit together. The status change comes first: it
      // locks the event row, so a retention sweep turning the event into a marker either went before (then
      // nothing matches: a SEEN event is only a dedupe marker, with no payload to send) or waits and then
      // finds it PENDING and leaves it whole.
      const row = await atomically(db, async (trx) => {
        const e = await trx.updateTable('events').set({ status: 'PENDING' })
          .where('project_id', '=', projectId).where('id', '=', eventId).where('status', '!=', 'SEEN')
          .returning(['id', 'project_id', 'subscription_id']).executeTakeFirst();
        if (!e) return null;
        return trx
          .insertInto('deliveries')
          .values({
            id: newId(), event_id: e.id, project_id: e.project_id, subscription_id: e.subscription_id,
            status: 'PENDING', attempt_count: 0, run_at: now, lease_owner: null, last_error: null, created_at: now, updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      if (!row) return null;
      await ctx.wakeDeliveryWorkers();
      return toDelivery(row);
    },

    async redeliverFailed(projectId, q, now) {
      const count = await atomically(db, async (trx) => {
        // Status first, as in redeliver: only events still FAILED when their row is locked get a delivery.
        let upd = trx.updateTable('events').set({ status: 'PENDING' })
          .where('project_id', '=', projectId).where('subscription_id', '=', q.subscriptionId).where(sql<boolean>`status = 'FAILED'`);
        if (q.from !== undefined) upd = upd.where('date_received', '>=', q.from);
        if (q.to !== undefined) upd = upd.where('date_received', '<', q.to);
        const failed = await upd.returning(['id', 'project_id', 'subscription_id']).execute();
        for (const part of chunks(failed, COMPLETE_CHUNK)) {
          await trx.insertInto('deliveries').values(part.map((e) => ({
            id: newId(), event_id: e.id, project_id: e.project_id, subscription_id: e.subscription_id,
            status: 'PENDING', attempt_count: 0, run_at: now, lease_owner: null, last_error: null, created_at: now, updated_at: now,
          }))).execute();
        }
        return failed.length;
      });
      if (count > 0) await ctx.wakeDeliveryWorkers();
      return count;
    },

    async listForEvent(eventId) {
      const rows = await db.selectFrom('deliveries').selectAll().where('event_id', '=', eventId).orderBy('created_at').execute();
      return rows.map(toDelivery);
    },

    async nextRunAt() {
      const row = await db
        .selectFrom('deliveries')
        .select('run_at')
        .where(DUE_STATUSES)
        .orderBy('run_at')
        .limit(1)
        .executeTakeFirst();
      return row ? row.run_at : null;
    },

    async countByStatus() {
      // Two queries, each within one partial index (deliveries_due, deliveries_held): one IN list over
      // all three statuses matches neither, and scanned every delivery ever made at each /metrics scrape.
      const [queued, held] = await Promise.all([
        db.selectFrom('deliveries').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where(DUE_STATUSES).groupBy('status').execute(),
        db.selectFrom('deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where(HELD).executeTakeFirstOrThrow(),
      ]);
      const counts: Record<string, number> = Object.fromEntries(queued.map((r) => [r.status, Number(r.n)]));
      if (Number(held.n) > 0) counts.HELD = Number(held.n);
      return counts;
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

// 12 values per attempt row, 6 per delivery row: 200 rows stay far below SQLite's and PostgreSQL's limits
// on bound parameters.
const COMPLETE_CHUNK = 200;

const STATUS_BY_KIND: Record<DeliveryOutcome['next']['kind'], DeliveryStatus> = {
  succeeded: 'SUCCEEDED',
  retry: 'PENDING',
  held: 'HELD',
  failed: 'FAILED',
};

function lastErrorOf(o: DeliveryOutcome): string | null {
  if (o.next.kind === 'succeeded') return null;
  // Failed without a request (the project or the subscription is gone): the reason is the only error.
  if (!o.attempt) return o.next.kind === 'failed' ? o.next.reason : null;
  return o.attempt.error ?? (o.attempt.statusCode !== null ? `HTTP ${o.attempt.statusCode}` : null);
}

type Moved = { id: string; event_id: string; subscription_id: string; project_id: string; status: string; run_at: number };
type CompletionRow = readonly [id: string, leaseOwner: string | null, status: string, attemptCount: number, runAt: number, lastError: string | null];

/** The chunk's rows as a VALUES list named v: (id, owner, status, attempt_count, run_at, last_error). */
function completionValues(values: readonly CompletionRow[]) {
  const rows = values.map(([id, owner, status, attemptCount, runAt, lastError]) =>
    sql`(CAST(${id} AS TEXT), CAST(${owner} AS TEXT), CAST(${status} AS TEXT), CAST(${attemptCount} AS INTEGER), CAST(${runAt} AS BIGINT), CAST(${lastError} AS TEXT))`,
  );
  return sql`v(id, owner, status, attempt_count, run_at, last_error) AS (VALUES ${sql.join(rows)})`;
}

/**
 * The UPDATE that moves the deliveries of v on, returning them (Moved). Only the lease holder may: status
 * SENDING, lease_owner unchanged. A delivery to be held is parked only if its subscription is still
 * ERRORED: if it was re-activated while we held the lease, releaseHeld has already run and would never see
 * this row, so it goes straight back to PENDING instead.
 */
function moveDeliveries(now: number, dialect: 'sqlite' | 'postgres') {
  // Redundant for the result; steers SQLite to look deliveries up by primary key. Without it, from about
  // 200 rows of v its planner prefers a full scan of deliveries (~25 ms per statement at 100k rows).
  // PostgreSQL plans the join well without it.
  const sqliteByPrimaryKey = dialect === 'sqlite' ? sql`AND deliveries.id IN (SELECT id FROM v)` : sql``;
  return sql`
    UPDATE deliveries SET
      status = CASE
        WHEN v.status = 'HELD' AND NOT EXISTS (
          SELECT 1 FROM subscriptions s WHERE s.id = deliveries.subscription_id AND s.status = 'ERRORED'
        ) THEN 'PENDING'
        ELSE v.status END,
      attempt_count = v.attempt_count,
      run_at = v.run_at,
      lease_owner = NULL,
      last_error = v.last_error,
      updated_at = ${now}
    FROM v
    WHERE deliveries.id = v.id AND deliveries.status = 'SENDING' AND deliveries.lease_owner = v.owner ${sqliteByPrimaryKey}
    RETURNING deliveries.id, deliveries.event_id, deliveries.subscription_id, deliveries.project_id, deliveries.status, deliveries.run_at
  `;
}

function attemptRow(o: DeliveryOutcome) {
  const a = o.attempt!;
  return {
    delivery_id: o.claimed.id,
    event_id: o.claimed.eventId,
    project_id: o.claimed.projectId,
    attempt_number: o.claimed.attemptCount + 1,
    started_at: a.startedAt,
    url: a.url,
    status_code: a.statusCode,
    latency_ms: Math.round(a.latencyMs),
    response_excerpt: a.responseExcerpt,
    error: a.error,
    outcome: a.outcome,
  };
}

function completionRow(o: DeliveryOutcome, now: number): CompletionRow {
  const status = STATUS_BY_KIND[o.next.kind];
  const runAt = o.next.kind === 'retry' ? o.next.runAt : now;
  const attemptCount = o.claimed.attemptCount + (o.attempt ? 1 : 0);
  return [o.claimed.id, o.claimed.leaseOwner, status, attemptCount, runAt, lastErrorOf(o)];
}

/**
 * Whether completeBatch writes these outcomes with one statement — PostgreSQL, one chunk, and no outcome
 * that could need the follow-up statements for held and failed deliveries — which then needs no
 * transaction of its own (write-group.ts).
 */
export function outcomesInOneStatement(outcomes: readonly DeliveryOutcome[], dialect: 'sqlite' | 'postgres'): boolean {
  return dialect === 'postgres' && outcomes.length <= COMPLETE_CHUNK && outcomes.every((o) => o.next.kind === 'succeeded' || o.next.kind === 'retry');
}

/**
 * Records a batch of attempts and moves each delivery on, in the caller's transaction. Returns how many
 * deliveries are now PENDING and already due.
 */
export async function completeBatch(db: Kysely<Database>, dialect: 'sqlite' | 'postgres', outcomes: readonly DeliveryOutcome[], now: number): Promise<number> {
  // Both mark the delivered events; the rare held and failed ones follow here.
  const moved = dialect === 'postgres' ? await completePostgres(db, outcomes, now) : await completeSqlite(db, outcomes, now);
  const eventsWith = (status: string) => moved.filter((m) => m.status === status).map((m) => m.event_id);
  for (const ids of chunks(eventsWith('HELD'), COMPLETE_CHUNK * 4)) {
    await db.updateTable('events').set({ status: 'HELD' }).where('id', 'in', ids).execute();
  }
  const failedIds = eventsWith('FAILED');
  if (failedIds.length > 0) {
    for (const ids of chunks(failedIds, COMPLETE_CHUNK * 4)) {
      await db.updateTable('events').set({ status: 'FAILED' }).where('id', 'in', ids).execute();
    }
    // Rare: one ERRORED transition and one log line per subscription, with the batch's last reason.
    const failedNow = new Set(moved.filter((m) => m.status === 'FAILED').map((m) => m.id));
    const bySubscription = new Map<string, { projectId: string; reason: string }>();
    for (const o of outcomes) {
      if (o.next.kind === 'failed' && failedNow.has(o.claimed.id)) {
        bySubscription.set(o.claimed.subscriptionId, { projectId: o.claimed.projectId, reason: o.next.reason });
      }
    }
    for (const [subscriptionId, { projectId, reason }] of bySubscription) {
      await db.updateTable('subscriptions').set({ status: 'ERRORED', error: reason, updated_at: now }).where('id', '=', subscriptionId).execute();
      await db
        .insertInto('subscription_logs')
        .values({ project_id: projectId, subscription_id: subscriptionId, at: now, level: 'error', message: reason })
        .execute();
    }
  }
  return moved.filter((m) => m.status === 'PENDING' && Number(m.run_at) <= now).length;
}

/** SQLite: the attempts, one UPDATE per chunk that moves the deliveries on, then the delivered events. */
async function completeSqlite(db: Kysely<Database>, outcomes: readonly DeliveryOutcome[], now: number): Promise<Moved[]> {
  // Attempts are recorded even when the lease was lost meanwhile: the HTTP try happened.
  for (const part of chunks(outcomes.filter((o) => o.attempt !== undefined), COMPLETE_CHUNK)) {
    const rows = part.map(attemptRow);
    await executeCompiledOnce(db, `attempts.insert:${rows.length}`, rowParameters(rows), () => db.insertInto('attempts').values(rows));
  }
  const moved: Moved[] = [];
  for (const part of chunks(outcomes, COMPLETE_CHUNK)) {
    const values = part.map((o) => completionRow(o, now));
    const result = await executeCompiledOnce(db, `deliveries.complete:${part.length}`, [...values.flat(), now], () => ({
      compile: () => sql<Moved>`WITH ${completionValues(values)} ${moveDeliveries(now, 'sqlite')}`.compile(db),
    }));
    moved.push(...result.rows);
  }
  const delivered = moved.filter((m) => m.status === 'SUCCEEDED').map((m) => m.event_id);
  for (const ids of chunks(delivered, COMPLETE_CHUNK * 4)) {
    await executeCompiledOnce(db, `events.delivered:${ids.length}`, ['DELIVERED', now, ...ids], () =>
      db.updateTable('events').set({ status: 'DELIVERED', delivered_at: now }).where('id', 'in', ids),
    );
  }
  return moved;
}

/**
 * PostgreSQL: one statement per chunk records the attempts, moves the deliveries on and marks the delivered
 * events, instead of three round trips in sequence (bench/hot-path-changes.md, ninth round).
 */
async function completePostgres(db: Kysely<Database>, outcomes: readonly DeliveryOutcome[], now: number): Promise<Moved[]> {
  const moved: Moved[] = [];
  for (const part of chunks(outcomes, COMPLETE_CHUNK)) {
    // Attempts are recorded even when the lease was lost meanwhile: the HTTP try happened.
    const attempts = part.filter((o) => o.attempt !== undefined).map(attemptRow);
    const values = part.map((o) => completionRow(o, now));
    const parameters = [...rowParameters(attempts), ...values.flat(), now, now];
    const result = await executeCompiledOnce(db, `deliveries.complete-pg:${part.length}:${attempts.length}`, parameters, () => ({
      compile: () => sql<Moved>`
        WITH ${attempts.length > 0 ? sql`a AS (${db.insertInto('attempts').values(attempts)}),` : sql``}
        ${completionValues(values)},
        m AS (${moveDeliveries(now, 'postgres')}),
        delivered AS (
          UPDATE events SET status = 'DELIVERED', delivered_at = ${now}
          FROM m WHERE events.id = m.event_id AND m.status = 'SUCCEEDED'
        )
        SELECT id, event_id, subscription_id, project_id, status, run_at FROM m`.compile(db),
    }));
    moved.push(...result.rows);
  }
  return moved;
}
