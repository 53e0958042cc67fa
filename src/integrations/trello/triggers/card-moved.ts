import { defineTrigger } from '../../../sdk/index.js';
import cardMovedExample from '../fixtures/card-moved.json' with { type: 'json' };
import { trelloWebhook, type TrelloParams } from '../webhooks.js';
import { cardMoved } from './actions.js';
import { boardIdParameter, listIdParameter } from './params.js';

export const cardMovedTrigger = defineTrigger<TrelloParams>({
  type: 'TRELLO_TRIGGER_CARD_MOVED',
  title: 'Card moved to another list',
  description:
    'Fires when a card of the board moves to another list (Trello `updateCard` with `listBefore`/`listAfter`), optionally only into one list. Delivers the webhook body `{action, model}`.',
  parameters: [boardIdParameter, listIdParameter],
  examplePayload: cardMovedExample,
  docsUrl: 'https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks',
  source: trelloWebhook(cardMoved),
});
