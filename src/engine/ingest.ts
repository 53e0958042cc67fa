// Inbound provider webhooks. Every request is verified on its raw bytes with the provider's scheme (data,
// run by the SDK's one verifier) before anything is stored; handshakes are answered; a provider's retry of
// the same delivery maps to the same dedupe key, so it never becomes a second event.
import {
  ProviderError,
  classifyInbound,
  detectHandshake,
  type AnyTriggerDefinition,
  type InboundDecision,
  type InboundRequest,
  type Item,
  type VerifiableRequest,
  type WebhookItems,
  type WebhookSource,
} from '../sdk/index.js';
import type { Metrics } from '../observability/metrics.js';
import type { Subscription } from '../storage/port.js';
import type { Catalog } from './catalog.js';
import { sourceContext, type EngineDeps } from './context.js';
import { countDetected, newEvents, recordAndAdvance } from './detected-events.js';
import { pendingHookKey, type PendingRegistration } from './registration.js';

export interface InboundResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Record<string, unknown>;
}

/** Provider calls made while mapping one inbound request (e.g. a sync that the notification announces). */
const INBOUND_TIMEOUT_MS = 30_000;

const ok = (body: Record<string, unknown> = { ok: true }): InboundResponse => ({ status: 200, body });
const reject = (status: number, message: string): InboundResponse => ({ status, body: { message } });

export interface IngestOptions {
  catalog: (projectId: string) => Promise<Catalog>;
  metrics?: Metrics;
}

export class Ingest {
  constructor(
    private readonly deps: EngineDeps,
    private readonly opts: IngestOptions,
  ) {}

  private verifiable(req: InboundRequest): VerifiableRequest {
    return { method: req.method, url: req.url, headers: req.headers, rawBody: req.rawBody, publicUrl: `${this.deps.publicUrl}${req.url}` };
  }

  /** POST {PUBLIC_URL}/hooks/s/{subscriptionId}: a provider webhook we registered for one subscription. */
  async subscriptionHook(subscriptionId: string, req: InboundRequest): Promise<InboundResponse> {
    const { storage } = this.deps;
    const found = await storage.subscriptions.getWithCredential(subscriptionId);
    if (!found) return this.pendingHandshake(subscriptionId, req);
    const { subscription: sub, credential } = found;
    const entry = (await this.opts.catalog(sub.projectId)).trigger(sub.triggerType);
    const source = entry?.trigger.source;
    if (!entry || source?.kind !== 'webhook') return reject(404, 'no webhook subscription here');
    if (source.keyHandover?.match(req)) return this.keyHandover(source, sub, credential, entry.integration, req);
    const decision = await this.classifySubscriptionHook(source, sub, req);
    if (decision.kind === 'handshake') {
      // A handshake that hands a secret over (Asana) belongs to a registration in progress — here, the
      // subscription being registered again by a renewal or check — and is answered only meanwhile.
      if (decision.response.captured?.hookSecret !== undefined) return this.pendingHandshake(subscriptionId, req);
      return { status: decision.response.status, headers: decision.response.headers, body: decision.response.body };
    }
    if (decision.kind === 'rejected') {
      this.count(sub.integration, 'rejected');
      return reject(401, `signature verification failed: ${decision.failure.detail}`);
    }
    let mapped: Item[] | WebhookItems;
    try {
      const ctx = sourceContext(this.deps, entry.integration, sub.projectId, credential, sub.parameters, INBOUND_TIMEOUT_MS);
      mapped = await source.toItems(req, Object.assign(ctx, { state: sub.state }));
    } catch (err) {
      return this.mappingFailed(sub, err);
    }
    const { items, state } = Array.isArray(mapped) ? { items: mapped, state: undefined } : mapped;
    // Item keys alone are the dedupe keys: a provider retry maps to the same keys, and so does a second
    // notification whose sync re-reads the same changes (a delivery-id prefix would make those differ).
    const stored = await this.record(entry.trigger, [sub], () => items, state);
    if (stored === 0 && items.length > 0) {
      this.deps.logger.debug({ subscriptionId: sub.id, deliveryId: source.deliveryId?.(req) }, 'inbound delivery already stored');
    }
    this.count(sub.integration, 'accepted');
    const ack = source.acknowledgement;
    return ack ? { status: 200, headers: { 'content-type': ack.contentType }, body: ack.body } : ok({ ok: true, events: stored });
  }

  /**
   * A signing key handed over in an unsigned request after registration (FreshBooks' verifier): the source
   * confirms it with the provider, which refuses a forged one; only then does it become the secret.
   */
  private async keyHandover(
    source: WebhookSource,
    sub: Subscription,
    credential: Parameters<typeof sourceContext>[3],
    integration: Parameters<typeof sourceContext>[1],
    req: InboundRequest,
  ): Promise<InboundResponse> {
    let accepted: { secret: string; state: Record<string, unknown> } | null;
    try {
      const ctx = sourceContext(this.deps, integration, sub.projectId, credential, sub.parameters, INBOUND_TIMEOUT_MS);
      accepted = await source.keyHandover!.accept(req, Object.assign(ctx, { state: sub.state }));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.deps.storage.logs.add({ projectId: sub.projectId, subscriptionId: sub.id, at: this.deps.now(), level: 'warn', message: `webhook key handover refused: ${message}` });
      this.count(sub.integration, 'rejected');
      if (err instanceof ProviderError && (err.kind === 'transient' || err.kind === 'rate_limited')) return reject(503, 'temporarily unable to confirm; retry later');
      return reject(401, 'key handover refused');
    }
    if (accepted === null) {
      this.count(sub.integration, 'rejected');
      return reject(409, 'no key handover expected');
    }
    await this.deps.storage.subscriptions.update(sub.id, { secret: accepted.secret, state: accepted.state });
    this.count(sub.integration, 'handshake');
    return ok();
  }

  /**
   * Verify with the subscription's secret, or with the app's key (the integration's current webhookSecret)
   * for sources that declare `appSigningKey`: read per request, so a rotated key applies at once.
   */
  private async classifySubscriptionHook(source: WebhookSource, sub: Subscription, req: InboundRequest): Promise<InboundDecision> {
    const request = this.verifiable(req);
    const now = this.deps.now();
    const own = sub.secret !== null ? { secret: sub.secret } : undefined;
    if (!source.appSigningKey) return classifyInbound(source, request, own, now);
    const appKey = (await this.deps.storage.integrationConfigs.get(sub.projectId, sub.integration))?.webhookSecret;
    const app = appKey ? { secret: appKey } : undefined;
    if (source.appSigningKey.required || own === undefined) return classifyInbound(source, request, app, now);
    if (app === undefined) return classifyInbound(source, request, own, now);
    const withApp = classifyInbound(source, request, app, now);
    // Not the app's key: the subscription may be signed with the key we chose (a Calendly personal token).
    return withApp.kind === 'rejected' ? classifyInbound(source, request, own, now) : withApp;
  }

  /**
   * While a registration runs (registration.ts): providers that verify the URL during our create call
   * (Asana's X-Hook-Secret, Microsoft Graph's validationToken) reach us before `register` returns — before
   * the subscription row exists, or while it still holds the previous secret. Only handshakes that need no
   * signature are answered, and only while the pending marker exists.
   */
  private async pendingHandshake(subscriptionId: string, req: InboundRequest): Promise<InboundResponse> {
    const key = pendingHookKey(subscriptionId);
    const raw = await this.deps.storage.meta.get(key);
    if (raw === null) return reject(404, 'no webhook subscription here');
    const pending = JSON.parse(raw) as PendingRegistration;
    const source = (await this.opts.catalog(pending.projectId)).trigger(pending.triggerType)?.trigger.source;
    if (source?.kind !== 'webhook') return reject(404, 'no webhook subscription here');
    const response = detectHandshake(source.handshakes ?? [], this.verifiable(req), 'beforeVerification');
    if (!response) return reject(404, 'no webhook subscription here');
    const hookSecret = response.captured?.hookSecret;
    if (hookSecret !== undefined) {
      // Only the first handshake while registration is in progress may set the secret.
      const captured = JSON.stringify({ ...pending, hookSecret } satisfies PendingRegistration);
      if (pending.hookSecret !== undefined || !(await this.deps.storage.meta.replace(key, raw, captured))) {
        return reject(409, 'handshake already answered');
      }
    }
    return { status: response.status, headers: response.headers, body: response.body };
  }

  /** POST {PUBLIC_URL}/hooks/app/{projectId}/{integration}: one app-wide URL, routed by provider account. */
  async appHook(projectId: string, integrationKey: string, req: InboundRequest): Promise<InboundResponse> {
    const { storage, now } = this.deps;
    const catalog = await this.opts.catalog(projectId);
    const integration = catalog.integration(integrationKey);
    const appWebhook = integration?.appWebhook;
    if (!integration || !appWebhook) return reject(404, 'no app webhook for this integration');
    const config = await storage.integrationConfigs.get(projectId, integrationKey);
    if (!config) return reject(404, 'integration is not configured for this project');
    const decision = classifyInbound(appWebhook, this.verifiable(req), config.webhookSecret !== null ? { secret: config.webhookSecret } : undefined, now());
    if (decision.kind === 'handshake') return { status: decision.response.status, headers: decision.response.headers, body: decision.response.body };
    if (decision.kind === 'rejected') {
      this.count(integrationKey, 'rejected');
      return reject(401, `signature verification failed: ${decision.failure.detail}`);
    }
    const appEvents = appWebhook.parse(req);
    let stored = 0;
    for (const event of appEvents) {
      const credentials = await storage.credentials.findByProviderAccount(projectId, integrationKey, event.providerAccountId);
      const valid = credentials.filter((c) => c.status === 'VALID').map((c) => c.id);
      if (valid.length === 0) continue;
      const subs = await storage.subscriptions.listForCredentials(valid);
      // Group by trigger so each trigger's match() and filters run once per subscription.
      const byType = new Map<string, Subscription[]>();
      for (const s of subs) {
        const list = byType.get(s.triggerType) ?? [];
        list.push(s);
        byType.set(s.triggerType, list);
      }
      const pollNow: string[] = [];
      for (const [type, group] of byType) {
        const trigger = catalog.trigger(type)?.trigger;
        const source = trigger?.source;
        if (source?.kind === 'poll' && source.pollOnAppEvent) {
          for (const s of group) if (s.nextPollAt !== null && source.pollOnAppEvent(event, s.parameters)) pollNow.push(s.id);
        }
        if (!trigger || source?.kind !== 'appWebhook') continue;
        stored += await this.record(trigger, group, (s) => source.match(event, s.parameters));
      }
      // The poller picks these up on its next tick (at most a second): the poll lease still guarantees
      // one poll of a subscription at a time.
      if (pollNow.length > 0) await storage.subscriptions.pollSoon(pollNow, now());
    }
    this.count(integrationKey, 'accepted');
    const ack = appWebhook.acknowledgement;
    if (ack) return { status: 200, headers: { 'content-type': ack.contentType }, body: ack.body };
    return appWebhook.emptyAcknowledgement ? { status: 200, body: '' } : ok({ ok: true, events: stored });
  }

  /** Store each subscription's items (after its parameter filters) in one transaction. */
  private async record(
    trigger: AnyTriggerDefinition,
    subs: Subscription[],
    itemsFor: (s: Subscription) => Item[],
    newState?: Record<string, unknown>,
  ): Promise<number> {
    const batch = newEvents(trigger, subs, itemsFor);
    if (batch.length === 0 && newState === undefined) return 0;
    const { storage, now } = this.deps;
    const [only] = subs;
    if (newState !== undefined && only && subs.length === 1) {
      const r = await recordAndAdvance(storage, only, batch, newState, now());
      if (!r.advanced) this.deps.logger.debug({ subscriptionId: only.id }, 'source state changed during this request; its sync position was not saved (the next sync re-reads)');
      countDetected(this.opts.metrics, only.integration, 'webhook', r.stored);
      return r.stored;
    }
    // Without a state change, events.record shares its transaction with concurrent requests (group commit).
    const stored = (await storage.events.record(batch, now())).length;
    countDetected(this.opts.metrics, subs[0]?.integration ?? '', 'webhook', stored);
    return stored;
  }

  private async mappingFailed(sub: Subscription, err: unknown): Promise<InboundResponse> {
    const message = err instanceof Error ? err.message : String(err);
    await this.deps.storage.logs.add({ projectId: sub.projectId, subscriptionId: sub.id, at: this.deps.now(), level: 'warn', message: `inbound event could not be processed: ${message}` });
    this.count(sub.integration, 'failed');
    // Transient: ask the provider to retry later (most do on 5xx), so nothing is lost.
    if (err instanceof ProviderError && (err.kind === 'transient' || err.kind === 'rate_limited')) return reject(503, 'temporarily unable to process; retry later');
    return reject(422, `could not process this event: ${message}`);
  }

  private count(integration: string, outcome: string) {
    this.opts.metrics?.inboundRequests.inc({ integration, outcome });
  }
}
