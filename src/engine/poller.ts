// The polling engine. Each due subscription is leased (one poll of a subscription at a time across all
// processes), polled from its stored cursor, and its new items and new cursor are committed in ONE
// transaction: a crash between fetch and commit loses nothing — the lease expires and the same window is
// fetched again, and the unique (subscription, key) constraint drops what was already stored.
// Webhook subscriptions whose source can catch up are also scheduled here, for backstop syncs (backstop.ts).
import { ProviderError, type AnyTriggerDefinition, type PollSource, type SourceContext } from '../sdk/index.js';
import type { Metrics } from '../observability/metrics.js';
import type { NewEvent, Subscription } from '../storage/port.js';
import type { Catalog } from './catalog.js';
import { jitteredInterval, sourceContext, type EngineDeps } from './context.js';
import { backstopSync, canCatchUp } from './backstop.js';
import { countDetected, newEvents, SubscriptionDeleted } from './detected-events.js';

/** A poll taking longer than this is aborted, so its lease never expires under a running poll. */
export const POLL_LEASE_MS = 2 * 60_000;
const POLL_TIMEOUT_MS = POLL_LEASE_MS - 15_000;
/** This many failed polls in a row make the subscription ERRORED (it keeps being polled, with backoff). */
export const MAX_CONSECUTIVE_POLL_FAILURES = 5;
const MAX_BACKOFF_MS = 60 * 60_000;
const DEFAULT_RATE_LIMIT_PAUSE_MS = 60_000;
const TICK_MS = 1000;

export type PollOutcome =
  | { kind: 'polled'; emitted: number }
  | { kind: 'skipped'; reason: string }
  | { kind: 'rate_limited'; until: number }
  | { kind: 'failed'; error: string; errored: boolean };

export interface PollerOptions {
  catalog: (projectId: string) => Promise<Catalog>;
  metrics?: Metrics;
  /** Polls running at once in this process. */
  concurrency?: number;
}

export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private running = new Set<Promise<unknown>>();
  private stopped = false;
  private ticking = false;
  private readonly concurrency: number;
  private started = false;
  /** The last claim filled every free slot: more polls may be due than we could take. */
  private backlog = false;
  /** Free slots that make a refill claim worthwhile (one claim per few polls, not one per poll). */
  private readonly refillAt: number;

  constructor(
    private readonly deps: EngineDeps,
    private readonly opts: PollerOptions,
  ) {
    this.concurrency = opts.concurrency ?? 20;
    this.refillAt = Math.max(1, Math.floor(this.concurrency / 4));
  }

  start(): void {
    this.started = true;
    const loop = () => {
      if (this.stopped) return;
      void this.tick().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, TICK_MS);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.running]);
  }

  /** Claim and start due polls up to the free concurrency; returns how many were started. */
  private async tick(): Promise<number> {
    if (this.ticking) return 0;
    this.ticking = true;
    try {
      const free = this.concurrency - this.running.size;
      if (free <= 0) return 0;
      const now = this.deps.now();
      const due = await this.deps.storage.subscriptions.claimDuePolls(now, now + POLL_LEASE_MS, free);
      this.backlog = due.length === free;
      for (const sub of due) {
        const p = this.pollLeased(sub).catch((err: unknown) => this.deps.logger.error({ err, subscriptionId: sub.id }, 'poll crashed'));
        this.running.add(p);
        void p.finally(() => {
          this.running.delete(p);
          this.refill();
        });
      }
      return due.length;
    } catch (err) {
      this.deps.logger.error({ err }, 'poll tick failed');
      return 0;
    } finally {
      this.ticking = false;
    }
  }

  /**
   * While more polls are due than there are slots, claim again as soon as a few slots are free instead of
   * waiting for the next tick: otherwise one process could start at most `concurrency` polls per tick
   * (20/s), far below what 10,000 subscriptions at a 60 s interval need (167/s; docs/benchmarks.md).
   */
  private refill(): void {
    if (!this.started || this.stopped || !this.backlog || this.ticking) return;
    if (this.concurrency - this.running.size < this.refillAt) return;
    void this.tick();
  }

  /** Run every poll due now and wait for them (tests and the benchmark drive the poller with this). */
  async runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const started = await this.tick();
      total += started;
      await Promise.allSettled([...this.running]);
      if (started === 0) return total;
    }
  }

  private async pollLeased(leased: Subscription): Promise<PollOutcome> {
    const outcome = await this.poll(leased);
    this.opts.metrics?.polls.inc({ outcome: outcome.kind });
    return outcome;
  }

  private async release(sub: Subscription, nextPollAt: number | null) {
    await this.deps.storage.subscriptions.releasePoll(sub.id, nextPollAt);
  }

  private async poll(sub: Subscription): Promise<PollOutcome> {
    const { storage, now, logger } = this.deps;
    const entry = (await this.opts.catalog(sub.projectId)).trigger(sub.triggerType);
    const source = entry?.trigger.source;
    const backstop = source !== undefined && canCatchUp(source) && this.deps.backstopSyncSeconds > 0;
    if (!entry || !source || source.kind === 'appWebhook' || (source.kind === 'webhook' && !backstop)) {
      // The trigger left the catalog (or changed kind), or backstop syncs were turned off: stop scheduling
      // it rather than failing forever.
      await this.release(sub, null);
      return { kind: 'skipped', reason: 'not a polling trigger' };
    }
    const interval = jitteredInterval(backstop ? this.deps.backstopSyncSeconds : this.deps.pollIntervalSeconds);
    const credential = sub.credentialId ? await storage.credentials.get(sub.credentialId) : null;
    if (!credential || credential.status !== 'VALID') {
      // Nothing can be fetched until the user reconnects; look again later, cheaply.
      await this.release(sub, now() + interval);
      return { kind: 'skipped', reason: 'credential missing or invalid' };
    }
    if (credential.rateLimitedUntil !== null && credential.rateLimitedUntil > now()) {
      await this.release(sub, credential.rateLimitedUntil);
      return { kind: 'rate_limited', until: credential.rateLimitedUntil };
    }
    const ctx = sourceContext(this.deps, entry.integration, sub.projectId, credential, sub.parameters, AbortSignal.timeout(POLL_TIMEOUT_MS));
    try {
      const emitted = source.kind === 'poll'
        ? await this.pollOnce(sub, entry.trigger, source, ctx)
        : await backstopSync(this.deps, sub, entry.trigger, source, ctx);
      countDetected(this.opts.metrics, sub.integration, backstop ? 'backstop' : 'poll', emitted);
      await this.release(sub, now() + interval);
      return { kind: 'polled', emitted };
    } catch (err) {
      const failed = backstop ? this.backstopFailed(sub, err, interval) : this.handleFailure(sub, err, interval);
      return failed.catch(async (e: unknown) => {
        logger.error({ err: e, subscriptionId: sub.id }, 'recording a poll failure failed');
        await this.release(sub, now() + interval);
        return { kind: 'failed', error: String(e), errored: false } as const;
      });
    }
  }

  /** One poll from the stored cursor: new items and the new cursor in one transaction; returns events stored. */
  private async pollOnce(sub: Subscription, trigger: AnyTriggerDefinition, source: PollSource<Record<string, unknown>>, ctx: SourceContext<Record<string, unknown>>): Promise<number> {
    const result = await source.poll({ ...ctx, cursor: sub.state.cursor ?? null });
    const recoveredFromPollErrors = sub.status === 'ERRORED' && sub.state.erroredByPoller === true;
    const status = recoveredFromPollErrors ? 'ACTIVE' : sub.status;
    const events = newEvents(trigger, [{ ...sub, status }], () => result.items);
    try {
      return await this.recordPoll(sub, events, result.cursor, recoveredFromPollErrors);
    } catch (err) {
      if (!(err instanceof SubscriptionDeleted)) throw err;
      this.deps.logger.debug({ subscriptionId: sub.id }, err.message);
      return 0;
    }
  }

  /** The poll's events and new cursor in one transaction, rolled back if the subscription was deleted meanwhile. */
  private recordPoll(sub: Subscription, events: NewEvent[], cursor: unknown, recoveredFromPollErrors: boolean): Promise<number> {
    const { storage, now } = this.deps;
    return storage.transaction(async (tx) => {
      // Events first: on PostgreSQL the insert must be the transaction's first write (ADR 0015).
      const stored = await tx.events.record(events, now());
      const state: Record<string, unknown> = { ...sub.state, cursor };
      delete state.erroredByPoller;
      const updated = await tx.subscriptions.update(sub.id, {
        state,
        consecutiveFailures: 0,
        ...(recoveredFromPollErrors ? { status: 'ACTIVE' as const, error: null } : {}),
      });
      if (!updated) throw new SubscriptionDeleted(sub.id);
      if (recoveredFromPollErrors) {
        await tx.deliveries.releaseHeld(sub.id, now());
        await tx.logs.add({ projectId: sub.projectId, subscriptionId: sub.id, at: now(), level: 'info', message: 'polling recovered; subscription active again' });
      }
      return stored.length;
    });
  }

  /**
   * A failed backstop sync: the subscription's notifications still work, so it neither counts toward
   * ERRORED nor backs off beyond the interval; a rate limit or a refused account is handled as for polls.
   */
  private async backstopFailed(sub: Subscription, err: unknown, interval: number): Promise<PollOutcome> {
    if (err instanceof ProviderError && (err.kind === 'rate_limited' || err.kind === 'auth')) return this.handleFailure(sub, err, interval);
    const message = err instanceof Error ? err.message : String(err);
    const { storage, now } = this.deps;
    await storage.logs.add({ projectId: sub.projectId, subscriptionId: sub.id, at: now(), level: 'warn', message: `backstop sync failed: ${message}` });
    await this.release(sub, now() + interval);
    return { kind: 'failed', error: message, errored: false };
  }

  private async handleFailure(sub: Subscription, err: unknown, interval: number): Promise<PollOutcome> {
    const { storage, now } = this.deps;
    const at = now();
    if (err instanceof ProviderError && err.kind === 'rate_limited') {
      // Slow the whole credential down: every subscription on it waits, and this is not an error.
      const until = at + (err.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS);
      if (sub.credentialId) await storage.credentials.update(sub.credentialId, { rateLimitedUntil: until });
      await storage.logs.add({ projectId: sub.projectId, subscriptionId: sub.id, at, level: 'info', message: `provider rate limit: polling paused until ${new Date(until).toISOString()}` });
      await this.release(sub, until);
      return { kind: 'rate_limited', until };
    }
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof ProviderError && err.kind === 'auth') {
      // The HTTP client already tried a token refresh; the provider still refuses: the account needs reconnecting.
      if (sub.credentialId) await this.deps.tokens.refusedByProvider(sub.credentialId, message);
      await this.release(sub, at + interval);
      return { kind: 'failed', error: message, errored: true };
    }
    const failures = sub.consecutiveFailures + 1;
    const errored = failures >= MAX_CONSECUTIVE_POLL_FAILURES;
    const backoff = Math.min(interval * 2 ** Math.min(failures, 6), MAX_BACKOFF_MS);
    await storage.subscriptions.update(sub.id, {
      consecutiveFailures: failures,
      ...(errored && sub.status !== 'ERRORED'
        ? { status: 'ERRORED' as const, error: `polling failed ${failures} times in a row; last error: ${message}`, state: { ...sub.state, erroredByPoller: true } }
        : {}),
    });
    await storage.logs.add({ projectId: sub.projectId, subscriptionId: sub.id, at, level: errored ? 'error' : 'warn', message: `poll failed (${failures} in a row): ${message}` });
    await this.release(sub, at + backoff);
    return { kind: 'failed', error: message, errored };
  }
}
