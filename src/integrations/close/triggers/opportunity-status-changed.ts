import { defineTrigger } from '../../../sdk/index.js';
import { opportunityStatusChanged } from '../fixtures/events.js';
import { closeWebhook, type CloseEvent } from '../webhooks.js';

/** An opportunity update is a status change when Close lists `status_id` among its changed fields. */
export function changesStatus(event: CloseEvent): boolean {
  return Array.isArray(event.changed_fields) && event.changed_fields.includes('status_id');
}

export const opportunityStatusChangedTrigger = defineTrigger({
  type: 'CLOSE_TRIGGER_OPPORTUNITY_STATUS_CHANGED',
  title: 'Opportunity status changed',
  description:
    'Fires when an opportunity changes status in Close (won, lost, or another status): webhook event `opportunity` / `updated` whose `changed_fields` include `status_id`; other opportunity edits are ignored. Delivers the webhook body; `event.previous_data.status_*` holds the old status.',
  parameters: [],
  examplePayload: opportunityStatusChanged,
  docsUrl: 'https://developer.close.com/api/resources/webhooks',
  source: closeWebhook({ objectType: 'opportunity', action: 'updated', accept: changesStatus }),
});
