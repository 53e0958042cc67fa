import { defineTrigger } from '../../../sdk/index.js';
import { candidateArchiveChange } from '../fixtures/events.js';
import { leverWebhook } from '../webhooks.js';

export const candidateArchiveChangedTrigger = defineTrigger({
  type: 'LEVER_TRIGGER_CANDIDATE_ARCHIVE_CHANGED',
  title: 'Candidate archived or unarchived',
  description: 'Fires when a candidate is archived or unarchived in Lever (webhook event `candidateArchiveChange`). Delivers `{id, event, triggeredAt, data}` with the opportunity and contact ids in `data`.',
  parameters: [],
  examplePayload: candidateArchiveChange,
  docsUrl: 'https://hire.lever.co/developer/documentation#webhooks',
  source: leverWebhook({ event: 'candidateArchiveChange' }),
});
