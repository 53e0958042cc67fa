import { prospectUpdated } from '../fixtures/events.js';
import { attributeText, outreachId, timeOf } from '../webhooks.js';
import { outreachTrigger } from './factory.js';

/** The prospect id and its `updatedAt`: one key per change; a retry of the same delivery repeats both. */
function updateKey(id: string | null, updatedAt: string | null): string | null {
  return id && updatedAt ? `${id}:${updatedAt}` : null;
}

export const prospectUpdatedTrigger = outreachTrigger({
  type: 'OUTREACH_TRIGGER_PROSPECT_UPDATED',
  title: 'Prospect updated',
  description:
    'Fires when a prospect is changed in Outreach (webhook `prospect` / `updated`). Delivers the JSON:API document; `data.attributes` holds only the changed attributes (and `updatedAt`).',
  examplePayload: prospectUpdated,
  spec: {
    resource: 'prospect',
    action: 'updated',
    key: (d) => updateKey(outreachId(d.data.id), attributeText(d, 'updatedAt')),
    occurredAt: (d) => timeOf(attributeText(d, 'updatedAt')),
  },
});
