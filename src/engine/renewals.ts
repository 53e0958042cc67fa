// Renewals (SPEC §5): keep provider-side subscriptions alive and OAuth access tokens fresh.
//
// (a) Expiring provider subscriptions (Google push channels, Microsoft Graph, Jira dynamic webhooks…)
//     are leased one at a time across processes (`claimDueRenewals`: renew_at doubles as the lease) and
//     extended through the trigger's `source.renew`; a provider 404 — or a source that cannot extend —
//     re-creates the subscription with `register` and a fresh secret. Repeated failures make the
//     subscription ERRORED with the last error; it keeps being retried slowly, because an ERRORED
//     subscription still detects and holds events (SPEC §4). Registrations that do not expire but can be
//     checked (GitHub hooks, Asana webhooks) are visited the same way every hour: one deleted or disabled
//     at the provider is registered again (ADR 0018).
// (b) OAuth access tokens about to expire are refreshed through the TokenManager, which is single-flight
//     per credential in-process and across processes, and marks a refused refresh INVALID.
import { ProviderError, type AnyTriggerDefinition, type IntegrationDefinition, type SourceContext, type WebhookSource } from '../sdk/index.js';
import type { Metrics } from '../observability/metrics.js';
import type { Credential, Subscription } from '../storage/port.js';
import type { Catalog } from './catalog.js';
import { sourceContext, type EngineDeps } from './context.js';
import { countDetected, newEvents } from './detected-events.js';
import { registerWebhook } from './registration.js';
import { PeriodicPass } from './periodic-pass.js';
import { REGISTRATION_CHECK_MS, RENEW_LEASE_MS, checkedHourly, nextRenewalAt, renewAtFor } from './subscriptions.js';
import { REFRESH_MARGIN_MS } from './tokens.js';
import { credentialAuthKind, oauth2Of } from './auth-kinds.js';

/** A renewal taking longer than this is aborted; the lease (RENEW_LEASE_MS) is longer so it never lapses under a run. */
const RENEW_TIMEOUT_MS = 60_000;
/** Waits after the 1st, 2nd, … consecutive failure; about 40 minutes in all, inside the 60-minute margin. */
export const RENEW_BACKOFF_MS = [60_000, 2 * 60_000, 5 * 60_000, 10 * 60_000, 20 * 60_000];
/** This many failed renewals in a row make the subscription ERRORED. */
export const MAX_RENEW_FAILURES = 5;
/** How often an ERRORED or credential-less renewal is tried again. */
const SLOW_RETRY_MS = 60 * 60_000;
const DEFAULT_RATE_LIMIT_PAUSE_MS = 60_000;
/** Claims of one pass at most (each of `batch` rows). */
const MAX_CLAIMS_PER_PASS = 20;
const MAX_REFRESH_BACKOFF_MS = 30 * 60_000;
/** OAuth states are kept a day past expiry so a late callback still gets a readable "expired" answer. */
const OAUTH_STATE_RETENTION_MS = 24 * 60 * 60_000;

const RECREATED_MESSAGES: Record<RecreateReason, string> = {
  'expiring': 'provider subscription re-created before expiry',
  'gone-on-renew': 'the provider no longer knew this subscription (404 on renew); re-created it with a new secret',
  'gone': 'the webhook was deleted at the provider (found by the hourly check); registered it again with a new secret',
  'inactive': 'the provider had disabled this webhook; removed it and registered a new one with a new secret',
};

export interface RenewalsOptions {
  catalog: (projectId: string) => Promise<Catalog>;
  metrics?: Metrics;
  /** Pause between runs of the timer loop (default 30 s; well under the 5-minute token refresh margin). */
  intervalMs?: number;
  /** Rows claimed per run. */
  batch?: number;
  /** Renewals / refreshes running at once in this process. */
  concurrency?: number;
}

export type RenewOutcome = 'renewed' | 'checked' | 'recreated' | 'failed' | 'errored' | 'rate_limited' | 'skipped' | 'lost';

/** Why a provider registration is registered again. */
type RecreateReason = 'expiring' | 'gone-on-renew' | 'gone' | 'inactive';

export interface RenewalsReport {
  subscriptions: Partial<Record<RenewOutcome, number>>;
  tokens: { refreshed: number; failed: number; skipped: number };
}

async function inPool<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

export class Renewals {
  private readonly periodic: PeriodicPass<RenewalsReport>;
  private readonly abort = new AbortController();
  /** Per-process backoff of credentials whose refresh failed without invalidating them (e.g. a 5xx). */
  private readonly refreshBackoff = new Map<string, { until: number; failures: number }>();
  private readonly batch: number;
  private readonly concurrency: number;

  constructor(
    private readonly deps: EngineDeps,
    private readonly opts: RenewalsOptions,
  ) {
    this.batch = opts.batch ?? 50;
    this.concurrency = opts.concurrency ?? 4;
    this.periodic = new PeriodicPass(() => this.pass(), opts.intervalMs ?? 30_000, (err) => this.deps.logger.error({ err }, 'renewals run failed'));
  }

  start(): void {
    this.periodic.start();
  }

  /** Stop the timer, abort provider calls in flight and wait for the current run to settle. */
  async stop(): Promise<void> {
    const stopping = this.periodic.stop();
    this.abort.abort();
    await stopping;
  }

  /** One pass: due subscription renewals, expiring tokens, housekeeping. Concurrent calls share a pass. */
  runOnce(): Promise<RenewalsReport> {
    return this.periodic.runOnce();
  }

  private async pass(): Promise<RenewalsReport> {
    const report: RenewalsReport = { subscriptions: {}, tokens: { refreshed: 0, failed: 0, skipped: 0 } };
    const { storage, now } = this.deps;
    // Claim again while batches come back full: hourly registration checks of many subscriptions must not
    // wait a whole pause per batch. Bounded, so rows that come due again at once cannot spin the pass.
    for (let round = 0; round < MAX_CLAIMS_PER_PASS; round++) {
      const leaseUntil = now() + RENEW_LEASE_MS;
      const due = await storage.subscriptions.claimDueRenewals(now(), leaseUntil, this.batch);
      await inPool(due, this.concurrency, async (sub) => {
        const outcome = await this.renewOne(sub, leaseUntil).catch((err: unknown) => {
          this.deps.logger.error({ err, subscriptionId: sub.id }, 'renewal crashed; the lease will expire and it will be retried');
          return 'failed' as const;
        });
        report.subscriptions[outcome] = (report.subscriptions[outcome] ?? 0) + 1;
        this.opts.metrics?.renewals.inc({ outcome });
      });
      if (due.length < this.batch || this.periodic.stopped) break;
    }
    if (this.periodic.stopped) return report;
    await this.refreshTokens(report);
    await storage.oauthStates.deleteExpired(now() - OAUTH_STATE_RETENTION_MS);
    return report;
  }

  // ── (a) provider subscriptions ──────────────────────────────────────────────────────────────────────
  private async renewOne(sub: Subscription, leaseUntil: number): Promise<RenewOutcome> {
    const { storage, now } = this.deps;
    const finish = (patch: Parameters<typeof storage.subscriptions.finishRenewal>[2]) => storage.subscriptions.finishRenewal(sub.id, leaseUntil, patch);
    const entry = (await this.opts.catalog(sub.projectId)).trigger(sub.triggerType);
    const source = entry?.trigger.source;
    if (!entry || source?.kind !== 'webhook') {
      // The trigger left the catalog or is not a per-subscription webhook: nothing to renew any more.
      await finish({ renewAt: null });
      return 'skipped';
    }
    const credential = sub.credentialId ? await storage.credentials.get(sub.credentialId) : null;
    if (!credential || credential.status !== 'VALID') {
      // Invalid credentials already made the subscription ERRORED with a reconnect message; after a
      // reconnect the renewal (or a 404 → re-create) succeeds again.
      await finish({ renewAt: now() + SLOW_RETRY_MS });
      return 'skipped';
    }
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(RENEW_TIMEOUT_MS)]);
    const ctx = sourceContext(this.deps, entry.integration, sub.projectId, credential, sub.parameters, signal);
    try {
      if (checkedHourly(source)) {
        const status = await source.check({ ...ctx, state: sub.state });
        if (status !== 'active') return await this.recreate(sub, entry.trigger, source, ctx, leaseUntil, status);
        return (await finish({ renewAt: now() + REGISTRATION_CHECK_MS, consecutiveFailures: 0 })) ? 'checked' : 'lost';
      }
      if (source.renew) {
        try {
          const reg = await source.renew({ ...ctx, state: sub.state });
          const applied = await finish({
            state: reg.state,
            ...(reg.secret !== undefined ? { secret: reg.secret } : {}),
            renewAt: renewAtFor(reg.expiresAt, now()),
            consecutiveFailures: 0,
          });
          if (!applied) return 'lost';
          await this.log(sub, 'info', `provider subscription renewed${reg.expiresAt !== undefined ? ` until ${new Date(reg.expiresAt).toISOString()}` : ''}`);
          return 'renewed';
        } catch (err) {
          if (!(err instanceof ProviderError && err.status === 404)) throw err;
        }
      }
      return await this.recreate(sub, entry.trigger, source, ctx, leaseUntil, source.renew ? 'gone-on-renew' : 'expiring');
    } catch (err) {
      return this.failed(sub, credential, err, leaseUntil, entry.integration);
    }
  }

  /**
   * Register the provider subscription again with a fresh secret: when it is gone (404 on renew, or a
   * check found it deleted), disabled at the provider, or expiring for a source that cannot extend one. An
   * expiring registration is removed once the new one exists (no gap); a disabled one first, since it
   * delivers nothing and providers refuse a second hook to the same URL (GitHub: "Hook already exists").
   */
  private async recreate(
    sub: Subscription,
    trigger: AnyTriggerDefinition,
    source: WebhookSource<Record<string, unknown>>,
    ctx: SourceContext<Record<string, unknown>>,
    leaseUntil: number,
    reason: RecreateReason,
  ): Promise<RenewOutcome> {
    const gone = reason === 'gone' || reason === 'gone-on-renew';
    const { storage, now } = this.deps;
    if (reason === 'inactive') await source.unregister({ ...ctx, state: sub.state });
    const { registration: reg, secret } = await registerWebhook(this.deps, source, sub, ctx);
    const applied = await storage.subscriptions.finishRenewal(sub.id, leaseUntil, {
      state: reg.state,
      secret,
      renewAt: nextRenewalAt(source, reg.expiresAt, now()),
      consecutiveFailures: 0,
    });
    if (!applied) {
      // Deleted or re-set-up meanwhile: do not leave our new registration behind at the provider.
      await source.unregister({ ...ctx, state: reg.state }).catch(() => undefined);
      return 'lost';
    }
    if (reason === 'expiring') {
      await source.unregister({ ...ctx, state: sub.state }).catch((err: unknown) =>
        this.log(sub, 'warn', `the previous provider subscription could not be removed: ${(err as Error).message}`));
    }
    const unrecoverable = gone && !source.catchUp ? '; events from while it was missing were not sent by the provider and cannot be recovered' : '';
    await this.log(sub, reason === 'expiring' ? 'info' : 'warn', RECREATED_MESSAGES[reason] + unrecoverable);
    if (gone && source.catchUp) await this.catchUpGap(sub, trigger, source, ctx);
    return 'recreated';
  }

  /**
   * The provider had dropped the subscription: nothing that happened between its last notification and the
   * new registration was announced. A source that can list changes from its stored cursor reads them with
   * the old state; the new registration's baseline starts now, and what is read twice is deduplicated by
   * key. A failure here leaves the new registration in place and is logged on the subscription.
   */
  private async catchUpGap(
    sub: Subscription,
    trigger: AnyTriggerDefinition,
    source: WebhookSource<Record<string, unknown>>,
    ctx: SourceContext<Record<string, unknown>>,
  ): Promise<void> {
    try {
      const caught = await source.catchUp!({ ...ctx, state: sub.state });
      const stored = (await this.deps.storage.events.record(newEvents(trigger, [sub], () => caught.items), this.deps.now())).length;
      countDetected(this.opts.metrics, sub.integration, 'catch_up', stored);
      if (stored > 0) await this.log(sub, 'info', `caught up ${stored} event(s) from while the provider subscription was gone`);
    } catch (err) {
      await this.log(sub, 'warn', `events from while the provider subscription was gone could not be read: ${(err as Error).message}`);
    }
  }

  private async failed(sub: Subscription, credential: Credential, err: unknown, leaseUntil: number, integration: IntegrationDefinition): Promise<RenewOutcome> {
    const { storage, now, logger } = this.deps;
    const finish = (patch: Parameters<typeof storage.subscriptions.finishRenewal>[2]) => storage.subscriptions.finishRenewal(sub.id, leaseUntil, patch);
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof ProviderError && err.kind === 'rate_limited') {
      // Not an error (SPEC §5): slow the credential down and come back after the provider's pause.
      const until = now() + Math.max(err.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS, 1000);
      await storage.credentials.update(credential.id, { rateLimitedUntil: until });
      await finish({ renewAt: until });
      return 'rate_limited';
    }
    const after = await storage.credentials.get(credential.id);
    if (!after || after.status !== 'VALID') {
      // The token refresh was refused during this call: the credential and its subscriptions are already
      // marked (with the reconnect message, which a reconnect looks for); do not overwrite that error.
      await finish({ renewAt: now() + SLOW_RETRY_MS });
      return 'failed';
    }
    if (err instanceof ProviderError && err.kind === 'auth' && credentialAuthKind(integration, after) === 'apiKey') {
      // The provider refused an API key: no refresh can help (ADR 0029) and retrying will not either. Mark the
      // credential INVALID, as the poller does, which makes its subscriptions ERRORED with the reason.
      await this.deps.tokens.invalidate(after, `The provider refused the API key (${message}); store a new key for the account.`);
      await finish({ renewAt: now() + SLOW_RETRY_MS });
      return 'errored';
    }
    const failures = sub.consecutiveFailures + 1;
    if (failures >= MAX_RENEW_FAILURES) {
      const reason = `Renewing the provider subscription failed ${failures} times in a row; last error: ${message}`;
      await finish({ status: 'ERRORED', error: reason, consecutiveFailures: failures, renewAt: now() + SLOW_RETRY_MS });
      await this.log(sub, 'error', reason);
      logger.warn({ subscriptionId: sub.id, projectId: sub.projectId, integration: sub.integration, failures, reason: message }, 'provider subscription renewal keeps failing; subscription ERRORED');
      return 'errored';
    }
    const wait = RENEW_BACKOFF_MS[Math.min(failures, RENEW_BACKOFF_MS.length) - 1] ?? SLOW_RETRY_MS;
    await finish({ consecutiveFailures: failures, renewAt: now() + wait });
    await this.log(sub, 'warn', `renewing the provider subscription failed (attempt ${failures} of ${MAX_RENEW_FAILURES}), retrying in ${Math.round(wait / 1000)} s: ${message}`);
    return 'failed';
  }

  private async log(sub: Subscription, level: 'info' | 'warn' | 'error', message: string): Promise<void> {
    await this.deps.storage.logs.add({ projectId: sub.projectId, subscriptionId: sub.id, at: this.deps.now(), level, message });
  }

  // ── (b) OAuth tokens ────────────────────────────────────────────────────────────────────────────────
  private async refreshTokens(report: RenewalsReport): Promise<void> {
    const { storage, now, tokens, logger } = this.deps;
    const due = await storage.credentials.listExpiringBefore(now() + REFRESH_MARGIN_MS, this.batch * 4);
    await inPool(due, this.concurrency, async (c) => {
      if (this.periodic.stopped) return;
      const backoff = this.refreshBackoff.get(c.id);
      const integration = (await this.opts.catalog(c.projectId)).integration(c.integration);
      // Tokens given without a refresh token cannot be renewed: leave them alone until they lapse (then
      // the TokenManager marks the credential INVALID with a reconnect message).
      const lapsed = c.expiresAt !== null && c.expiresAt <= now();
      if ((backoff && backoff.until > now()) || !integration || !oauth2Of(integration) || (!c.secrets.refreshToken && !lapsed)) {
        report.tokens.skipped++;
        return;
      }
      try {
        const config = await storage.integrationConfigs.get(c.projectId, c.integration);
        await tokens.refresh(integration, c, config);
        this.refreshBackoff.delete(c.id);
        report.tokens.refreshed++;
      } catch (err) {
        report.tokens.failed++;
        const failures = (backoff?.failures ?? 0) + 1;
        this.refreshBackoff.set(c.id, { failures, until: now() + Math.min(60_000 * 2 ** (failures - 1), MAX_REFRESH_BACKOFF_MS) });
        // Only the reason: error messages built by the TokenManager never carry a token.
        logger.warn({ credentialId: c.id, projectId: c.projectId, integration: c.integration, reason: (err as Error).message }, 'token refresh failed');
      }
    });
  }
}

/**
 * Registrations that can be checked but have no renewal schedule (made before checks existed) get their
 * first check spread over one interval.
 */
export async function scheduleRegistrationChecks(deps: Pick<EngineDeps, 'now' | 'storage'>, catalog: Catalog): Promise<number> {
  const types = catalog.triggers().filter((t) => checkedHourly(t.source)).map((t) => t.type);
  return deps.storage.subscriptions.scheduleUnscheduled('renewal', types, deps.now(), REGISTRATION_CHECK_MS);
}
