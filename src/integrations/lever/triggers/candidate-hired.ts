import { defineTrigger } from '../../../sdk/index.js';
import { candidateHired } from '../fixtures/events.js';
import { leverWebhook } from '../webhooks.js';

export const candidateHiredTrigger = defineTrigger({
  type: 'LEVER_TRIGGER_CANDIDATE_HIRED',
  title: 'Candidate hired',
  description: 'Fires when a candidate is marked as hired in Lever (webhook event `candidateHired`). Delivers `{id, event, triggeredAt, data}` with the opportunity and contact ids in `data`.',
  parameters: [],
  examplePayload: candidateHired,
  docsUrl: 'https://hire.lever.co/developer/documentation#webhooks',
  source: leverWebhook({ event: 'candidateHired' }),
});
