import { defineTrigger } from '../../../sdk/index.js';
import example from '../fixtures/incident-annotated.json' with { type: 'json' };
import { PAGERDUTY_WEBHOOKS_DOCS, pagerdutyWebhook, type PagerDutyParams } from '../webhooks.js';
import { pagerdutyParameters } from './params.js';

export const incidentAnnotatedTrigger = defineTrigger<PagerDutyParams>({
  type: 'PAGERDUTY_TRIGGER_INCIDENT_ANNOTATED',
  title: 'Incident note added',
  description:
    'Fires when a note is added to an incident — PagerDuty v3 `incident.annotated`. Delivers the webhook body `{event}`; `event.data` is the note (`type` `incident_note`: `id`, `content`, `trimmed`, and `incident`, a reference to the incident).',
  parameters: pagerdutyParameters,
  examplePayload: example,
  docsUrl: PAGERDUTY_WEBHOOKS_DOCS,
  source: pagerdutyWebhook('incident.annotated'),
});
