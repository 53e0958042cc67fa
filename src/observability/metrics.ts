// Prometheus metrics (SPEC §7). One registry per service instance, so tests can run several in a process.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  eventsDetected: Counter<'integration' | 'source'>;
  deliveries: Counter<'outcome'>;
  deliveryLatency: Histogram;
  attemptLatency: Histogram;
  polls: Counter<'outcome'>;
  renewals: Counter<'outcome'>;
  inboundRequests: Counter<'integration' | 'outcome'>;
  queueDepth: Gauge<'status'>;
  eventsExpired: Counter;
  eventsPurged: Counter<'reason'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean; queueDepth?: () => Promise<Record<string, number>> } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'opentriggers_' });
  const queueDepth = opts.queueDepth;
  return {
    registry,
    eventsDetected: new Counter({ name: 'opentriggers_events_detected_total', help: 'Events detected and stored, by integration and how they were found (webhook, poll, backstop, catch_up)', labelNames: ['integration', 'source'], registers: [registry] }),
    deliveries: new Counter({ name: 'opentriggers_deliveries_total', help: 'Delivery attempts by outcome (succeeded, retry, failed)', labelNames: ['outcome'], registers: [registry] }),
    deliveryLatency: new Histogram({
      name: 'opentriggers_delivery_latency_seconds',
      help: 'Time from event detected to successful delivery',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers: [registry],
    }),
    attemptLatency: new Histogram({
      name: 'opentriggers_delivery_attempt_seconds',
      help: 'Duration of one HTTP delivery attempt',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [registry],
    }),
    polls: new Counter({ name: 'opentriggers_polls_total', help: 'Polls (and backstop syncs of webhook subscriptions) by outcome', labelNames: ['outcome'], registers: [registry] }),
    renewals: new Counter({
      name: 'opentriggers_registrations_total',
      help: 'Provider registrations visited by the renewal pass, by outcome (renewed, checked, recreated, failed, errored, rate_limited, skipped, lost)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    inboundRequests: new Counter({ name: 'opentriggers_inbound_requests_total', help: 'Inbound provider webhook requests by outcome', labelNames: ['integration', 'outcome'], registers: [registry] }),
    eventsExpired: new Counter({ name: 'opentriggers_events_expired_total', help: 'Finished events whose payload, deliveries and attempts retention deleted (OPENTRIGGERS_EVENT_RETENTION_DAYS)', registers: [registry] }),
    eventsPurged: new Counter({ name: 'opentriggers_events_purged_total', help: 'Events deleted for good: dedupe markers of deleted subscriptions (reason="marker"), events of erased users (reason="erasure")', labelNames: ['reason'], registers: [registry] }),
    queueDepth: new Gauge({
      name: 'opentriggers_delivery_queue_depth',
      help: 'Deliveries waiting, in flight or held, by status',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        if (!queueDepth) return;
        const counts = await queueDepth();
        for (const status of ['PENDING', 'SENDING', 'HELD']) this.set({ status }, counts[status] ?? 0);
      },
    }),
  };
}
