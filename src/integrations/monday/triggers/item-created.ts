import { defineTrigger } from '../../../sdk/index.js';
import { mondayEvents } from '../fixtures/events.js';
import { MONDAY_WEBHOOKS_DOCS, boardIdParameter, mondayWebhook, triggerUuidOf, type MondayParams } from '../webhooks.js';

export const itemCreatedTrigger = defineTrigger<MondayParams>({
  type: 'MONDAY_TRIGGER_ITEM_CREATED_WITH_NEW_API_VERSION',
  title: 'Item created',
  description:
    'Fires when an item is created on the board — monday.com `create_item`. Delivers the webhook body `{event}`: boardId, pulseId (the item), pulseName, groupId, userId, triggerTime, triggerUuid.',
  parameters: [boardIdParameter],
  examplePayload: mondayEvents.itemCreated,
  docsUrl: MONDAY_WEBHOOKS_DOCS,
  source: mondayWebhook({
    event: 'create_item',
    // An item is created once: its id is the key (the occurrence id only when the body has no item id).
    key: (e) => {
      const id = typeof e.pulseId === 'number' || typeof e.pulseId === 'string' ? String(e.pulseId) : null;
      return id ? `item:${id}` : triggerUuidOf(e);
    },
  }),
});
