import { defineTrigger } from '../../../sdk/index.js';
import { candidateDeleted } from '../fixtures/events.js';
import { leverWebhook } from '../webhooks.js';

export const candidateDeletedTrigger = defineTrigger({
  type: 'LEVER_TRIGGER_CANDIDATE_DELETED',
  title: 'Candidate deleted',
  description: 'Fires when a candidate is deleted in Lever (webhook event `candidateDeleted`). Delivers `{id, event, triggeredAt, data}` with the ids of what was deleted in `data`.',
  parameters: [],
  examplePayload: candidateDeleted,
  docsUrl: 'https://hire.lever.co/developer/documentation#webhooks',
  source: leverWebhook({ event: 'candidateDeleted' }),
});
