import { defineTrigger } from '../../../sdk/index.js';
import example from '../fixtures/incident-triggered.json' with { type: 'json' };
import { PAGERDUTY_WEBHOOKS_DOCS, pagerdutyWebhook, type PagerDutyParams } from '../webhooks.js';
import { pagerdutyParameters } from './params.js';

export const incidentTriggeredTrigger = defineTrigger<PagerDutyParams>({
  type: 'PAGERDUTY_TRIGGER_INCIDENT_TRIGGERED',
  title: 'Incident triggered',
  description:
    'Fires when an incident is created (triggered) in the account or the given service — PagerDuty v3 `incident.triggered`. Delivers the webhook body `{event}`: `event.id`, `event.occurred_at`, `event.agent`, and `event.data`, the incident (`id`, `number`, `title`, `status`, `urgency`, `service`, `assignees`, `priority`, …).',
  parameters: pagerdutyParameters,
  examplePayload: example,
  docsUrl: PAGERDUTY_WEBHOOKS_DOCS,
  source: pagerdutyWebhook('incident.triggered'),
});
