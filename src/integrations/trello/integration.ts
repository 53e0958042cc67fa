// Trello (REST API v1) with an app API key and a user token. Each trigger watches one board through one Trello
// webhook per trigger subscription (webhooks.ts). Setup: docs/integrations/trello.md.
//
// Auth: Trello takes the key and the token as `key`/`token` query parameters
// (https://developer.atlassian.com/cloud/trello/guides/rest-api/authorization/) and, as its REST docs describe
// it, in an OAuth 1.0-style header `Authorization: OAuth oauth_consumer_key="{key}", oauth_token="{token}"`
// (the header form is NOT confirmed by the pages we could read: see docs/integrations/trello.md). The SDK's apiKey auth sends
// one stored string after a prefix, so the credential's `apiKey` is the header's parameter list
// `oauth_consumer_key="…", oauth_token="…"` and the prefix is `OAuth `: the token stays in the credential
// store and never in a URL (so never in a log line of a request URL).
import { defineIntegration } from '../../sdk/index.js';
import { cardArchivedTrigger } from './triggers/card-archived.js';
import { cardCreatedTrigger } from './triggers/card-created.js';
import { cardMovedTrigger } from './triggers/card-moved.js';
import { checklistItemCompletedTrigger } from './triggers/checklist-item-completed.js';
import { commentAddedTrigger } from './triggers/comment-added.js';

export const trelloIntegration = defineIntegration({
  key: 'trello',
  name: 'Trello',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'OAuth ' },
  apiBaseUrl: 'https://api.trello.com/1',
  docsUrl: 'https://developer.atlassian.com/cloud/trello/guides/rest-api/authorization/',
  triggers: [cardCreatedTrigger, cardMovedTrigger, commentAddedTrigger, cardArchivedTrigger, checklistItemCompletedTrigger],
});
