import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { ClaimedDelivery, Delivery, EventStatus, LocalDeliveryWorker, NewEvent, Storage, StoredEvent } from '../port.js';
import type { Database, DeliveriesTable, EventsTable } from '../schema.js';
import { executeCompiledOnce, rowParameters } from './compiled-once.js';
import { atomically, chunks, fromJson, newId, toJson, type RepoContext } from './context.js';

/** Events joined with their payloads, every events column plus `payload`; name `events.seq` (both tables have a seq). */
export function selectEventsWithPayload(db: Kysely<Database>) {
  return db.selectFrom('events').innerJoin('event_payloads', 'event_payloads.seq', 'events.seq').selectAll('events').select('event_payloads.payload');
}

export const toStoredEvent = (r: Selectable<EventsTable> & { payload: string }): StoredEvent => ({
  seq: Number(r.seq),
  id: r.id,
  projectId: r.project_id,
  userId: r.user_id,
  subscriptionId: r.subscription_id,
  credentialId: r.credential_id,
  integration: r.integration,
  triggerType: r.trigger_type,
  dedupeKey: r.dedupe_key,
  payload: fromJson<unknown>(r.payload, null),
  status: r.status as EventStatus,
  dateReceived: r.date_received,
  deliveredAt: r.delivered_at,
});

/**
 * As toStoredEvent, but the payload is parsed only if read. A claimed delivery carries the stored JSON text
 * as well (ClaimedDelivery.payloadJson) and the envelope embeds that text as it is, so under load parsing
 * every claimed payload was work thrown away.
 */
export function toStoredEventWithLazyPayload(r: Selectable<EventsTable> & { payload: string }): StoredEvent {
  const json = r.payload;
  let parsed: { value: unknown } | undefined;
  const event = toStoredEvent({ ...r, payload: 'null' });
  return Object.defineProperty(event, 'payload', { enumerable: true, get: () => (parsed ??= { value: fromJson<unknown>(json, null) }).value });
}

// 12 columns per event row: 200 rows stay far below SQLite's 32,766 bound parameters.
const INSERT_CHUNK = 200;
// Two columns per payload row.
const PAYLOAD_INSERT_CHUNK = 1000;

/** One caller's events, possibly sharing a transaction with others' (write-group.ts). */
interface RecordJob {
  items: readonly NewEvent[];
  now: number;
}

export function eventsRepo(ctx: RepoContext): Storage['events'] {
  const { db } = ctx;
  return {
    async record(items, now, opts = {}) {
      if (items.length === 0) return [];
      // The event rows and their outbox deliveries commit together (or not at all). Inside a caller's
      // transaction that is already so; otherwise share a transaction with concurrent callers, and wake
      // workers only after the commit.
      if (db.isTransaction) {
        const r = await recordOn(db, [{ items, now }], { ...opts, dialect: ctx.dialect });
        if (r.wake) await ctx.wakeDeliveryWorkers();
        return r.perJob[0]!;
      }
      if (!opts.seenOnly && ctx.writeGroup) return ctx.writeGroup.record(items, now);
      const r = await db.transaction().execute((trx) => recordOn(trx, [{ items, now }], { ...opts, dialect: ctx.dialect }));
      if (r.wake) await ctx.wakeDeliveryWorkers();
      return r.perJob[0]!;
    },
    async get(projectId, id) {
      const row = await selectEventsWithPayload(db).where('project_id', '=', projectId).where('id', '=', id).where('status', '!=', 'SEEN').executeTakeFirst();
      return row ? toStoredEvent(row) : null;
    },
    async list(f) {
      let q = selectEventsWithPayload(db).where('project_id', '=', f.projectId).where('status', '!=', 'SEEN');
      if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
      if (f.integration !== undefined) q = q.where('integration', '=', f.integration);
      if (f.triggerType !== undefined) q = q.where('trigger_type', '=', f.triggerType);
      if (f.subscriptionId !== undefined) q = q.where('subscription_id', '=', f.subscriptionId);
      // A literal, not a parameter: lets SQLite use the partial index events_status for FAILED and HELD.
      if (f.status !== undefined) q = q.where(sql<boolean>`status = ${sql.lit(f.status)}`);
      if (f.eventId !== undefined) q = q.where('id', '=', f.eventId);
      if (f.from !== undefined) q = q.where('date_received', '>=', f.from);
      if (f.to !== undefined) q = q.where('date_received', '<', f.to);
      if (f.beforeSeq !== undefined) q = q.where('events.seq', '<', f.beforeSeq);
      const rows = await q.orderBy('events.seq', 'desc').limit(f.limit).execute();
      return rows.map(toStoredEvent);
    },
    async listForUserAfter(projectId, userId, afterSeq, limit) {
      const rows = await selectEventsWithPayload(db)
        .where('project_id', '=', projectId)
        .where('user_id', '=', userId)
        .where('events.seq', '>', afterSeq)
        .where('status', '!=', 'SEEN')
        .orderBy('events.seq')
        .limit(limit)
        .execute();
      return rows.map(toStoredEvent);
    },
    async lastReceivedByUser(projectId, userIds) {
      if (userIds.length === 0) return [];
      const rows = await db
        .selectFrom('events')
        .select(['user_id', (eb) => eb.fn.max('date_received').as('last')])
        .where('project_id', '=', projectId)
        .where('user_id', 'in', userIds)
        .groupBy('user_id')
        .execute();
      return rows.map((r) => ({ userId: r.user_id, lastReceived: Number(r.last) }));
    },
    async expire(before, afterSeq, limit) {
      return atomically(db, async (trx) => {
        // By sequence number from a cursor, never by age across the whole table: expired events stay behind
        // as markers, and a scan by age would walk past all of them on every pass.
        const rows = await trx.selectFrom('events').select(['seq', 'id', 'status', 'date_received']).where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
        // Sequence order is reception order give or take a group commit; stop at the first young event so
        // the cursor never passes one that is not old yet.
        const young = rows.findIndex((r) => r.date_received >= before);
        const old = young === -1 ? rows : rows.slice(0, young);
        const cursor = old.length > 0 ? Number(old.at(-1)!.seq) : afterSeq;
        const more = young === -1 && rows.length === limit;
        const finished = old.filter((r) => r.status === 'DELIVERED' || r.status === 'FAILED').map((r) => r.id);
        if (finished.length === 0) return { expired: 0, cursor, more };
        // Still finished when the row is taken, and no redelivery still to run (or running) for it.
        const expired = await trx.updateTable('events').set({ status: 'SEEN' })
          .where('id', 'in', finished).where(sql<boolean>`status IN ('DELIVERED', 'FAILED')`)
          .where((eb) => eb.not(eb.exists(eb.selectFrom('deliveries').select('deliveries.id')
            .whereRef('deliveries.event_id', '=', 'events.id').where(sql<boolean>`deliveries.status IN ('PENDING', 'SENDING', 'HELD')`))))
          .returning(['seq', 'id']).execute();
        if (expired.length === 0) return { expired: 0, cursor, more };
        const expiredIds = expired.map((e) => e.id);
        await trx.deleteFrom('attempts').where('event_id', 'in', expiredIds).execute();
        await trx.deleteFrom('deliveries').where('event_id', 'in', expiredIds).execute();
        await trx.deleteFrom('event_payloads').where('seq', 'in', expired.map((e) => e.seq)).execute();
        return { expired: expired.length, cursor, more };
      });
    },
  };
}

/** Any fixed number, the same in every process: the advisory lock that orders event inserts (ADR 0015). */
const EVENT_ORDER_LOCK = 0x4f54_4556; // 'OTEV'

/**
 * PostgreSQL: one transaction at a time may hold uncommitted events. A sequence number is taken at insert
 * and a transaction may commit long after, so without this a transaction that inserted later could commit
 * first, and a pull or stream reader that moved its cursor past its events would never see the earlier
 * ones. Holding this lock from the insert to the commit (it is released with the transaction), every
 * committed event has a smaller number than every event still uncommitted: readers never skip one, with
 * no waiting window. The insert is the first write of every recording transaction, so a transaction
 * waiting here holds no row lock the holder could need (no deadlock).
 */
async function takeEventOrderTurn(db: Kysely<Database>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${sql.lit(EVENT_ORDER_LOCK)})`.execute(db);
}

const eventKey = (subscriptionId: string, dedupeKey: string) => `${subscriptionId}\u0000${dedupeKey}`;

/**
 * Insert the jobs' events (a repeated dedupe key is skipped: the provider's retry, or a re-read change),
 * an outbox delivery for each new one, and touch the subscriptions. Returns each job's new events.
 */
export async function recordOn(
  db: Kysely<Database>,
  jobs: readonly RecordJob[],
  opts: { dialect: 'sqlite' | 'postgres'; seenOnly?: boolean; worker?: LocalDeliveryWorker | null },
): Promise<{ perJob: StoredEvent[][]; wake: boolean; due: boolean; handed: ClaimedDelivery[] }> {
  const rows: Insertable<EventsTable>[] = [];
  const payloads: string[] = []; // rows[i]'s payload, stored apart (event_payloads)
  for (const job of jobs) {
    for (const it of job.items) {
      payloads.push(toJson(it.payload));
      rows.push({
        id: newId(),
        project_id: it.subscription.projectId,
        user_id: it.subscription.userId,
        subscription_id: it.subscription.id,
        credential_id: it.subscription.credentialId,
        integration: it.subscription.integration,
        trigger_type: it.subscription.triggerType,
        dedupe_key: it.dedupeKey,
        // While a subscription is ERRORED its events are held, never dropped (SPEC §4).
        status: opts.seenOnly ? 'SEEN' : it.subscription.status === 'ERRORED' ? 'HELD' : 'PENDING',
        date_received: job.now,
        delivered_at: null,
      });
    }
  }
  // Served events (not SEEN markers) take their sequence numbers in commit order.
  if (opts.dialect === 'postgres' && !opts.seenOnly && rows.length > 0) await takeEventOrderTurn(db);
  // Only what the insert decided is read back (the payload is already in memory).
  const inserted = new Map<string, { seq: number; id: string }>();
  for (const part of chunks(rows, INSERT_CHUNK)) {
    const { rows: got } = await executeCompiledOnce(db, `events.insert:${part.length}`, rowParameters(part), () =>
      db
        .insertInto('events')
        .values(part)
        .onConflict((oc) => oc.columns(['subscription_id', 'dedupe_key']).doNothing())
        .returning(['seq', 'id', 'subscription_id', 'dedupe_key']),
    );
    for (const r of got) inserted.set(eventKey(r.subscription_id, r.dedupe_key), { seq: Number(r.seq), id: r.id });
  }
  const perJob: StoredEvent[][] = [];
  const deliveries: Insertable<DeliveriesTable>[] = [];
  const touched = new Map<string, number>();
  const handed: ClaimedDelivery[] = [];
  const newPayloads: { seq: number; payload: string }[] = [];
  let room = opts.worker?.room() ?? 0;
  let wake = false;
  let due = false;
  let i = 0;
  for (const job of jobs) {
    const events: StoredEvent[] = [];
    for (const it of job.items) {
      const index = i++;
      const row = rows[index]!;
      const key = eventKey(row.subscription_id, row.dedupe_key);
      const ins = inserted.get(key);
      // A key repeated within the batch was inserted once: it belongs to its first occurrence.
      if (!ins || ins.id !== row.id) continue;
      const event: StoredEvent = {
        seq: ins.seq,
        id: ins.id,
        projectId: row.project_id,
        userId: row.user_id,
        subscriptionId: row.subscription_id,
        credentialId: row.credential_id ?? null,
        integration: row.integration,
        triggerType: row.trigger_type,
        dedupeKey: row.dedupe_key,
        payload: it.payload,
        status: row.status as EventStatus,
        dateReceived: job.now,
        deliveredAt: null,
      };
      events.push(event);
      newPayloads.push({ seq: ins.seq, payload: payloads[index]! });
      if (opts.seenOnly) continue;
      const delivery: Delivery = {
        id: newId(),
        eventId: ins.id,
        projectId: row.project_id,
        subscriptionId: row.subscription_id,
        status: row.status === 'HELD' ? 'HELD' : 'PENDING',
        attemptCount: 0,
        runAt: job.now,
        leaseOwner: null,
        lastError: null,
        createdAt: job.now,
        updatedAt: job.now,
      };
      const override = it.subscription.webhookOverride;
      if (opts.worker && room > 0 && delivery.status === 'PENDING' && override !== undefined) {
        // Leased to the local worker in the insert itself, exactly as a claim would lease it.
        room--;
        delivery.status = 'SENDING';
        delivery.leaseOwner = opts.worker.owner;
        delivery.runAt = job.now + opts.worker.leaseMs;
        handed.push({ delivery, event, subscription: { id: row.subscription_id, status: it.subscription.status, webhookOverride: override }, payloadJson: payloads[index]! });
      } else if (delivery.status === 'PENDING') {
        due = true;
      }
      deliveries.push({
        id: delivery.id,
        event_id: delivery.eventId,
        project_id: delivery.projectId,
        subscription_id: delivery.subscriptionId,
        status: delivery.status,
        attempt_count: 0,
        run_at: delivery.runAt,
        lease_owner: delivery.leaseOwner,
        last_error: null,
        created_at: job.now,
        updated_at: job.now,
      });
      if (row.status === 'PENDING') wake = true;
      touched.set(row.subscription_id, Math.max(touched.get(row.subscription_id) ?? 0, job.now));
    }
    perJob.push(opts.seenOnly ? [] : events);
  }
  for (const part of chunks(newPayloads, PAYLOAD_INSERT_CHUNK)) {
    await executeCompiledOnce(db, `event_payloads.insert:${part.length}`, rowParameters(part), () => db.insertInto('event_payloads').values(part));
  }
  for (const part of chunks(deliveries, INSERT_CHUNK)) {
    await executeCompiledOnce(db, `deliveries.insert:${part.length}`, rowParameters(part), () => db.insertInto('deliveries').values(part));
  }
  // One statement per distinct time (usually one): when each subscription last received an event.
  const byTime = new Map<number, string[]>();
  for (const [id, at] of touched) byTime.set(at, [...(byTime.get(at) ?? []), id]);
  for (const [at, ids] of byTime) {
    for (const part of chunks(ids, INSERT_CHUNK)) {
      await executeCompiledOnce(db, `subscriptions.touch:${part.length}`, [at, ...part], () =>
        db.updateTable('subscriptions').set({ date_last_received_event: at }).where('id', 'in', part),
      );
    }
  }
  return { perJob, wake, due, handed };
}
