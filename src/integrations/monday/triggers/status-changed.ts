import { defineTrigger } from '../../../sdk/index.js';
import { mondayEvents } from '../fixtures/events.js';
import { MONDAY_WEBHOOKS_DOCS, boardIdParameter, columnIdParameter, mondayWebhook, type MondayParams } from '../webhooks.js';
import { columnChangeKey } from './keys.js';

export const statusChangedTrigger = defineTrigger<MondayParams>({
  type: 'MONDAY_TRIGGER_STATUS_CHANGED',
  title: 'Status changed',
  description:
    'Fires when a status column of an item on the board changes — monday.com `change_status_column_value`. Delivers the webhook body `{event}`: pulseId, columnId, value.label (index, text, is_done), previousValue, changedAt, triggerUuid.',
  parameters: [boardIdParameter, columnIdParameter('Only changes of this status column (its id, e.g. status). Leave empty for every status column.')],
  examplePayload: mondayEvents.statusChanged,
  docsUrl: MONDAY_WEBHOOKS_DOCS,
  // The column is filtered here rather than through the webhook's config, whose keys for this event we could
  // not confirm (docs/integrations/monday.md).
  source: mondayWebhook({ event: 'change_status_column_value', filterColumn: true, key: columnChangeKey }),
});
