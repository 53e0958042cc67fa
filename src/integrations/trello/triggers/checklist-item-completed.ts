import { defineTrigger } from '../../../sdk/index.js';
import checkItemCompleted from '../fixtures/check-item-completed.json' with { type: 'json' };
import { trelloWebhook, type TrelloParams } from '../webhooks.js';
import { checkItemCompleted as completed } from './actions.js';
import { boardIdParameter } from './params.js';

export const checklistItemCompletedTrigger = defineTrigger<TrelloParams>({
  type: 'TRELLO_TRIGGER_CHECKLIST_ITEM_COMPLETED',
  title: 'Checklist item completed',
  description:
    'Fires when a checklist item on a card of the board is checked (Trello `updateCheckItemStateOnCard` with `checkItem.state: "complete"`). Delivers the webhook body `{action, model}`.',
  parameters: [boardIdParameter],
  examplePayload: checkItemCompleted,
  docsUrl: 'https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks',
  source: trelloWebhook(completed),
});
