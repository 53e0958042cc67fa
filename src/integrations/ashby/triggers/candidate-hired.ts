import { defineTrigger } from '../../../sdk/index.js';
import { candidateHire } from '../fixtures/events.js';
import { ASHBY_WEBHOOKS_DOCS, ashbyWebhook, type AshbyParams } from '../webhooks.js';

export const candidateHiredTrigger = defineTrigger<AshbyParams>({
  type: 'ASHBY_TRIGGER_CANDIDATE_HIRED',
  title: 'Candidate hired',
  description:
    'Fires when a candidate is hired, confidential jobs included (webhook `candidateHire`). Delivers `{action, data: {application, offer}}`: the hired application and its most recent accepted offer (start date, salary), when there is one.',
  parameters: [],
  examplePayload: candidateHire,
  docsUrl: ASHBY_WEBHOOKS_DOCS,
  source: ashbyWebhook('candidateHire'),
});
