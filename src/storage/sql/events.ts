import { CompiledQuery, sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { ClaimedDelivery, Delivery, EventStatus, LocalDeliveryWorker, NewEvent, Storage, StoredEvent } from '../port.js';
import type { Database, DeliveriesTable, EventsTable } from '../schema.js';
import { executeCompiledOnce, rowParameters } from './compiled-once.js';
import { atomically, chunks, fromJson, newId, toJson, type RepoContext } from './context.js';
import { deleteEventContents, eraseUserEvents, purgeDeletedSubscription } from './purge.js';

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

// 12 columns per event row (15 in PostgreSQL's combined statement): 200 rows stay far below the bound
// parameters a statement may have (SQLite 32,766, PostgreSQL 65,535).
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
    async expire(before, afterSeq, limit, forget = new Set()) {
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
          .returning(['seq', 'id', 'subscription_id', 'trigger_type']).execute();
        if (expired.length === 0) return { expired: 0, cursor, more };
        await deleteEventContents(trx, expired.map((e) => ({ id: e.id, seq: Number(e.seq) })));
        // A marker would stop nothing when the subscription was deleted, or when the provider sends no
        // repeat of such an old event any more: those events go altogether.
        const subscriptionIds = [...new Set(expired.map((e) => e.subscription_id))];
        const live = new Set((await trx.selectFrom('subscriptions').select('id').where('id', 'in', subscriptionIds).execute()).map((r) => r.id));
        const unneeded = expired.filter((e) => !live.has(e.subscription_id) || forget.has(e.trigger_type)).map((e) => e.id);
        if (unneeded.length > 0) await trx.deleteFrom('events').where('id', 'in', unneeded).execute();
        return { expired: expired.length, cursor, more };
      });
    },

    async purgeDeletedSubscription(deletedBefore, limit) {
      return atomically(db, (trx) => purgeDeletedSubscription(trx, ctx.dialect, deletedBefore, limit));
    },

    async eraseUser(projectId, userId, afterSeq, limit, now) {
      return atomically(db, (trx) => eraseUserEvents(trx, projectId, userId, afterSeq, limit, now));
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
 *
 * The insert statement takes the lock itself (a round trip fewer than a statement of its own, which
 * counts with the database on another host): every row it inserts is joined with the lock's one row, so
 * the lock is held before the first row reaches the insert and takes a sequence number.
 */
const EVENT_ORDER_TURN = `turn AS (SELECT pg_advisory_xact_lock(${EVENT_ORDER_LOCK}))`;

const eventKey = (subscriptionId: string, dedupeKey: string) => `${subscriptionId}\u0000${dedupeKey}`;

/** One event as the insert will store it, and the outbox delivery it gets if the insert finds it new. */
interface PlannedRow {
  event: Insertable<EventsTable> & { id: string; date_received: number };
  payloadJson: string;
  item: NewEvent;
  /** Null for SEEN markers (no delivery). */
  delivery: Delivery | null;
  /** Set when the delivery is leased to the local worker in the insert itself (status SENDING). */
  handedWith: ClaimedDelivery['subscription'];
}

/**
 * Whether recordOn writes these jobs with one statement — PostgreSQL, and every row in one chunk — which
 * then needs no transaction of its own (write-group.ts).
 */
export function recordsInOneStatement(jobs: readonly RecordJob[], dialect: 'sqlite' | 'postgres'): boolean {
  return dialect === 'postgres' && jobs.reduce((n, j) => n + j.items.length, 0) <= INSERT_CHUNK;
}

/**
 * Insert the jobs' events (a repeated dedupe key is skipped: the provider's retry, or a re-read change),
 * an outbox delivery for each new one, and touch the subscriptions. Returns each job's new events.
 */
export async function recordOn(
  db: Kysely<Database>,
  jobs: readonly RecordJob[],
  opts: { dialect: 'sqlite' | 'postgres'; seenOnly?: boolean; worker?: LocalDeliveryWorker | null },
): Promise<{ perJob: StoredEvent[][]; wake: boolean; due: boolean; handed: ClaimedDelivery[] }> {
  const planned = planRows(jobs, opts);
  // Served events (not SEEN markers) take their sequence numbers in commit order.
  const inserted = opts.dialect === 'postgres' ? await insertPostgres(db, planned, !opts.seenOnly) : await insertSqlite(db, planned);

  const perJob: StoredEvent[][] = [];
  const handed: ClaimedDelivery[] = [];
  let wake = false;
  let due = false;
  let i = 0;
  for (const job of jobs) {
    const events: StoredEvent[] = [];
    for (let n = 0; n < job.items.length; n++) {
      const row = planned[i++]!;
      const seq = seqIfNew(inserted, row);
      if (seq === undefined) continue;
      const event = storedEventOf(row, seq);
      events.push(event);
      if (!row.delivery) continue;
      if (row.handedWith) {
        handed.push({ delivery: row.delivery, event, subscription: row.handedWith, payloadJson: row.payloadJson });
      } else if (row.delivery.status === 'PENDING') {
        due = true;
      }
      if (event.status === 'PENDING') wake = true;
    }
    perJob.push(opts.seenOnly ? [] : events);
  }
  return { perJob, wake, due, handed };
}

/**
 * The rows to insert, each with its delivery decided in advance: leased to the local worker while it has
 * room (exactly as a claim would lease it), else PENDING, or HELD while the subscription is ERRORED. A row
 * the insert then finds to be a duplicate drops its delivery, and its share of the room goes unused.
 */
function planRows(jobs: readonly RecordJob[], opts: { seenOnly?: boolean; worker?: LocalDeliveryWorker | null }): PlannedRow[] {
  const planned: PlannedRow[] = [];
  let room = opts.worker?.room() ?? 0;
  for (const job of jobs) {
    for (const item of job.items) {
      const s = item.subscription;
      // While a subscription is ERRORED its events are held, never dropped (SPEC §4).
      const status = opts.seenOnly ? 'SEEN' : s.status === 'ERRORED' ? 'HELD' : 'PENDING';
      const event = {
        id: newId(),
        project_id: s.projectId,
        user_id: s.userId,
        subscription_id: s.id,
        credential_id: s.credentialId,
        integration: s.integration,
        trigger_type: s.triggerType,
        dedupe_key: item.dedupeKey,
        status,
        date_received: job.now,
        delivered_at: null,
      };
      let delivery: Delivery | null = null;
      let handedWith: PlannedRow['handedWith'] = null;
      if (!opts.seenOnly) {
        delivery = {
          id: newId(), eventId: event.id, projectId: s.projectId, subscriptionId: s.id,
          status: status === 'HELD' ? 'HELD' : 'PENDING', attemptCount: 0, runAt: job.now, leaseOwner: null,
          lastError: null, createdAt: job.now, updatedAt: job.now,
        };
        if (opts.worker && room > 0 && delivery.status === 'PENDING' && s.webhookOverride !== undefined) {
          room--;
          handedWith = { id: s.id, status: s.status, webhookOverride: s.webhookOverride };
          delivery.status = 'SENDING';
          delivery.leaseOwner = opts.worker.owner;
          delivery.runAt = job.now + opts.worker.leaseMs;
        }
      }
      planned.push({ event, payloadJson: toJson(item.payload), item, delivery, handedWith });
    }
  }
  return planned;
}

function storedEventOf(row: PlannedRow, seq: number): StoredEvent {
  const e = row.event;
  return {
    seq,
    id: e.id,
    projectId: e.project_id,
    userId: e.user_id,
    subscriptionId: e.subscription_id,
    credentialId: e.credential_id ?? null,
    integration: e.integration,
    triggerType: e.trigger_type,
    dedupeKey: e.dedupe_key,
    payload: row.item.payload,
    status: e.status as EventStatus,
    dateReceived: e.date_received,
    deliveredAt: null,
  };
}

/** What the insert stored, by subscription and dedupe key: the sequence number and the id of the row. */
type Inserted = Map<string, { seq: number; id: string }>;

/** The row's sequence number if the insert stored it; a key repeated within the batch belongs to its first occurrence. */
function seqIfNew(inserted: Inserted, row: PlannedRow): number | undefined {
  const stored = inserted.get(eventKey(row.event.subscription_id, row.event.dedupe_key));
  return stored?.id === row.event.id ? stored.seq : undefined;
}

/** SQLite: the events (reading back only what the insert decided), then the new ones' payloads and deliveries. */
async function insertSqlite(db: Kysely<Database>, planned: readonly PlannedRow[]): Promise<Inserted> {
  const inserted: Inserted = new Map();
  for (const part of chunks(planned.map((p) => p.event), INSERT_CHUNK)) {
    const { rows: got } = await executeCompiledOnce(db, `events.insert:${part.length}`, rowParameters(part), () =>
      db
        .insertInto('events')
        .values(part)
        .onConflict((oc) => oc.columns(['subscription_id', 'dedupe_key']).doNothing())
        .returning(['seq', 'id', 'subscription_id', 'dedupe_key']),
    );
    for (const r of got) inserted.set(eventKey(r.subscription_id, r.dedupe_key), { seq: Number(r.seq), id: r.id });
  }
  const fresh = planned.flatMap((row) => {
    const seq = seqIfNew(inserted, row);
    return seq === undefined ? [] : [{ row, seq }];
  });
  const payloads = fresh.map(({ row, seq }) => ({ seq, payload: row.payloadJson }));
  for (const part of chunks(payloads, PAYLOAD_INSERT_CHUNK)) {
    await executeCompiledOnce(db, `event_payloads.insert:${part.length}`, rowParameters(part), () => db.insertInto('event_payloads').values(part));
  }
  const deliveries = fresh.flatMap(({ row }) => (row.delivery ? [deliveryRow(row.delivery)] : []));
  for (const part of chunks(deliveries, INSERT_CHUNK)) {
    await executeCompiledOnce(db, `deliveries.insert:${part.length}`, rowParameters(part), () => db.insertInto('deliveries').values(part));
  }
  // One statement per distinct time (usually one): when each subscription last received an event.
  const touched = new Map<string, number>();
  for (const { row } of fresh) {
    if (row.delivery) touched.set(row.event.subscription_id, Math.max(touched.get(row.event.subscription_id) ?? 0, row.event.date_received));
  }
  const byTime = new Map<number, string[]>();
  for (const [id, at] of touched) byTime.set(at, [...(byTime.get(at) ?? []), id]);
  for (const [at, ids] of byTime) {
    for (const part of chunks(ids, INSERT_CHUNK)) {
      await executeCompiledOnce(db, `subscriptions.touch:${part.length}`, [at, ...part], () =>
        db.updateTable('subscriptions').set({ date_last_received_event: at }).where('id', 'in', part),
      );
    }
  }
  return inserted;
}

function deliveryRow(d: Delivery): Insertable<DeliveriesTable> {
  return {
    id: d.id, event_id: d.eventId, project_id: d.projectId, subscription_id: d.subscriptionId, status: d.status,
    attempt_count: 0, run_at: d.runAt, lease_owner: d.leaseOwner, last_error: null, created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}

/**
 * PostgreSQL: one statement per chunk does what takes SQLite four. Each statement is a round trip, sent
 * only after the previous one has finished, and on PostgreSQL the round trips were most of the write
 * group's time (bench/hot-path-changes.md, ninth round). Data-modifying CTEs insert the events; the rows the
 * insert returns (the new ones) select their payloads, their deliveries and the subscriptions to touch.
 */
async function insertPostgres(db: Kysely<Database>, planned: readonly PlannedRow[], takeOrderTurn: boolean): Promise<Inserted> {
  const inserted: Inserted = new Map();
  for (const part of chunks(planned, INSERT_CHUNK)) {
    const parameters = part.flatMap((row) => {
      const values = recordPgValues(row);
      return RECORD_PG_COLUMNS.map(([name]) => values[name]);
    });
    const { rows } = await executeCompiledOnce<{ seq: string | number; id: string; subscription_id: string; dedupe_key: string }>(
      db,
      `events.record-pg:${part.length}:${takeOrderTurn ? 'turn' : 'seen'}`,
      parameters,
      () => ({ compile: () => CompiledQuery.raw(recordStatementPg(part.length, takeOrderTurn), parameters) }),
    );
    for (const r of rows) inserted.set(eventKey(r.subscription_id, r.dedupe_key), { seq: Number(r.seq), id: r.id });
  }
  return inserted;
}

const RECORD_PG_COLUMNS = [
  ['id', 'text'], ['project_id', 'text'], ['user_id', 'text'], ['subscription_id', 'text'], ['credential_id', 'text'],
  ['integration', 'text'], ['trigger_type', 'text'], ['dedupe_key', 'text'], ['status', 'text'], ['date_received', 'bigint'],
  ['payload', 'text'], ['delivery_id', 'text'], ['delivery_status', 'text'], ['delivery_run_at', 'bigint'], ['lease_owner', 'text'],
] as const;

type RecordPgColumn = (typeof RECORD_PG_COLUMNS)[number][0];

/** A planned row's values by the statement's column names (every column must be named: the type says so). */
function recordPgValues(row: PlannedRow): Record<RecordPgColumn, unknown> {
  const e = row.event;
  const d = row.delivery;
  return {
    id: e.id, project_id: e.project_id, user_id: e.user_id, subscription_id: e.subscription_id,
    credential_id: e.credential_id ?? null, integration: e.integration, trigger_type: e.trigger_type,
    dedupe_key: e.dedupe_key, status: e.status, date_received: e.date_received, payload: row.payloadJson,
    delivery_id: d?.id ?? null, delivery_status: d?.status ?? null, delivery_run_at: d?.runAt ?? null,
    lease_owner: d?.leaseOwner ?? null,
  };
}

/**
 * The statement for `rows` planned rows (the parameters: RECORD_PG_COLUMNS, row after row); with
 * `takeOrderTurn`, it waits for the event-order lock before inserting.
 */
function recordStatementPg(rows: number, takeOrderTurn: boolean): string {
  const width = RECORD_PG_COLUMNS.length;
  const columns = RECORD_PG_COLUMNS.map(([name]) => name).join(', ');
  const tuples = Array.from({ length: rows }, (_, r) =>
    `(${RECORD_PG_COLUMNS.map(([, type], c) => `$${r * width + c + 1}::${type}`).join(', ')})`).join(', ');
  const rowsToInsert = takeOrderTurn
    ? `${EVENT_ORDER_TURN},\nv (${columns}) AS (SELECT x.* FROM (VALUES ${tuples}) AS x (${columns}) CROSS JOIN turn)`
    : `v (${columns}) AS (VALUES ${tuples})`;
  return `WITH ${rowsToInsert},
e AS (
  INSERT INTO events (id, project_id, user_id, subscription_id, credential_id, integration, trigger_type, dedupe_key, status, date_received, delivered_at)
  SELECT id, project_id, user_id, subscription_id, credential_id, integration, trigger_type, dedupe_key, status, date_received, NULL FROM v
  ON CONFLICT (subscription_id, dedupe_key) DO NOTHING
  RETURNING seq, id, subscription_id, dedupe_key
),
fresh AS (SELECT e.seq, v.* FROM e JOIN v ON v.id = e.id),
p AS (INSERT INTO event_payloads (seq, payload) SELECT seq, payload FROM fresh),
d AS (
  INSERT INTO deliveries (id, event_id, project_id, subscription_id, status, attempt_count, run_at, lease_owner, last_error, created_at, updated_at)
  SELECT delivery_id, id, project_id, subscription_id, delivery_status, 0, delivery_run_at, lease_owner, NULL, date_received, date_received
  FROM fresh WHERE delivery_id IS NOT NULL
),
t AS (
  UPDATE subscriptions SET date_last_received_event = latest.at
  FROM (SELECT subscription_id, max(date_received) AS at FROM fresh WHERE delivery_id IS NOT NULL GROUP BY subscription_id) latest
  WHERE subscriptions.id = latest.subscription_id
)
SELECT seq, id, subscription_id, dedupe_key FROM e`;
}
