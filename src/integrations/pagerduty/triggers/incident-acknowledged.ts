import { defineTrigger } from '../../../sdk/index.js';
import example from '../fixtures/incident-acknowledged.json' with { type: 'json' };
import { PAGERDUTY_WEBHOOKS_DOCS, pagerdutyWebhook, type PagerDutyParams } from '../webhooks.js';
import { pagerdutyParameters } from './params.js';

export const incidentAcknowledgedTrigger = defineTrigger<PagerDutyParams>({
  type: 'PAGERDUTY_TRIGGER_INCIDENT_ACKNOWLEDGED',
  title: 'Incident acknowledged',
  description:
    'Fires when an incident is acknowledged — PagerDuty v3 `incident.acknowledged`. Delivers the webhook body `{event}`; `event.data` is the incident and `event.agent` who acknowledged it.',
  parameters: pagerdutyParameters,
  examplePayload: example,
  docsUrl: PAGERDUTY_WEBHOOKS_DOCS,
  source: pagerdutyWebhook('incident.acknowledged'),
});
