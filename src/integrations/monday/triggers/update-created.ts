import { defineTrigger } from '../../../sdk/index.js';
import { mondayEvents } from '../fixtures/events.js';
import { MONDAY_WEBHOOKS_DOCS, boardIdParameter, mondayWebhook, triggerUuidOf, type MondayParams } from '../webhooks.js';

export const updateCreatedTrigger = defineTrigger<MondayParams>({
  type: 'MONDAY_TRIGGER_UPDATE_CREATED',
  title: 'Update posted',
  description:
    'Fires when an update (comment) is posted on an item of the board — monday.com `create_update`. Delivers the webhook body `{event}`: pulseId, updateId, replyId, body (HTML), textBody, userId, triggerUuid.',
  parameters: [boardIdParameter],
  examplePayload: mondayEvents.updateCreated,
  docsUrl: MONDAY_WEBHOOKS_DOCS,
  source: mondayWebhook({
    event: 'create_update',
    // An update is posted once: its id is the key.
    key: (e) => {
      const id = typeof e.updateId === 'number' || typeof e.updateId === 'string' ? String(e.updateId) : null;
      return id ? `update:${id}` : triggerUuidOf(e);
    },
  }),
});
