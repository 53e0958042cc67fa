// Backstop syncs (OPENTRIGGERS_BACKSTOP_SYNC_SECONDS, ADR 0017). A webhook subscription only learns of a
// change when the provider's notification reaches us, and some never do: Google states that push
// notifications "are not 100 % reliable" and asks for a periodic sync as a backstop; Microsoft Graph drops
// notifications to endpoints it finds slow or failing; and nothing reaches a service that is down. Every
// webhook source that can list changes from its stored position (`catchUp`) is therefore also synced every
// interval. What the notifications already delivered is dropped by its dedupe key, so a sync that finds
// nothing new stores nothing.
//
// Backstop syncs ride the poll schedule (`next_poll_at`) and its lease: each subscription is synced by one
// process at a time, at the poller's concurrency, spread over the interval, with the same handling of
// provider rate limits and refused accounts. A failed sync is logged and tried again next interval; it does
// not make the subscription ERRORED, since its notifications still work.
import type { AnyTriggerDefinition, SourceContext, WebhookSource } from '../sdk/index.js';
import type { Subscription } from '../storage/port.js';
import type { Catalog } from './catalog.js';
import { jitteredInterval, type EngineDeps } from './context.js';
import { newEvents, recordAndAdvance } from './detected-events.js';

/** Whether subscriptions of a trigger with this source can be synced as a backstop: a webhook source that can catch up. */
export function canCatchUp(source: AnyTriggerDefinition['source']): boolean {
  return source.kind === 'webhook' && source.catchUp !== undefined;
}

/** When a new webhook subscription of `source` gets its first backstop sync; null when it never does. */
export function firstBackstopAt(deps: Pick<EngineDeps, 'backstopSyncSeconds' | 'now'>, source: AnyTriggerDefinition['source']): number | null {
  if (deps.backstopSyncSeconds <= 0 || !canCatchUp(source)) return null;
  return deps.now() + jitteredInterval(deps.backstopSyncSeconds);
}

/** Sync one subscription from its stored position; returns how many new events were stored. */
export async function backstopSync(
  deps: EngineDeps,
  sub: Subscription,
  trigger: AnyTriggerDefinition,
  source: WebhookSource<Record<string, unknown>>,
  ctx: SourceContext<Record<string, unknown>>,
): Promise<number> {
  if (!source.catchUp) throw new Error(`${trigger.type} cannot list changes from a stored position`);
  const caught = await source.catchUp({ ...ctx, state: sub.state });
  const { stored, advanced } = await recordAndAdvance(deps.storage, sub, newEvents(trigger, [sub], () => caught.items), caught.state, deps.now());
  if (!advanced) deps.logger.debug({ subscriptionId: sub.id }, 'source state changed during the backstop sync; its position was not saved (the next sync re-reads)');
  if (stored > 0) {
    await deps.storage.logs.add({
      projectId: sub.projectId, subscriptionId: sub.id, at: deps.now(), level: 'warn',
      message: `backstop sync found ${stored} event(s) the provider had not notified`,
    });
  }
  return stored;
}

/**
 * Webhook subscriptions made before backstop syncs existed, or while they were off, have no schedule: give
 * them one, spread over the first interval so the first syncs do not reach providers all at once.
 */
export async function scheduleBackstops(deps: Pick<EngineDeps, 'backstopSyncSeconds' | 'now' | 'storage'>, catalog: Catalog): Promise<number> {
  if (deps.backstopSyncSeconds <= 0) return 0;
  const types = catalog.triggers().filter((t) => canCatchUp(t.source)).map((t) => t.type);
  return deps.storage.subscriptions.scheduleUnscheduled('poll', types, deps.now(), deps.backstopSyncSeconds * 1000);
}
