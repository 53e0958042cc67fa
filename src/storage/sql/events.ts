import type { Kysely, Selectable } from 'kysely';
import type { EventStatus, NewEvent, Storage, StoredEvent } from '../port.js';
import type { Database, EventsTable } from '../schema.js';
import { chunks, fromJson, newId, toJson, type RepoContext } from './context.js';

export const toStoredEvent = (r: Selectable<EventsTable>): StoredEvent => ({
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

// 13 columns per event row: 200 rows stay far below SQLite's 32,766 bound parameters.
const INSERT_CHUNK = 200;

export function eventsRepo(ctx: RepoContext): Storage['events'] {
  const { db } = ctx;
  return {
    async record(items, now, opts = {}) {
      if (items.length === 0) return [];
      // The event rows and their outbox deliveries commit together (or not at all). Inside a caller's
      // transaction that is already so; otherwise open one here, and wake workers only after the commit.
      if (db.isTransaction) {
        const r = await recordOn(db, items, now, opts);
        if (r.wake) await ctx.wakeDeliveryWorkers();
        return r.events;
      }
      const r = await db.transaction().execute((trx) => recordOn(trx, items, now, opts));
      if (r.wake) await ctx.wakeDeliveryWorkers();
      return r.events;
    },
    async get(projectId, id) {
      const row = await db.selectFrom('events').selectAll().where('project_id', '=', projectId).where('id', '=', id).where('status', '!=', 'SEEN').executeTakeFirst();
      return row ? toStoredEvent(row) : null;
    },
    async list(f) {
      let q = db.selectFrom('events').selectAll().where('project_id', '=', f.projectId).where('status', '!=', 'SEEN');
      if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
      if (f.integration !== undefined) q = q.where('integration', '=', f.integration);
      if (f.triggerType !== undefined) q = q.where('trigger_type', '=', f.triggerType);
      if (f.subscriptionId !== undefined) q = q.where('subscription_id', '=', f.subscriptionId);
      if (f.status !== undefined) q = q.where('status', '=', f.status);
      if (f.eventId !== undefined) q = q.where('id', '=', f.eventId);
      if (f.from !== undefined) q = q.where('date_received', '>=', f.from);
      if (f.to !== undefined) q = q.where('date_received', '<', f.to);
      if (f.beforeSeq !== undefined) q = q.where('seq', '<', f.beforeSeq);
      const rows = await q.orderBy('seq', 'desc').limit(f.limit).execute();
      return rows.map(toStoredEvent);
    },
    async listForUserAfter(projectId, userId, afterSeq, limit) {
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('user_id', '=', userId)
        .where('seq', '>', afterSeq)
        .where('status', '!=', 'SEEN')
        .orderBy('seq')
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
  };
}

async function recordOn(
  db: Kysely<Database>,
  items: readonly NewEvent[],
  now: number,
  opts: { seenOnly?: boolean },
): Promise<{ events: StoredEvent[]; wake: boolean }> {
  const inserted: Selectable<EventsTable>[] = [];
  for (const part of chunks(items, INSERT_CHUNK)) {
    const rows = await db
      .insertInto('events')
      .values(
        part.map((it) => ({
          id: newId(),
          project_id: it.subscription.projectId,
          user_id: it.subscription.userId,
          subscription_id: it.subscription.id,
          credential_id: it.subscription.credentialId,
          integration: it.subscription.integration,
          trigger_type: it.subscription.triggerType,
          dedupe_key: it.dedupeKey,
          payload: toJson(it.payload),
          // While a subscription is ERRORED its events are held, never dropped (SPEC §4).
          status: opts.seenOnly ? 'SEEN' : it.subscription.status === 'ERRORED' ? 'HELD' : 'PENDING',
          date_received: now,
          delivered_at: null,
        })),
      )
      .onConflict((oc) => oc.columns(['subscription_id', 'dedupe_key']).doNothing())
      .returningAll()
      .execute();
    inserted.push(...rows);
  }
  if (inserted.length === 0 || opts.seenOnly) return { events: [], wake: false };
  for (const part of chunks(inserted, INSERT_CHUNK)) {
    await db
      .insertInto('deliveries')
      .values(
        part.map((e) => ({
          id: newId(),
          event_id: e.id,
          project_id: e.project_id,
          subscription_id: e.subscription_id,
          status: e.status === 'HELD' ? 'HELD' : 'PENDING',
          attempt_count: 0,
          run_at: now,
          lease_owner: null,
          last_error: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
  const subscriptionIds = [...new Set(inserted.map((e) => e.subscription_id))];
  await db.updateTable('subscriptions').set({ date_last_received_event: now }).where('id', 'in', subscriptionIds).execute();
  return { events: inserted.map(toStoredEvent), wake: inserted.some((e) => e.status === 'PENDING') };
}
