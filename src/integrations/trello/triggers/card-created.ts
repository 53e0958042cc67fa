import { defineTrigger } from '../../../sdk/index.js';
import createCard from '../fixtures/create-card.json' with { type: 'json' };
import { trelloWebhook, type TrelloParams } from '../webhooks.js';
import { cardCreated } from './actions.js';
import { boardIdParameter } from './params.js';

export const cardCreatedTrigger = defineTrigger<TrelloParams>({
  type: 'TRELLO_TRIGGER_CARD_CREATED',
  title: 'Card created',
  description: 'Fires when a card is created on the board, or copied onto it (Trello actions `createCard`, `copyCard`). Delivers the webhook body `{action, model}`.',
  parameters: [boardIdParameter],
  examplePayload: createCard,
  docsUrl: 'https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks',
  source: trelloWebhook(cardCreated),
});
