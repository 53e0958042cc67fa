import { defineTrigger } from '../../../sdk/index.js';
import commentCard from '../fixtures/comment-card.json' with { type: 'json' };
import { trelloWebhook, type TrelloParams } from '../webhooks.js';
import { commentAdded } from './actions.js';
import { boardIdParameter } from './params.js';

export const commentAddedTrigger = defineTrigger<TrelloParams>({
  type: 'TRELLO_TRIGGER_COMMENT_ADDED',
  title: 'Comment added to a card',
  description: 'Fires when someone comments on a card of the board (Trello `commentCard`; the text is `action.data.text`). Delivers the webhook body `{action, model}`.',
  parameters: [boardIdParameter],
  examplePayload: commentCard,
  docsUrl: 'https://developer.atlassian.com/cloud/trello/guides/rest-api/webhooks',
  source: trelloWebhook(commentAdded),
});
