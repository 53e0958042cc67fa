// Alert webhooks, sent when an alert rule has the integration as an action: issue alerts
// (Sentry-Hook-Resource: event_alert, action `triggered`) and metric alerts (metric_alert: critical,
// warning, resolved).
// https://docs.sentry.io/organization/integrations/integration-platform/webhooks/issue-alerts/
// https://docs.sentry.io/organization/integrations/integration-platform/webhooks/metric-alerts/
import eventAlert from '../fixtures/event-alert-triggered.json' with { type: 'json' };
import metricAlert from '../fixtures/metric-alert-critical.json' with { type: 'json' };
import { dataObject, field, sentryTrigger } from './sentry-trigger.js';

export const eventAlertTriggered = sentryTrigger({
  type: 'SENTRY_TRIGGER_EVENT_ALERT_TRIGGERED',
  title: 'Issue alert triggered',
  description: 'Fires when an issue alert rule that sends to this integration fires; delivers Sentry\'s webhook body with data.event and data.triggered_rule.',
  resource: 'event_alert',
  actions: ['triggered'],
  parameters: [],
  // One event firing one rule is one occurrence, whichever webhook carried it.
  key: (body, deliveryId) => {
    const eventId = field(dataObject(body, 'event'), 'event_id');
    if (eventId === undefined) return undefined;
    const data = body.data as Record<string, unknown>;
    const rule = typeof data.triggered_rule === 'string' ? data.triggered_rule : deliveryId;
    return `event:${eventId}:rule:${rule}`;
  },
  examplePayload: eventAlert,
  docsUrl: 'https://docs.sentry.io/organization/integrations/integration-platform/webhooks/issue-alerts/',
});

export const metricAlertTriggered = sentryTrigger({
  type: 'SENTRY_TRIGGER_METRIC_ALERT',
  title: 'Metric alert',
  description:
    'Fires when a metric alert rule that sends to this integration changes state: critical (the default), warning or resolved, ' +
    'as chosen by `severity`; delivers Sentry\'s webhook body with data.metric_alert (the incident) and its description.',
  resource: 'metric_alert',
  actions: ['critical', 'warning', 'resolved'],
  actionParam: 'severity',
  parameters: [
    {
      id: 'severity',
      title: 'Severity',
      type: 'ENUM',
      required: false,
      defaultValue: 'critical',
      description: 'Which state change of the incident to deliver.',
      options: [
        { label: 'Critical', value: 'critical' },
        { label: 'Warning', value: 'warning' },
        { label: 'Resolved', value: 'resolved' },
      ],
    },
  ],
  // An incident may go critical, warning and critical again: each webhook (its Request-ID) is one event.
  key: (body, deliveryId) => {
    const incident = field(dataObject(body, 'metric_alert'), 'id');
    return incident === undefined ? undefined : `incident:${incident}:${String(body.action)}:${deliveryId}`;
  },
  examplePayload: metricAlert,
  docsUrl: 'https://docs.sentry.io/organization/integrations/integration-platform/webhooks/metric-alerts/',
});
