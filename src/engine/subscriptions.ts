// Subscription lifecycle: create (provider-side setup first: webhook registration or baseline poll),
// patch (parameters merge, override, re-activation), delete (provider teardown, best effort).
import { AppError, notFound } from '../errors.js';
import { ProviderError, type AnyTriggerDefinition, type Item, type Source, type WebhookSource } from '../sdk/index.js';
import type { Credential, Storage, Subscription, WebhookOverride } from '../storage/port.js';
import { resolveAndCheck, validateWebhookUrl } from '../delivery/ssrf.js';
import { firstBackstopAt } from './backstop.js';
import type { Catalog, CatalogEntry } from './catalog.js';
import { ProjectCatalogs } from './custom-triggers.js';
import { jitteredInterval, sourceContext, type EngineDeps } from './context.js';
import { registerWebhook } from './registration.js';
import { validateParameters } from './parameters.js';
import { providerErrorToAppError } from './provider-errors.js';

/** Renew expiring provider subscriptions this long before they lapse. */
export const RENEW_MARGIN_MS = 60 * 60_000;

/**
 * When to renew a provider subscription expiring at `expiresAt`: RENEW_MARGIN_MS before, but never
 * earlier than half its remaining life — a channel that lives one hour (Microsoft Graph on some
 * resources) would otherwise be due again the moment it was renewed.
 */
export function renewAtFor(expiresAt: number | undefined, now: number): number | null {
  if (expiresAt === undefined) return null;
  return expiresAt - Math.min(RENEW_MARGIN_MS, Math.max(0, Math.floor((expiresAt - now) / 2)));
}

/** How often a registration that does not expire is checked at the provider (`WebhookSource.check`). */
export const REGISTRATION_CHECK_MS = 60 * 60_000;

/**
 * How long the renewal pass holds a subscription it claimed (`renewAt` doubles as the lease, so a `renewAt`
 * less than this far ahead may be a renewal or check in progress).
 */
export const RENEW_LEASE_MS = 3 * 60_000;

/** What an operator's "sync now" made due (`SubscriptionService.syncSoon`). */
export interface SyncRequested {
  /** The earliest of the two. */
  dueAt: number;
  /** A poll, or a webhook subscription's backstop sync. */
  sync: boolean;
  /** A check of the provider-side registration, registering it again if it is gone or disabled. */
  registrationCheck: boolean;
}

/** A webhook registration that does not expire but can be checked: visited hourly instead of renewed (ADR 0018). */
export function checkedHourly<P>(source: Source<P>): source is WebhookSource<P> & Required<Pick<WebhookSource<P>, 'check'>> {
  return source.kind === 'webhook' && source.check !== undefined && source.renew === undefined;
}

/**
 * When the renewal pass next looks at a new registration: before it expires, or — for one that does not
 * expire but whose source can check it — one check interval from now; null: never.
 */
export function nextRenewalAt(source: Pick<WebhookSource, 'check'>, expiresAt: number | undefined, now: number): number | null {
  return renewAtFor(expiresAt, now) ?? (source.check ? now + REGISTRATION_CHECK_MS : null);
}

const SETUP_TIMEOUT_MS = 60_000;

export interface CreateSubscriptionInput {
  integration?: string;
  type: string;
  parameters?: Record<string, unknown>;
  webhookOverride?: WebhookOverride | null;
}

export interface PatchSubscriptionInput {
  /** null deletes a key */
  parameters?: Record<string, unknown>;
  webhookOverride?: WebhookOverride | null;
  status?: 'ACTIVE';
}

export class SubscriptionService {
  /** The built-in catalog plus each project's custom triggers, cached per project. */
  readonly catalogs: ProjectCatalogs;

  constructor(
    private readonly deps: EngineDeps,
    catalog: () => Catalog | Promise<Catalog>,
  ) {
    this.catalogs = new ProjectCatalogs(catalog, deps.storage, deps.logger);
  }

  private get storage(): Storage {
    return this.deps.storage;
  }

  async lookup(projectId: string, type: string, integration?: string): Promise<CatalogEntry> {
    const entry = (await this.catalogFor(projectId)).trigger(type);
    if (!entry) throw new AppError('VALIDATION_FAILED', `type: unknown trigger type ${type}`, { parameter: 'type' });
    if (integration !== undefined && entry.integration.key !== integration) {
      throw new AppError('VALIDATION_FAILED', `integration: trigger ${type} belongs to ${entry.integration.key}, not ${integration}`, { parameter: 'integration' });
    }
    return entry;
  }

  async catalogFor(projectId: string): Promise<Catalog> {
    return this.catalogs.get(projectId);
  }

  /** The credential a request acts with: X-Paragon-Credential, else the most recent valid one. */
  async resolveCredential(projectId: string, userId: string, integration: string, credentialId: string | undefined): Promise<Credential> {
    if (credentialId !== undefined) {
      const c = await this.storage.credentials.get(credentialId);
      if (!c || c.projectId !== projectId || c.userId !== userId) throw notFound('credential');
      if (c.integration !== integration) {
        throw new AppError('VALIDATION_FAILED', `X-Paragon-Credential: credential ${credentialId} belongs to ${c.integration}, not ${integration}`);
      }
      if (c.status !== 'VALID') throw new AppError('CREDENTIAL_INVALID', c.statusReason ?? 'the selected credential is not valid');
      return c;
    }
    const all = await this.storage.credentials.listForUser(projectId, userId, integration);
    const valid = all.find((c) => c.status === 'VALID');
    if (!valid) {
      throw new AppError('NO_CREDENTIAL', all.length > 0
        ? `the user's ${integration} account needs to be reconnected`
        : `the user has not connected ${integration}`);
    }
    return valid;
  }

  async checkWebhookUrl(url: string, field: string): Promise<void> {
    // With private addresses allowed there is no address to refuse, so only the URL's form is checked
    // (no DNS look-up that could fail on a host only the delivery network can resolve).
    const r = this.deps.allowPrivateWebhookUrls
      ? validateWebhookUrl(url, { allowPrivate: true })
      : await resolveAndCheck(url, { allowPrivate: false });
    if (!r.ok) throw new AppError('VALIDATION_FAILED', `${field}: ${r.reason}`, { parameter: field });
  }

  async create(projectId: string, userId: string, input: CreateSubscriptionInput, credentialHeader?: string): Promise<Subscription> {
    const { integration, trigger } = await this.lookup(projectId, input.type, input.integration);
    const params = validateParameters(trigger.parameters, input.parameters ?? {});
    if (input.webhookOverride?.url) await this.checkWebhookUrl(input.webhookOverride.url, 'webhookOverride.url');
    const credential = await this.resolveCredential(projectId, userId, integration.key, credentialHeader);
    const id = crypto.randomUUID();
    const now = this.deps.now();
    const base: Omit<Subscription, 'dateCreated' | 'dateLastReceivedEvent' | 'updatedAt' | 'consecutiveFailures'> = {
      id, projectId, userId, credentialId: credential.id, integration: integration.key, triggerType: trigger.type,
      parameters: params, webhookOverride: input.webhookOverride ?? null, status: 'ACTIVE', error: null,
      state: {}, secret: null, nextPollAt: null, renewAt: null,
    };
    const setup = await this.setUp(trigger, base, credential);
    const created = await this.storage.transaction(async (tx) => {
      const sub = await tx.subscriptions.create({ ...base, ...setup.fields });
      if (setup.baseline.length > 0) {
        await tx.events.record(setup.baseline.map((it) => ({ subscription: sub, dedupeKey: it.key, payload: it.payload })), now, { seenOnly: true });
      }
      await tx.logs.add({ projectId, subscriptionId: id, at: now, level: 'info', message: setup.log });
      return sub;
    });
    return created;
  }

  /** Provider-side setup; returns the fields to store and, for polling, the baseline items. */
  private async setUp(
    trigger: AnyTriggerDefinition,
    sub: Pick<Subscription, 'id' | 'projectId' | 'parameters'>,
    credential: Credential,
  ): Promise<{ fields: Partial<Subscription>; baseline: Item[]; log: string }> {
    const entry = await this.lookup(sub.projectId, trigger.type);
    const ctx = sourceContext(this.deps, entry.integration, sub.projectId, credential, sub.parameters, AbortSignal.timeout(SETUP_TIMEOUT_MS));
    const source = trigger.source;
    try {
      if (source.kind === 'poll') {
        const r = await source.poll({ ...ctx, cursor: null });
        return {
          fields: { state: { cursor: r.cursor }, nextPollAt: this.deps.now() + jitteredInterval(this.deps.pollIntervalSeconds) },
          baseline: r.items,
          log: `subscribed; baseline poll recorded ${r.items.length} existing item(s), none delivered`,
        };
      }
      if (source.kind === 'webhook') {
        const { registration: reg, secret } = await registerWebhook(this.deps, source, { ...sub, triggerType: trigger.type, integration: entry.integration.key }, ctx);
        return {
          fields: {
            state: reg.state,
            secret,
            renewAt: nextRenewalAt(source, reg.expiresAt, this.deps.now()),
            nextPollAt: firstBackstopAt(this.deps, source),
          },
          baseline: [],
          log: 'subscribed; provider webhook registered',
        };
      }
      return { fields: {}, baseline: [], log: 'subscribed; events arrive on the integration app webhook' };
    } catch (err) {
      // As when a poll is refused: the HTTP client already tried a new token, so the account needs reconnecting
      // (and no longer counts as available to this user).
      if (err instanceof ProviderError && err.kind === 'auth') await this.deps.tokens.refusedByProvider(credential.id, err.message);
      throw providerErrorToAppError(err, 'provider setup failed');
    }
  }

  async get(projectId: string, userId: string, id: string): Promise<Subscription> {
    const s = await this.storage.subscriptions.get(id);
    // Another user's or project's subscription is indistinguishable from a missing one.
    if (!s || s.projectId !== projectId || s.userId !== userId) throw notFound('trigger subscription');
    return s;
  }

  async patch(projectId: string, userId: string, id: string, input: PatchSubscriptionInput): Promise<Subscription> {
    const current = await this.get(projectId, userId, id);
    const { trigger } = await this.lookup(projectId, current.triggerType);
    const patch: Partial<Subscription> = {};
    let paramsChanged = false;
    if (input.parameters !== undefined) {
      // Shallow merge: a key set to null is deleted; arrays and objects replace the old value.
      const merged: Record<string, unknown> = { ...current.parameters };
      for (const [k, v] of Object.entries(input.parameters)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      patch.parameters = validateParameters(trigger.parameters, merged);
      paramsChanged = JSON.stringify(patch.parameters) !== JSON.stringify(current.parameters);
    }
    if (input.webhookOverride !== undefined) {
      if (input.webhookOverride?.url) await this.checkWebhookUrl(input.webhookOverride.url, 'webhookOverride.url');
      patch.webhookOverride = input.webhookOverride;
    }
    const reactivate = input.status === 'ACTIVE' && current.status === 'ERRORED';
    if (reactivate) {
      patch.status = 'ACTIVE';
      patch.error = null;
      patch.consecutiveFailures = 0;
    }
    let oldState: Subscription | null = null;
    if (paramsChanged && trigger.source.kind !== 'appWebhook') {
      // New parameters mean a new provider-side setup (another repository, another query): set up the
      // new one first, so a refusal leaves the subscription as it was, then tear the old one down.
      const credential = current.credentialId ? await this.storage.credentials.get(current.credentialId) : null;
      if (!credential) throw new AppError('NO_CREDENTIAL', 'the subscription has no connected account');
      const setup = await this.setUp(trigger, { ...current, parameters: patch.parameters ?? current.parameters }, credential);
      Object.assign(patch, { state: {}, secret: null, renewAt: null, nextPollAt: null }, setup.fields);
      oldState = current;
      await this.storage.transaction(async (tx) => {
        await tx.events.record(setup.baseline.map((it) => ({ subscription: current, dedupeKey: it.key, payload: it.payload })), this.deps.now(), { seenOnly: true });
      });
    }
    const updated = await this.storage.subscriptions.update(id, patch);
    if (!updated) throw notFound('trigger subscription');
    const now = this.deps.now();
    if (oldState && trigger.source.kind === 'webhook') {
      const warning = await this.tearDown(trigger.source, oldState);
      if (warning) await this.storage.logs.add({ projectId, subscriptionId: id, at: now, level: 'warn', message: warning });
    }
    if (reactivate) {
      const released = await this.storage.deliveries.releaseHeld(id, now);
      await this.storage.logs.add({ projectId, subscriptionId: id, at: now, level: 'info', message: `re-activated; ${released} held event(s) queued for delivery` });
    }
    if (paramsChanged) await this.storage.logs.add({ projectId, subscriptionId: id, at: now, level: 'info', message: 'parameters updated' });
    return updated;
  }

  async delete(projectId: string, userId: string, id: string): Promise<{ warning?: string }> {
    const s = await this.get(projectId, userId, id);
    return this.remove(s);
  }

  /**
   * Operator's "sync now" (admin API, dashboard), e.g. while looking into an event a user says is missing:
   * - a polling subscription's next poll, or a webhook subscription's next backstop sync, becomes due at
   *   once; the poller takes it within a second, under its usual lease, and what was already stored is not
   *   delivered again;
   * - a webhook registration that the renewal pass checks hourly (ADR 0018) is checked at its next run
   *   (30 s at most) instead of within the hour, so a hook deleted or disabled at the provider is
   *   registered again now. One already due within a renewal lease's length — possibly being checked or
   *   registered again right now — is left as it is: moving it would let a second renewer register a
   *   second hook.
   */
  async syncSoon(projectId: string, id: string): Promise<SyncRequested> {
    const s = await this.storage.subscriptions.get(id);
    if (!s || s.projectId !== projectId) throw notFound('trigger subscription');
    const source = (await this.catalogFor(projectId)).trigger(s.triggerType)?.trigger.source;
    const sync = s.nextPollAt !== null;
    const registrationCheck = source !== undefined && checkedHourly(source);
    if (!sync && !registrationCheck) {
      const why = this.deps.backstopSyncSeconds > 0 ? 'its events arrive only through the provider\'s webhooks' : 'its events arrive through the provider\'s webhooks and backstop syncs are off (OPENTRIGGERS_BACKSTOP_SYNC_SECONDS=0)';
      throw new AppError('CONFLICT', `this subscription cannot be synced: ${why}`);
    }
    const now = this.deps.now();
    const due: number[] = [];
    if (sync) {
      await this.storage.subscriptions.pollSoon([id], now);
      due.push(Math.min(s.nextPollAt!, now));
    }
    if (registrationCheck) {
      const moved = await this.storage.subscriptions.renewSoon(id, now, now + RENEW_LEASE_MS);
      due.push(moved ? now : Math.max(s.renewAt ?? now, now));
    }
    const asked = [sync && 'sync', registrationCheck && 'check of the provider webhook'].filter(Boolean).join(' and ');
    await this.storage.logs.add({ projectId, subscriptionId: id, at: now, level: 'info', message: `${asked} requested by an operator` });
    return { dueAt: Math.min(...due), sync, registrationCheck };
  }

  /** Tear a subscription down at the provider (best effort) and delete it. */
  async remove(s: Subscription): Promise<{ warning?: string }> {
    const entry = (await this.catalogFor(s.projectId)).trigger(s.triggerType);
    let warning: string | undefined;
    if (entry?.trigger.source.kind === 'webhook') warning = await this.tearDown(entry.trigger.source, s);
    await this.storage.subscriptions.delete(s.id, this.deps.now());
    return warning ? { warning } : {};
  }

  private async tearDown(source: WebhookSource<Record<string, unknown>>, s: Subscription): Promise<string | undefined> {
    try {
      const entry = await this.lookup(s.projectId, s.triggerType);
      const credential = s.credentialId ? await this.storage.credentials.get(s.credentialId) : null;
      if (!credential) return 'the connected account is gone, so the provider webhook could not be removed';
      const ctx = sourceContext(this.deps, entry.integration, s.projectId, credential, s.parameters, AbortSignal.timeout(SETUP_TIMEOUT_MS));
      await source.unregister({ ...ctx, state: s.state });
      return undefined;
    } catch (err) {
      return `provider teardown failed: ${(err as Error).message}`;
    }
  }
}
