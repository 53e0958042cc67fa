// Events of one metric (Placed Order, Opened Email, …): polls Get Events (`GET /api/events`, scope events:read)
// filtered by `metric_id`, by `datetime`, oldest first, 200 a page (the default; the reference allows up to 1000).
// The key is the event id. https://developers.klaviyo.com/en/reference/get_events
//
// `datetime` is when the event happened, as its sender stated it: an event sent minutes late carries an earlier
// time. The overlap (EVENT_OVERLAP_MS) re-reads that much of the past on every poll; an event ingested later than
// that after its own datetime is not seen (docs/integrations/klaviyo.md).
import { defineTrigger } from '../../../sdk/index.js';
import event from '../fixtures/event.json' with { type: 'json' };
import { validateId } from '../api.js';
import { pollTimestampList } from '../poll.js';

export const EVENT_OVERLAP_MS = 10 * 60_000;

export interface MetricParams {
  metricId: string;
}

export const metricEventTrigger = defineTrigger<MetricParams>({
  type: 'KLAVIYO_TRIGGER_METRIC_EVENT',
  title: 'New event of a metric',
  description:
    'Fires once for each new event of the chosen metric (e.g. Placed Order, Opened Email, Clicked SMS). Polls Get Events by event time; delivers the JSON:API event resource `{type, id, attributes: {timestamp, datetime, uuid, event_properties}, relationships: {profile, metric}}`.',
  parameters: [
    {
      id: 'metricId',
      title: 'Metric',
      type: 'TEXT',
      required: true,
      placeholder: 'UMTLbD',
      description: 'The metric id, from Get Metrics (`GET /api/metrics`, e.g. the id of "Placed Order") or the metric\'s URL in Klaviyo analytics.',
      validate: validateId('metric'),
    },
  ],
  examplePayload: event,
  docsUrl: 'https://developers.klaviyo.com/en/reference/get_events',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollTimestampList(ctx, {
        path: '/api/events',
        field: 'datetime',
        filters: [`equals(metric_id,"${ctx.params.metricId}")`],
        pageSize: 200,
        overlapMs: EVENT_OVERLAP_MS,
        key: (r) => r.id,
      }),
  },
});
