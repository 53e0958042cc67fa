import { defineTrigger } from '../../../sdk/index.js';
import example from '../fixtures/incident-resolved.json' with { type: 'json' };
import { PAGERDUTY_WEBHOOKS_DOCS, pagerdutyWebhook, type PagerDutyParams } from '../webhooks.js';
import { pagerdutyParameters } from './params.js';

export const incidentResolvedTrigger = defineTrigger<PagerDutyParams>({
  type: 'PAGERDUTY_TRIGGER_INCIDENT_RESOLVED',
  title: 'Incident resolved',
  description:
    'Fires when an incident is resolved — PagerDuty v3 `incident.resolved`. Delivers the webhook body `{event}`; `event.data` is the incident (with `resolve_reason`).',
  parameters: pagerdutyParameters,
  examplePayload: example,
  docsUrl: PAGERDUTY_WEBHOOKS_DOCS,
  source: pagerdutyWebhook('incident.resolved'),
});
