import { defineTrigger } from '../../../sdk/index.js';
import { mondayEvents } from '../fixtures/events.js';
import { MONDAY_WEBHOOKS_DOCS, boardIdParameter, mondayWebhook, triggerUuidOf, type MondayParams } from '../webhooks.js';

export const itemArchivedTrigger = defineTrigger<MondayParams>({
  type: 'MONDAY_TRIGGER_ITEM_ARCHIVED',
  title: 'Item archived',
  description:
    'Fires when an item on the board is archived — monday.com `item_archived`. Delivers the webhook body `{event}`: boardId, pulseId or itemId, userId, triggerTime, triggerUuid.',
  parameters: [boardIdParameter],
  examplePayload: mondayEvents.itemArchived,
  docsUrl: MONDAY_WEBHOOKS_DOCS,
  source: mondayWebhook({
    event: 'item_archived',
    // An item may be archived, restored and archived again: each archiving is its own occurrence.
    key: (e) => {
      const uuid = triggerUuidOf(e);
      if (uuid) return `archived:${uuid}`;
      const item = e.pulseId ?? e.itemId;
      const id = typeof item === 'number' || typeof item === 'string' ? String(item) : null;
      return id && typeof e.triggerTime === 'string' ? `archived:${id}:${e.triggerTime}` : null;
    },
  }),
});
