// The storage port: the only storage surface the engine, delivery and HTTP layers see. One implementation
// (storage/sql) serves both dialects through Kysely; dialect differences (row locking, wake-ups) stay
// inside it (RepoContext.dialect, storage/sqlite, storage/postgres). Secrets are sealed and opened there,
// so callers only ever handle plaintext in memory and ciphertext never leaves the store.

export type SubscriptionStatus = 'ACTIVE' | 'ERRORED';
export type CredentialStatus = 'VALID' | 'INVALID';
/** SEEN: an item found by a baseline poll; stored only so it is never emitted, never delivered or listed. */
export type EventStatus = 'PENDING' | 'HELD' | 'DELIVERED' | 'FAILED' | 'SEEN';
export type DeliveryStatus = 'PENDING' | 'SENDING' | 'HELD' | 'SUCCEEDED' | 'FAILED';

/**
 * Why a deleted subscription's undelivered events end FAILED — written by storage when it is deleted, and
 * by the delivery worker for an attempt that was in flight then.
 */
export const SUBSCRIPTION_DELETED = 'the subscription was deleted before this event was delivered';

export interface Project {
  id: string;
  name: string;
  webhookUrl: string | null;
  signingSecret: string;
  previousSigningSecret: string | null;
  previousSecretExpiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface SigningKey {
  id: string;
  projectId: string;
  publicKey: string;
  algorithm: string;
  createdAt: number;
}

export interface IntegrationConfig {
  projectId: string;
  integration: string;
  enabled: boolean;
  clientId: string | null;
  clientSecret: string | null;
  webhookSecret: string | null;
  scopes: string[] | null;
  apiBaseUrl: string | null;
  authorizationUrl: string | null;
  tokenUrl: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface ConnectedUser {
  projectId: string;
  id: string;
  createdAt: number;
  lastSeenAt: number;
}

/** What a credential holds; sealed as one JSON document. */
export interface CredentialSecrets {
  accessToken?: string;
  refreshToken?: string;
  apiKey?: string;
  /** A client-credentials account's client (ClientCredentialsAuth): exchanged for the access token. */
  clientId?: string;
  clientSecret?: string;
  /** Provider-specific extras kept with the secret (e.g. Salesforce instance_url, Jira cloud id). */
  extra?: Record<string, unknown>;
}

export interface Credential {
  id: string;
  projectId: string;
  userId: string;
  integration: string;
  providerAccountId: string | null;
  status: CredentialStatus;
  statusReason: string | null;
  secrets: CredentialSecrets;
  keyId: string;
  expiresAt: number | null;
  rateLimitedUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface WebhookOverride {
  url: string;
  headers?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

export interface Subscription {
  id: string;
  projectId: string;
  userId: string;
  credentialId: string | null;
  integration: string;
  triggerType: string;
  parameters: Record<string, unknown>;
  webhookOverride: WebhookOverride | null;
  status: SubscriptionStatus;
  error: string | null;
  /** Engine-owned source state: polling cursor, provider webhook id, channel expiry, … */
  state: Record<string, unknown>;
  /** Per-subscription inbound secret (sealed at rest). */
  secret: string | null;
  dateCreated: number;
  dateLastReceivedEvent: number | null;
  nextPollAt: number | null;
  consecutiveFailures: number;
  renewAt: number | null;
  updatedAt: number;
}

export interface StoredEvent {
  seq: number;
  id: string;
  projectId: string;
  userId: string;
  subscriptionId: string;
  credentialId: string | null;
  integration: string;
  triggerType: string;
  dedupeKey: string;
  payload: unknown;
  status: EventStatus;
  dateReceived: number;
  deliveredAt: number | null;
}

export interface NewEvent {
  /** With webhookOverride when the caller has it: only then can the delivery go straight to a local worker. */
  subscription: Pick<Subscription, 'id' | 'projectId' | 'userId' | 'credentialId' | 'integration' | 'triggerType' | 'status'> &
    Partial<Pick<Subscription, 'webhookOverride'>>;
  dedupeKey: string;
  payload: unknown;
}

export interface Delivery {
  id: string;
  eventId: string;
  projectId: string;
  subscriptionId: string;
  status: DeliveryStatus;
  attemptCount: number;
  runAt: number;
  leaseOwner: string | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Attempt {
  id: number;
  deliveryId: string;
  eventId: string;
  projectId: string;
  attemptNumber: number;
  startedAt: number;
  url: string;
  statusCode: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
  outcome: 'succeeded' | 'retry' | 'failed';
}

export interface SubscriptionLogLine {
  id: number;
  projectId: string;
  subscriptionId: string;
  at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface OauthState {
  id: string;
  projectId: string;
  userId: string;
  integration: string;
  redirectUrl: string;
  codeVerifier: string;
  /** The account parameters given to the connect call (Shopify's `shop`), checked; `{}` when none. */
  accountValues: Record<string, string>;
  expiresAt: number;
  usedAt: number | null;
  createdAt: number;
}

export interface CustomTrigger {
  id: string;
  projectId: string;
  integration: string;
  type: string;
  definition: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface EventFilter {
  projectId: string;
  userId?: string;
  integration?: string;
  triggerType?: string;
  subscriptionId?: string;
  status?: EventStatus;
  eventId?: string;
  from?: number;
  to?: number;
  /** events with seq < beforeSeq (newest first pagination) */
  beforeSeq?: number;
  limit: number;
}

export interface SubscriptionFilter {
  projectId: string;
  userId?: string;
  integrations?: string[];
  status?: SubscriptionStatus;
  triggerType?: string;
  credentialId?: string;
}

/** What storage needs of the process's own delivery worker to hand it new deliveries (attachLocalWorker). */
export interface LocalDeliveryWorker {
  /** Lease owner written on the handed-over rows. */
  readonly owner: string;
  /** How long a handed-over delivery stays leased. */
  readonly leaseMs: number;
  /** How many more deliveries it takes now (0: queue them for a claim as usual). */
  room(): number;
  /** After the commit: the deliveries leased to it. */
  take(claimed: ClaimedDelivery[]): void;
}

/** A delivery claimed by a worker, joined with everything needed to send it without further reads. */
export interface ClaimedDelivery {
  delivery: Delivery;
  event: StoredEvent;
  subscription: Pick<Subscription, 'id' | 'status' | 'webhookOverride'> | null;
  /**
   * The event's payload exactly as stored (JSON text), when at hand: the envelope embeds it instead of
   * serialising the payload a second time.
   */
  payloadJson?: string;
}

export interface DeliveryOutcome {
  /** The delivery as claimed (its lease owner and attempt count at claim time). */
  claimed: Delivery;
  /** The try that was made; absent when none was (held, or a claim handed back unsent). */
  attempt?: Pick<Attempt, 'startedAt' | 'url' | 'statusCode' | 'latencyMs' | 'responseExcerpt' | 'error' | 'outcome'>;
  /**
   * succeeded → done; retry → PENDING again at runAt (without `attempt`: handed back unsent); failed →
   * FAILED (exhausted or permanent) and the subscription ERRORED with `reason`; held → parked until the
   * subscription is re-activated, or PENDING at once if it already was (re-checked at completion).
   */
  next: { kind: 'succeeded' } | { kind: 'retry'; runAt: number } | { kind: 'failed'; reason: string } | { kind: 'held' };
}

export interface Storage {
  readonly dialect: 'sqlite' | 'postgres';
  /** Run fn inside one transaction; repositories on `tx` see and write within it. */
  transaction<T>(fn: (tx: Storage) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Wake-ups for delivery workers: fired after a commit that made deliveries due, in this process and
   * (PostgreSQL, via LISTEN/NOTIFY) in every other process sharing the database.
   */
  onDeliveriesQueued(listener: () => void): () => void;
  /**
   * Fired after a commit that stored new (not SEEN) events, whether their deliveries were queued or handed
   * straight to a local worker: what pull/stream consumers wait for. Same reach as onDeliveriesQueued.
   */
  onEventsStored(listener: () => void): () => void;
  /**
   * Attach this process's delivery worker: deliveries of events that inbound requests store outside a
   * transaction are then leased to it in the same insert and handed over after the commit, instead of
   * being queued for a claim (one transaction and a read-back fewer per batch). A crash before they are
   * sent leaves them leased; the lease expires and any worker claims them (at least once, never lost).
   */
  attachLocalWorker(worker: LocalDeliveryWorker): () => void;

  meta: {
    get(key: string): Promise<string | null>;
    /** Insert if absent; returns true when this call set it (first writer wins across processes). */
    setIfAbsent(key: string, value: string): Promise<boolean>;
    set(key: string, value: string): Promise<void>;
    /** Set only when the key exists with `expected` (compare-and-set); true when this call changed it. */
    replace(key: string, expected: string, value: string): Promise<boolean>;
    delete(key: string): Promise<void>;
  };

  projects: {
    create(p: { name: string; webhookUrl: string | null; signingSecret: string }): Promise<Project>;
    get(id: string): Promise<Project | null>;
    list(): Promise<Project[]>;
    update(id: string, patch: Partial<Pick<Project, 'name' | 'webhookUrl' | 'signingSecret' | 'previousSigningSecret' | 'previousSecretExpiresAt'>>): Promise<Project | null>;
    delete(id: string): Promise<boolean>;
  };

  signingKeys: {
    create(k: { projectId: string; publicKey: string; algorithm: string }): Promise<SigningKey>;
    list(projectId: string): Promise<SigningKey[]>;
    delete(projectId: string, id: string): Promise<boolean>;
  };

  integrationConfigs: {
    upsert(c: Omit<IntegrationConfig, 'createdAt' | 'updatedAt'>): Promise<IntegrationConfig>;
    get(projectId: string, integration: string): Promise<IntegrationConfig | null>;
    list(projectId: string): Promise<IntegrationConfig[]>;
  };

  users: {
    /** Create on first sight; refresh last_seen_at at most once a minute. */
    touch(projectId: string, userId: string): Promise<void>;
    get(projectId: string, userId: string): Promise<ConnectedUser | null>;
    list(projectId: string, q: { search?: string; afterId?: string; limit: number }): Promise<ConnectedUser[]>;
    delete(projectId: string, userId: string): Promise<boolean>;
  };

  credentials: {
    create(c: {
      projectId: string; userId: string; integration: string; providerAccountId: string | null;
      secrets: CredentialSecrets; expiresAt: number | null;
    }): Promise<Credential>;
    get(id: string): Promise<Credential | null>;
    listForUser(projectId: string, userId: string, integration?: string): Promise<Credential[]>;
    findByProviderAccount(projectId: string, integration: string, providerAccountId: string): Promise<Credential[]>;
    update(id: string, patch: Partial<Pick<Credential, 'secrets' | 'expiresAt' | 'status' | 'statusReason' | 'providerAccountId' | 'rateLimitedUntil'>>): Promise<Credential | null>;
    delete(id: string): Promise<boolean>;
    /** Cross-process single-flight: true when this caller now holds the refresh lock until `until`. */
    tryLockRefresh(id: string, now: number, until: number): Promise<boolean>;
    unlockRefresh(id: string): Promise<void>;
    listExpiringBefore(at: number, limit: number): Promise<Credential[]>;
  };

  subscriptions: {
    create(s: Omit<Subscription, 'id' | 'dateCreated' | 'dateLastReceivedEvent' | 'updatedAt' | 'consecutiveFailures'> & { id?: string }): Promise<Subscription>;
    get(id: string): Promise<Subscription | null>;
    /** The subscription and its credential in one read (the inbound webhook path needs both). */
    getWithCredential(id: string): Promise<{ subscription: Subscription; credential: Credential | null } | null>;
    list(f: SubscriptionFilter): Promise<Subscription[]>;
    update(id: string, patch: Partial<Omit<Subscription, 'id' | 'projectId' | 'userId' | 'dateCreated'>>): Promise<Subscription | null>;
    /**
     * Delete a subscription; its events stay in the event log. Deliveries still to run (PENDING, HELD) end
     * FAILED with SUBSCRIPTION_DELETED: nothing more is sent for it. Its dedupe markers (SEEN events) now
     * stop nothing — subscription ids are never reused — so it is remembered as deleted at `now` until
     * `events.purgeDeletedSubscription` has deleted them (ADR 0016).
     */
    delete(id: string, now: number): Promise<boolean>;
    /** Lease up to `limit` polling subscriptions due at `now` until `leaseUntil`; each is returned to one caller only. */
    claimDuePolls(now: number, leaseUntil: number, limit: number): Promise<Subscription[]>;
    /** End a poll's lease; `nextPollAt` null takes the subscription off the poll schedule. */
    releasePoll(id: string, nextPollAt: number | null): Promise<void>;
    /**
     * Give every subscription of these trigger types that has no `poll` (nextPollAt) or `renewal`
     * (renewAt) schedule one, each at a random time in [from, from + spreadMs) so a first pass over many
     * does not reach providers all at once; returns how many were scheduled. (Backstop syncs ride the poll
     * schedule, registration checks the renewal one.)
     */
    scheduleUnscheduled(schedule: 'poll' | 'renewal', triggerTypes: readonly string[], from: number, spreadMs: number): Promise<number>;
    /** Make these polling subscriptions due at `now` (an app event said their account changed). */
    pollSoon(ids: string[], now: number): Promise<void>;
    /**
     * Make this subscription's renewal (or registration check) due at `now`, unless it is already due
     * before `unlessDueBefore` — which includes a renewal in progress, whose lease lives in `renewAt` too.
     * True when it was moved; a subscription off the renewal schedule (`renewAt` null) is put on it.
     */
    renewSoon(id: string, now: number, unlessDueBefore: number): Promise<boolean>;
    listDueRenewals(now: number, limit: number): Promise<Subscription[]>;
    /**
     * Lease up to `limit` subscriptions whose provider-side renewal is due (`renewAt <= now`): their
     * `renewAt` moves to `leaseUntil`, so no other caller sees them until the lease lapses (a crashed
     * renewer's row comes back by itself). Each row goes to one caller only (SKIP LOCKED on PostgreSQL).
     */
    claimDueRenewals(now: number, leaseUntil: number, limit: number): Promise<Subscription[]>;
    /**
     * Finish a renewal claimed with `leaseUntil`: apply `patch` only if the row still carries that lease
     * (a re-setup by PATCH or a later claim wins over a slow renewer); true when applied.
     */
    finishRenewal(id: string, leaseUntil: number, patch: Partial<Pick<Subscription, 'state' | 'secret' | 'renewAt' | 'status' | 'error' | 'consecutiveFailures'>>): Promise<boolean>;
    /**
     * Set the source state to `next` only if it is still `expected` (compare and set); true when applied.
     * For writers that derived `next` from what they read (a sync cursor) while a renewal may replace it.
     */
    replaceState(id: string, expected: Record<string, unknown>, next: Record<string, unknown>): Promise<boolean>;
    /** Every subscription using one of these credentials (app-webhook fan-out), in one round trip per chunk. */
    listForCredentials(credentialIds: string[]): Promise<Subscription[]>;
    countByUser(projectId: string, userIds: string[]): Promise<Array<{ userId: string; status: SubscriptionStatus; count: number }>>;
  };

  events: {
    /**
     * Store events and their outbox deliveries in one transaction. Duplicates (same subscription and
     * dedupe key) are skipped; returns only the events that were new. Events of an ERRORED subscription
     * are stored HELD and wait for re-activation.
     */
    record(items: NewEvent[], now: number, opts?: { seenOnly?: boolean }): Promise<StoredEvent[]>;
    get(projectId: string, id: string): Promise<StoredEvent | null>;
    list(f: EventFilter): Promise<StoredEvent[]>;
    /** Pull API: a user's events after a sequence number, oldest first. */
    listForUserAfter(projectId: string, userId: string, afterSeq: number, limit: number): Promise<StoredEvent[]>;
    lastReceivedByUser(projectId: string, userIds: string[]): Promise<Array<{ userId: string; lastReceived: number }>>;
    /**
     * Retention: walk up to `limit` events after sequence number `afterSeq`, oldest first, stopping at the
     * first one received at or after `before`. Of those, finished events (DELIVERED, FAILED, no delivery
     * still to run) lose their payload, deliveries and attempts and stay only as SEEN markers, so their
     * dedupe key still stops a repeat — or go altogether when their subscription was deleted or their
     * trigger type is in `forget` (no repeat of them can arrive any more: redeliveryDays). Events not
     * finished yet are kept whole. Returns how many expired, the sequence number to continue after, and
     * whether events after it may be old enough too.
     */
    expire(before: number, afterSeq: number, limit: number, forget?: ReadonlySet<string>): Promise<{ expired: number; cursor: number; more: boolean }>;
    /**
     * Of the longest-deleted subscription among those deleted before `deletedBefore`, delete up to
     * `limit` SEEN markers — or, when its user's events are being erased, events of any status with
     * their deliveries and attempts, and finally its log — with their payloads; once nothing is left,
     * forget that it was deleted. Returns how many markers or erased events went, and whether another
     * call may find more.
     */
    purgeDeletedSubscription(deletedBefore: number, limit: number): Promise<{ markers: number; erased: number; more: boolean }>;
    /**
     * Erasure of a connected user (ADR 0024), once their subscriptions are deleted: delete up to `limit`
     * of their events after sequence number `afterSeq`, with payloads, deliveries and attempts, except an
     * event whose attempt is in flight; mark every deleted subscription of theirs so that
     * `purgeDeletedSubscription` deletes what is left of it after the grace period. Returns how many
     * went, the sequence number to continue after, and whether there may be more.
     */
    eraseUser(projectId: string, userId: string, afterSeq: number, limit: number, now: number): Promise<{ erased: number; cursor: number; more: boolean }>;
  };

  deliveries: {
    /** Lease due deliveries (PENDING whose run_at passed, or SENDING whose lease expired). */
    claimDue(now: number, leaseUntil: number, owner: string, limit: number): Promise<ClaimedDelivery[]>;
    /**
     * Record attempts and outcomes of a batch in one transaction (a few multi-row statements, whatever the
     * batch size). Only the lease holder's outcome moves a delivery; attempts are recorded regardless.
     */
    complete(outcomes: DeliveryOutcome[], now: number): Promise<void>;
    /** Move HELD deliveries of a subscription back to PENDING (after re-activation). */
    releaseHeld(subscriptionId: string, now: number): Promise<number>;
    /** A new delivery for an existing event; the event id stays the same. */
    redeliver(projectId: string, eventId: string, now: number): Promise<Delivery | null>;
    redeliverFailed(projectId: string, q: { subscriptionId: string; from?: number; to?: number }, now: number): Promise<number>;
    listForEvent(eventId: string): Promise<Delivery[]>;
    nextRunAt(): Promise<number | null>;
    countByStatus(): Promise<Record<string, number>>;
  };

  attempts: {
    listForEvent(eventId: string): Promise<Attempt[]>;
  };

  logs: {
    add(line: Omit<SubscriptionLogLine, 'id'>): Promise<void>;
    list(subscriptionId: string, limit: number): Promise<SubscriptionLogLine[]>;
  };

  oauthStates: {
    create(s: Omit<OauthState, 'usedAt' | 'createdAt'>): Promise<void>;
    /** Mark used and return it, once; null when unknown, expired or already used. */
    consume(id: string, now: number): Promise<OauthState | null>;
    /** Read without consuming (to tell an expired or replayed state apart and find where to send the browser). */
    get(id: string): Promise<OauthState | null>;
    /** Housekeeping: delete states that expired before `before`; returns how many. */
    deleteExpired(before: number): Promise<number>;
  };

  customTriggers: {
    upsert(t: Omit<CustomTrigger, 'id' | 'createdAt' | 'updatedAt'>): Promise<CustomTrigger>;
    list(projectId: string): Promise<CustomTrigger[]>;
    delete(projectId: string, type: string): Promise<boolean>;
  };
}
