// The delivery worker: claim due deliveries → send → record (SPEC §4, ADR 0003).
//
// The database is the queue. Claims take a batch of due deliveries with a lease (run_at moves to the lease
// expiry, so a crashed worker's deliveries become due again by themselves); FOR UPDATE SKIP LOCKED lets
// several PostgreSQL processes claim side by side, and on SQLite this is the process's only worker.
//
// Three stages run concurrently, so no stage waits for a whole batch of another:
//   claim  — whenever there is room: at most 2 × concurrency deliveries claimed and not yet sent, and
//            fewer than `awaitingRecordLimit` sent and not yet recorded (ADR 0022);
//   send   — at most `concurrency` requests in flight, at most `perOriginConcurrency` to one receiver;
//   record — outcomes are buffered and written in one transaction per group (group commit): while one
//            write runs, the next group accumulates.
//
// Wake-ups, never a tight loop: storage.onDeliveriesQueued (in-process on SQLite, LISTEN/NOTIFY on
// PostgreSQL); a timer at the earliest known retry; and an idle poll every `idlePollMs` that catches what
// no notification announced (another process's retries, expired leases of a crashed worker).
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Metrics } from '../observability/metrics.js';
import { SUBSCRIPTION_DELETED, type ClaimedDelivery, type DeliveryOutcome, type LocalDeliveryWorker, type Storage } from '../storage/port.js';
import { deliveryHeaders, serializeEnvelope, serializeStoredEnvelope, toEnvelope } from './envelope.js';
import { outcomeOfAttempt, outcomeWithoutRequest, type OutcomeContext } from './outcome.js';
import { ProjectTargets } from './project-targets.js';
import { WebhookSender, type Sender } from './sender.js';
import { SenderThread } from './sender-thread.js';
import type { Resolver } from './ssrf.js';

export interface DeliveryWorkerOptions {
  storage: Storage;
  logger: Logger;
  metrics: Metrics;
  /** Business clock: due times, retry times, signature timestamps. Injected so tests need no sleeps. */
  now?: () => number;
  retryScheduleSeconds: readonly number[];
  /** One attempt: connect, headers and the response excerpt. */
  timeoutMs: number;
  allowPrivate: boolean;
  /** Requests in flight in this process. */
  concurrency: number;
  perOriginConcurrency?: number;
  /** Most deliveries one claim takes. */
  batchSize?: number;
  /** How long a claim is ours before another worker may take it; must outlast queueing + one attempt. */
  leaseMs?: number;
  projectCacheMs?: number;
  idlePollMs?: number;
  /** Jitter source, uniform in [0, 1). */
  random?: () => number;
  /** Lease owner id; unique per worker instance. */
  owner?: string;
  /** DNS resolver of the SSRF guard (tests). A function cannot cross threads: with one, sends stay in process. */
  resolve?: Resolver;
  /** Send on a thread of its own (sender-thread.ts); default true. */
  senderThread?: boolean;
  /** Outcomes waiting for their commit at which claiming pauses; default 2 × the record batch (1,000). */
  awaitingRecordLimit?: number;
}

interface Job {
  claimed: ClaimedDelivery;
  url: string;
  origin: string;
  body: string;
  secrets: readonly string[];
  overrideHeaders: Record<string, string> | undefined;
}

const DEFAULT_BATCH = 200;
// How often an idle worker looks anyway: bounds how long a crashed worker's expired leases, or another
// process's retries, wait for a claim. One indexed query per interval; cheap.
const DEFAULT_IDLE_POLL_MS = 5_000;
const DEFAULT_PROJECT_CACHE_MS = 2_000;
/** After a database error, or when due rows are all locked by another claimer. */
const BACKOFF_MS = 1_000;
/** Outcomes written per transaction. */
const MAX_RECORD_BATCH = 500;
/** One record transaction running and one gathering behind it. */
const DEFAULT_AWAITING_RECORD_LIMIT = 2 * MAX_RECORD_BATCH;
/** How long finished outcomes may wait for others to share their transaction. */
const RECORD_LINGER_MS = 5;
/** How long a queued-deliveries notification waits for others before the claim (see wakeSoon). */
const CLAIM_LINGER_MS = 2;
const RECORD_RETRIES = [200, 1_000, 5_000];
// setTimeout's limit; the idle poll caps delays far below it anyway.
const MAX_TIMER_MS = 2 ** 31 - 1;

export const NO_WEBHOOK_URL = 'project has no webhook URL (set one on the project, or a webhookOverride.url on the subscription)';

/** How long a claimed delivery is leased: it may wait for one round of sends before its own — two attempts, plus time to record. */
export function deliveryLeaseMs(timeoutMs: number): number {
  return 2 * timeoutMs + 5_000;
}

export class DeliveryWorker implements LocalDeliveryWorker {
  readonly owner: string;
  private readonly storage: Storage;
  private readonly log: Logger;
  private readonly metrics: Metrics;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sender: Sender;
  private readonly targets: ProjectTargets;
  private readonly concurrency: number;
  private readonly perOrigin: number;
  private readonly maxUnsent: number;
  private readonly awaitingRecordLimit: number;
  private readonly minClaim: number;
  private readonly batchSize: number;
  readonly leaseMs: number;
  private readonly idlePollMs: number;

  /** Claimed and not yet recorded: until it is zero the worker is not idle. */
  private outstanding = 0;
  /**
   * Of those, the ones whose outcome is known and waits for its commit. They no longer count against the
   * room for claims, so a slow database commit (a remote PostgreSQL) does not hold back sending; their
   * own limit keeps a stalled database from piling up sent-but-unrecorded deliveries, which would be sent
   * again once their leases expire.
   */
  private awaitingRecord = 0;
  private readonly queue: Job[] = [];
  private active = 0;
  private readonly activeByOrigin = new Map<string, number>();
  private readonly toRecord: DeliveryOutcome[] = [];
  private recording: Promise<void> | null = null;
  private claiming: Promise<void> | null = null;
  private wakeAgain = false;
  /** The last claim was full: more may be due as soon as there is room. */
  private backlog = false;
  private timer: NodeJS.Timeout | null = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;
  private started = false;
  private unsubscribe: (() => void) | null = null;
  private detach: (() => void) | null = null;
  private claimedTotal = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly opts: DeliveryWorkerOptions) {
    this.storage = opts.storage;
    this.log = opts.logger.child({ component: 'delivery' });
    this.metrics = opts.metrics;
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.concurrency = Math.max(1, opts.concurrency);
    this.perOrigin = Math.max(1, Math.min(this.concurrency, opts.perOriginConcurrency ?? 32));
    this.maxUnsent = this.concurrency * 2;
    this.awaitingRecordLimit = Math.max(1, opts.awaitingRecordLimit ?? DEFAULT_AWAITING_RECORD_LIMIT);
    this.batchSize = opts.batchSize ?? DEFAULT_BATCH;
    this.minClaim = Math.max(1, Math.min(this.batchSize, Math.floor(this.maxUnsent / 4)));
    this.leaseMs = opts.leaseMs ?? deliveryLeaseMs(opts.timeoutMs);
    this.idlePollMs = opts.idlePollMs ?? DEFAULT_IDLE_POLL_MS;
    this.owner = opts.owner ?? `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
    const senderOptions = { timeoutMs: opts.timeoutMs, allowPrivate: opts.allowPrivate, connectionsPerOrigin: this.perOrigin };
    this.sender =
      opts.resolve || opts.senderThread === false
        ? new WebhookSender({ ...senderOptions, ...(opts.resolve ? { resolve: opts.resolve } : {}) })
        : new SenderThread(senderOptions);
    this.targets = new ProjectTargets(this.storage, this.now, opts.projectCacheMs ?? DEFAULT_PROJECT_CACHE_MS);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.storage.onDeliveriesQueued(() => this.wakeSoon());
    this.detach = this.storage.attachLocalWorker(this);
    this.wake();
  }

  /** Look for due deliveries now. Cheap to call often: concurrent wake-ups coalesce into one claim loop. */
  wake(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.wakeAgain = true;
      return;
    }
    this.claiming = this.claimLoop().finally(() => {
      this.claiming = null;
      this.checkIdle();
    });
  }

  /**
   * New deliveries were queued: claim after a short linger, so that the commits of several inbound
   * requests (each its own notification) share one claim transaction instead of one claim each.
   */
  private wakeSoon(): void {
    if (this.stopped || this.lingerTimer) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null;
      this.wake();
    }, CLAIM_LINGER_MS);
  }

  /**
   * Deliver everything due at the current clock and wait until every outcome is recorded. For tests
   * (advance the injected clock, then drain) and tools; the service itself never needs it.
   */
  async drain(): Promise<void> {
    for (;;) {
      const before = this.claimedTotal;
      this.wake();
      await this.settled();
      if (this.claimedTotal === before || this.stopped) return;
    }
  }

  /** Forget cached project settings (after a secret rotation or webhook URL change in this process). */
  invalidateProject(projectId?: string): void {
    this.targets.invalidate(projectId);
  }

  /** Stop claiming, hand back claims not yet sent, let in-flight attempts finish and record them. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    this.detach?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    await this.claiming;
    // Not sent: back to PENDING, due now, for this or another worker — no need to wait for the lease.
    this.handBack(this.queue.splice(0).map((job) => job.claimed));
    await this.settled();
    await this.sender.close();
  }

  /** LocalDeliveryWorker: how many deliveries storage may lease to us straight from an insert. */
  room(): number {
    if (this.stopped || this.awaitingRecord >= this.awaitingRecordLimit) return 0;
    return Math.max(0, this.maxUnsent - this.unsent());
  }

  /** Claimed and still to send (queued or in flight). */
  private unsent(): number {
    return this.outstanding - this.awaitingRecord;
  }

  /** LocalDeliveryWorker: deliveries leased to us by an insert that just committed; as if we had claimed them. */
  take(claimed: ClaimedDelivery[]): void {
    this.claimedTotal += claimed.length;
    this.outstanding += claimed.length;
    // Committed after we stopped: hand them back at once, as stop() does with unsent claims.
    if (this.stopped) this.handBack(claimed);
    else void this.admit(claimed);
  }

  /** Claimed but never sent: PENDING again and due now, attempt count unchanged. */
  private handBack(claimed: ClaimedDelivery[]): void {
    const now = this.now();
    for (const c of claimed) this.finish({ claimed: c.delivery, next: { kind: 'retry', runAt: now } });
  }

  // ── claim ───────────────────────────────────────────────────────────────────────────────────────────

  private async claimLoop(): Promise<void> {
    do {
      this.wakeAgain = false;
      while (!this.stopped) {
        const room = this.room();
        // Busy: wait for a worthwhile batch rather than claim one row per finished send, which would cost
        // a claim and a commit per delivery. Finished sends and recorded outcomes make room and wake the
        // loop again.
        if (room <= 0 || (this.unsent() > 0 && room < this.minClaim)) {
          this.backlog = true;
          break;
        }
        const limit = Math.min(room, this.batchSize);
        const now = this.now();
        let claimed: ClaimedDelivery[];
        try {
          claimed = await this.storage.deliveries.claimDue(now, now + this.leaseMs, this.owner, limit);
        } catch (err) {
          this.log.error({ err }, 'claiming deliveries failed; retrying shortly');
          this.armAt(this.now() + BACKOFF_MS);
          return;
        }
        this.claimedTotal += claimed.length;
        this.outstanding += claimed.length;
        this.backlog = claimed.length === limit;
        if (claimed.length > 0) await this.admit(claimed);
        if (!this.backlog) {
          await this.armForLater(now);
          break;
        }
      }
    } while (this.wakeAgain && !this.stopped);
  }

  /**
   * Nothing more due now: make sure something wakes us when the next delivery is. Asked of the database
   * even after a claim that took something: the timer that woke us was for the earliest retry only, and
   * without this the later ones waited for the idle poll (up to idlePollMs late once traffic stops).
   */
  private async armForLater(now: number): Promise<void> {
    try {
      const next = await this.storage.deliveries.nextRunAt();
      // Due yet unclaimable: another process holds those rows mid-claim (SKIP LOCKED); look again soon.
      if (next !== null && next <= now) this.armAt(now + BACKOFF_MS);
      else this.armAt(next ?? now + this.idlePollMs);
    } catch (err) {
      this.log.error({ err }, 'reading the next due delivery failed');
      this.armAt(now + BACKOFF_MS);
    }
  }

  private armAt(at: number): void {
    if (this.stopped) return;
    const now = this.now();
    const target = Math.min(at, now + this.idlePollMs);
    if (this.timer && this.timerAt <= target) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = target;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.wake();
    }, Math.min(Math.max(0, target - now), MAX_TIMER_MS));
  }

  /** Turns claims into send jobs, or settles those that need no request. */
  private async admit(claimed: ClaimedDelivery[]): Promise<void> {
    let targets;
    try {
      targets = await this.targets.getMany(claimed.map((c) => c.event.projectId));
    } catch (err) {
      this.log.error({ err }, 'loading project settings failed; releasing the claimed deliveries');
      const runAt = this.now() + BACKOFF_MS;
      for (const c of claimed) this.finish({ claimed: c.delivery, next: { kind: 'retry', runAt } });
      return;
    }
    const startedAt = this.now();
    for (const c of claimed) {
      const sub = c.subscription;
      // Deleted since (storage failed its other deliveries then; this one was in flight, or raced the
      // deletion): nothing more is sent for it — its webhookOverride went with it.
      if (!sub) {
        this.finish({ claimed: c.delivery, next: { kind: 'failed', reason: SUBSCRIPTION_DELETED } });
        continue;
      }
      // ERRORED: park it; re-activation releases it (SPEC §4). Events detected while ERRORED are stored
      // HELD directly; this catches the ones already queued when the subscription failed.
      if (sub.status === 'ERRORED') {
        this.finish({ claimed: c.delivery, next: { kind: 'held' } });
        continue;
      }
      const target = targets.get(c.event.projectId);
      if (!target) {
        this.finish({ claimed: c.delivery, next: { kind: 'failed', reason: 'delivery failed: the project no longer exists' } });
        continue;
      }
      if (!target.ok) {
        this.recordWithoutRequest(c, startedAt, target.problem);
        continue;
      }
      const url = sub.webhookOverride?.url ?? target.webhookUrl;
      if (!url) {
        this.recordWithoutRequest(c, startedAt, NO_WEBHOOK_URL);
        continue;
      }
      this.queue.push({
        claimed: c,
        url,
        origin: originOf(url),
        body:
          c.payloadJson === undefined
            ? serializeEnvelope(toEnvelope(c.event, sub.webhookOverride))
            : serializeStoredEnvelope(c.event, sub.webhookOverride, c.payloadJson),
        secrets: target.secrets,
        overrideHeaders: sub.webhookOverride?.headers,
      });
    }
    this.pump();
  }

  private recordWithoutRequest(c: ClaimedDelivery, startedAt: number, problem: string): void {
    const outcome = outcomeWithoutRequest(c.delivery, startedAt, problem, this.outcomeContext());
    this.metrics.deliveries.inc({ outcome: outcome.attempt?.outcome ?? 'retry' });
    this.finish(outcome);
  }

  // ── send ────────────────────────────────────────────────────────────────────────────────────────────

  private pump(): void {
    if (this.stopped) return;
    for (let i = 0; i < this.queue.length && this.active < this.concurrency; ) {
      const job = this.queue[i]!;
      if ((this.activeByOrigin.get(job.origin) ?? 0) >= this.perOrigin) {
        i++; // that receiver is at its cap; others may go ahead
        continue;
      }
      this.queue.splice(i, 1);
      void this.run(job);
    }
  }

  private async run(job: Job): Promise<void> {
    this.active++;
    this.activeByOrigin.set(job.origin, (this.activeByOrigin.get(job.origin) ?? 0) + 1);
    try {
      const { delivery, event } = job.claimed;
      const startedAt = this.now();
      // A claim that waited so long its lease could run out mid-request would be sent twice: hand it back.
      if (startedAt + this.opts.timeoutMs > delivery.runAt) {
        this.finish({ claimed: delivery, next: { kind: 'retry', runAt: startedAt } });
        return;
      }
      // Signed per attempt (receivers reject stale webhook-timestamps), by the sender, off the event loop.
      const result = await this.sender.send({
        url: job.url,
        headers: deliveryHeaders(job.overrideHeaders),
        body: job.body,
        sign: { eventId: event.id, timestampSeconds: Math.floor(startedAt / 1000), secrets: job.secrets },
      });
      const now = this.now();
      const outcome = outcomeOfAttempt(delivery, { url: job.url, startedAt, result }, this.outcomeContext(now));
      this.observe(outcome, event.dateReceived, now, result.latencyMs);
      this.finish(outcome);
    } catch (err) {
      // Not expected (send never throws); never lose the claim over it.
      this.log.error({ err, deliveryId: job.claimed.delivery.id }, 'delivery attempt crashed');
      this.recordWithoutRequest(job.claimed, this.now(), `internal error: ${(err as Error).message}`);
    } finally {
      this.active--;
      const left = (this.activeByOrigin.get(job.origin) ?? 1) - 1;
      if (left === 0) this.activeByOrigin.delete(job.origin);
      else this.activeByOrigin.set(job.origin, left);
      this.pump();
    }
  }

  private observe(outcome: DeliveryOutcome, detectedAt: number, now: number, latencyMs: number): void {
    const kind = outcome.attempt?.outcome ?? 'retry';
    this.metrics.deliveries.inc({ outcome: kind });
    this.metrics.attemptLatency.observe(latencyMs / 1000);
    if (kind === 'succeeded') this.metrics.deliveryLatency.observe(Math.max(0, now - detectedAt) / 1000);
    else if (outcome.next.kind === 'failed') {
      this.log.warn({ deliveryId: outcome.claimed.id, eventId: outcome.claimed.eventId, reason: outcome.next.reason }, 'delivery failed');
    } else {
      this.log.debug({ deliveryId: outcome.claimed.id, eventId: outcome.claimed.eventId, error: outcome.attempt?.error }, 'delivery attempt failed; will retry');
    }
  }

  private outcomeContext(now = this.now()): OutcomeContext {
    return { now, scheduleSeconds: this.opts.retryScheduleSeconds, random: this.random };
  }

  // ── record ──────────────────────────────────────────────────────────────────────────────────────────

  private finish(outcome: DeliveryOutcome): void {
    this.toRecord.push(outcome);
    this.awaitingRecord++;
    this.recording ??= this.recordLoop();
    this.claimIfRoom();
  }

  /** Due deliveries are known to be waiting and a worthwhile claim fits again: claim now. */
  private claimIfRoom(): void {
    if (this.backlog && this.room() >= this.minClaim) this.wake();
  }

  private async recordLoop(): Promise<void> {
    try {
      for (;;) {
        // Group commit: while sends are still finishing, let outcomes gather a few ms and write them in one
        // transaction. When nothing else is in flight (light load) there is nothing to wait for.
        if (this.toRecord.length < this.minClaim && this.active > 0 && !this.stopped) await sleep(RECORD_LINGER_MS);
        if (this.toRecord.length === 0) break;
        const batch = this.toRecord.splice(0, MAX_RECORD_BATCH);
        await this.record(batch);
        this.outstanding -= batch.length;
        this.awaitingRecord -= batch.length;
        this.claimIfRoom();
        let earliestRetry = Number.POSITIVE_INFINITY;
        for (const o of batch) if (o.next.kind === 'retry') earliestRetry = Math.min(earliestRetry, o.next.runAt);
        if (earliestRetry !== Number.POSITIVE_INFINITY) this.armAt(earliestRetry);
      }
    } finally {
      this.recording = null;
    }
    if (this.backlog) this.wake();
    this.checkIdle();
  }

  private async record(batch: DeliveryOutcome[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.storage.deliveries.complete(batch, this.now());
        return;
      } catch (err) {
        const wait = RECORD_RETRIES[attempt];
        if (wait === undefined) {
          // The leases expire and these deliveries are sent again: at-least-once, never lost.
          this.log.error({ err, deliveries: batch.length }, 'recording delivery outcomes failed; they will be retried after their leases expire');
          return;
        }
        this.log.warn({ err, deliveries: batch.length }, 'recording delivery outcomes failed; retrying');
        await sleep(wait);
      }
    }
  }

  // ── idle ────────────────────────────────────────────────────────────────────────────────────────────

  private settled(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.claiming === null && this.recording === null && this.outstanding === 0;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url; // the sender refuses it; any key will do for the per-origin cap
  }
}
