import { defineTrigger } from '../../../sdk/index.js';
import cardArchivedExample from '../fixtures/card-archived.json' with { type: 'json' };
import { trelloWebhook, type TrelloParams } from '../webhooks.js';
import { cardArchived } from './actions.js';
import { boardIdParameter } from './params.js';

export const cardArchivedTrigger = defineTrigger<TrelloParams>({
  type: 'TRELLO_TRIGGER_CARD_ARCHIVED',
  title: 'Card archived',
  description: 'Fires when a card of the board is archived (Trello `updateCard` with `old.closed: false` and `card.closed: true`). Delivers the webhook body `{action, model}`.',
  parameters: [boardIdParameter],
  examplePayload: cardArchivedExample,
  docsUrl: 'https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks',
  source: trelloWebhook(cardArchived),
});
