// How the items a source reports become events: each subscription's parameter filters, then one event per
// item whose dedupe key is the item's key (so a re-read of the same change is dropped by the store). Shared
// by every path that detects events — inbound webhooks, polls, backstop syncs and renewal catch-ups — so
// they filter and count alike.
import type { AnyTriggerDefinition, Item } from '../sdk/index.js';
import type { Metrics } from '../observability/metrics.js';
import type { NewEvent, Storage, Subscription } from '../storage/port.js';
import { applyParameterFilters } from './filters.js';

/** The `source` label of `opentriggers_events_detected_total`: which path found the event. */
export type DetectionPath = 'webhook' | 'poll' | 'backstop' | 'catch_up';

export function newEvents(trigger: AnyTriggerDefinition, subs: readonly Subscription[], itemsFor: (s: Subscription) => Item[]): NewEvent[] {
  const batch: NewEvent[] = [];
  for (const s of subs) {
    for (const it of applyParameterFilters(trigger, s.parameters, itemsFor(s))) {
      batch.push({ subscription: s, dedupeKey: it.key, payload: it.payload });
    }
  }
  return batch;
}

/** Count events that were stored (not those the dedupe dropped). */
export function countDetected(metrics: Metrics | undefined, integration: string, path: DetectionPath, stored: number): void {
  if (stored > 0) metrics?.eventsDetected.inc({ integration, source: path }, stored);
}

/**
 * Thrown inside a recording transaction to roll it back: the subscription was deleted while its changes
 * were being read (a poll or sync already running when the user deleted it). Its events must not be
 * delivered after the deletion.
 */
export class SubscriptionDeleted extends Error {
  constructor(id: string) {
    super(`subscription ${id} was deleted meanwhile; nothing recorded`);
  }
}

/**
 * Store events and move the subscription's source state (its sync position) from what was read to `next`,
 * in one transaction. The state moves only if nobody changed it meanwhile: a renewal may have replaced the
 * provider registration it also holds, and writing the old one back would break the subscription, whereas
 * a sync position left behind only makes the next sync re-read changes, which the dedupe keys drop. If the
 * subscription was deleted meanwhile, nothing is stored.
 */
export async function recordAndAdvance(
  storage: Storage,
  sub: Subscription,
  events: NewEvent[],
  next: Record<string, unknown>,
  now: number,
): Promise<{ stored: number; advanced: boolean }> {
  try {
    return await storage.transaction(async (tx) => {
      // Events first: on PostgreSQL the insert must be the transaction's first write (ADR 0015).
      const stored = (await tx.events.record(events, now)).length;
      const advanced = await tx.subscriptions.replaceState(sub.id, sub.state, next);
      if (!advanced && !(await tx.subscriptions.get(sub.id))) throw new SubscriptionDeleted(sub.id);
      return { stored, advanced };
    });
  } catch (err) {
    if (err instanceof SubscriptionDeleted) return { stored: 0, advanced: false };
    throw err;
  }
}
