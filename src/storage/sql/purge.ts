// Deleting events for good: what is left of deleted subscriptions (ADR 0016) and a connected user's events
// on erasure (ADR 0024). Each call is one short transaction over one batch; callers loop.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Delete what hangs off events — attempts, deliveries, payloads — and leave the event rows (retention's markers). */
export async function deleteEventContents(trx: Kysely<Database>, events: ReadonlyArray<{ id: string; seq: number }>): Promise<void> {
  if (events.length === 0) return;
  const ids = events.map((e) => e.id);
  await trx.deleteFrom('attempts').where('event_id', 'in', ids).execute();
  await trx.deleteFrom('deliveries').where('event_id', 'in', ids).execute();
  await trx.deleteFrom('event_payloads').where('seq', 'in', events.map((e) => e.seq)).execute();
}

/** Delete events with everything that hangs off them. */
async function deleteEvents(trx: Kysely<Database>, events: ReadonlyArray<{ id: string; seq: number }>): Promise<void> {
  if (events.length === 0) return;
  await deleteEventContents(trx, events);
  await trx.deleteFrom('events').where('id', 'in', events.map((e) => e.id)).execute();
}

/**
 * One batch of the longest-deleted subscription among those deleted before `deletedBefore`: its SEEN
 * markers, or — its user's events being erased — every event, then its log. Once nothing is left, the
 * subscription is forgotten.
 */
export async function purgeDeletedSubscription(
  trx: Kysely<Database>, dialect: 'sqlite' | 'postgres', deletedBefore: number, limit: number,
): Promise<{ markers: number; erased: number; more: boolean }> {
  let oldest = trx.selectFrom('deleted_subscriptions').select(['id', 'erase_events']).where('deleted_at', '<', deletedBefore).orderBy('deleted_at').limit(1);
  // PostgreSQL: workers of several processes each take a different deleted subscription.
  if (dialect === 'postgres') oldest = oldest.forUpdate().skipLocked();
  const sub = await oldest.executeTakeFirst();
  if (!sub) return { markers: 0, erased: 0, more: false };
  const erase = Number(sub.erase_events) === 1;
  let batch = trx.selectFrom('events').select(['id', 'seq']).where('subscription_id', '=', sub.id);
  if (!erase) batch = batch.where('status', '=', 'SEEN');
  const events = (await batch.orderBy('seq').limit(limit).execute()).map((e) => ({ id: e.id, seq: Number(e.seq) }));
  await deleteEvents(trx, events);
  if (events.length < limit) {
    if (erase) await trx.deleteFrom('subscription_logs').where('subscription_id', '=', sub.id).execute();
    await trx.deleteFrom('deleted_subscriptions').where('id', '=', sub.id).execute();
  }
  return erase ? { markers: 0, erased: events.length, more: true } : { markers: events.length, erased: 0, more: true };
}

/**
 * One batch of a connected user's events after sequence number `afterSeq`, deleted with their payloads,
 * deliveries (so nothing more is sent) and attempts. Called once the user's subscriptions are deleted.
 * An event with an attempt in flight is left to the attempt, which records itself when it ends. Every
 * deleted subscription of the user, and every subscription these events belong to, is marked for
 * erasure: once the grace period has passed the worker deletes whatever is left of it — such an event,
 * anything an inbound webhook already under way still records — and its log.
 */
export async function eraseUserEvents(
  trx: Kysely<Database>, projectId: string, userId: string, afterSeq: number, limit: number, now: number,
): Promise<{ erased: number; cursor: number; more: boolean }> {
  const rows = await trx.selectFrom('events').select(['id', 'seq', 'subscription_id'])
    .where('project_id', '=', projectId).where('user_id', '=', userId).where('seq', '>', afterSeq)
    .orderBy('seq').limit(limit).execute();
  const inFlight = rows.length === 0 ? [] : await trx.selectFrom('deliveries').select('event_id')
    .where('event_id', 'in', rows.map((r) => r.id)).where('status', '=', 'SENDING').execute();
  const sending = new Set(inFlight.map((d) => d.event_id));
  const seen = [...new Set(rows.map((r) => r.subscription_id))];
  // Never a live one (made while the user was being deleted): the pass would take its markers.
  const live = seen.length === 0 ? new Set<string>() : new Set((await trx.selectFrom('subscriptions').select('id').where('id', 'in', seen).execute()).map((r) => r.id));
  const subscriptions = seen.filter((id) => !live.has(id));
  if (subscriptions.length > 0) {
    await trx.insertInto('deleted_subscriptions')
      .values(subscriptions.map((id) => ({ id, project_id: projectId, user_id: userId, deleted_at: now, erase_events: 1 })))
      .onConflict((oc) => oc.column('id').doUpdateSet({ erase_events: 1 }))
      .execute();
  }
  await trx.updateTable('deleted_subscriptions').set({ erase_events: 1 }).where('project_id', '=', projectId).where('user_id', '=', userId).execute();
  await deleteEvents(trx, rows.filter((r) => !sending.has(r.id)).map((r) => ({ id: r.id, seq: Number(r.seq) })));
  return { erased: rows.length - sending.size, cursor: rows.length > 0 ? Number(rows.at(-1)!.seq) : afterSeq, more: rows.length === limit };
}
