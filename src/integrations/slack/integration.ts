// Slack: one app for all workspaces. Events arrive on the project's app-level URL (Events API and
// Interactivity), verified with the app's Signing Secret (the project's integration `webhookSecret`) and
// routed by workspace id to credentials whose provider account id is that workspace.
// Setup and design choices: docs/integrations/slack.md.
import { defineIntegration } from '../../sdk/index.js';
import { slackAccount, slackTokenRefused } from './api.js';
import { parseSlackRequest, slackSigningScheme, slackUrlVerification } from './events.js';
import { appMentioned } from './triggers/app-mentioned.js';
import { channelCreated } from './triggers/channel-created.js';
import { channelMessagePosted } from './triggers/channel-message-posted.js';
import { directMessagePosted } from './triggers/direct-message-posted.js';
import { groupMessagePosted } from './triggers/group-message-posted.js';
import { messageInteraction } from './triggers/message-interaction.js';
import { newReaction, reactionAdded } from './triggers/reaction-added.js';

/** Bot-token scopes: one per event type the triggers listen to (docs/integrations/slack.md lists which). */
export const SLACK_SCOPES = [
  'channels:history',
  'groups:history',
  'im:history',
  'mpim:history',
  'app_mentions:read',
  'reactions:read',
  'channels:read',
];

export const slackIntegration = defineIntegration({
  key: 'slack',
  name: 'Slack',
  docsUrl: 'https://docs.slack.dev/apis/events-api',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://slack.com/oauth/v2/authorize',
    tokenUrl: 'https://slack.com/api/oauth.v2.access',
    scopes: SLACK_SCOPES,
    // Slack's `scope` parameter is comma-separated.
    scopeSeparator: ',',
    // Turning PKCE on in a Slack app makes it a public client, irreversibly; confidential apps (client
    // secret) are the normal server-side setup, so no PKCE parameters are sent.
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://slack.com/api',
  // With token rotation on, an expired token is answered with HTTP 200 and `token_expired`: the engine refreshes
  // and calls again, as after a 401.
  tokenRefused: slackTokenRefused,
  // The token response (team.id) names the workspace; auth.test confirms the token and adds details.
  accountId: ({ http, token }) => slackAccount(http, token.extra),
  appWebhook: {
    verification: slackSigningScheme,
    handshakes: [slackUrlVerification],
    parse: parseSlackRequest,
    // Slack reads the body of an answer to an interaction: to a legacy interactive message it is a
    // replacement message, to a modal submission a response_action. An empty 200 only acknowledges (what
    // Slack's own Bolt framework sends for an ack() without arguments).
    emptyAcknowledgement: true,
  },
  triggers: [
    channelMessagePosted,
    directMessagePosted,
    groupMessagePosted,
    channelCreated,
    appMentioned,
    messageInteraction,
    reactionAdded,
    newReaction,
  ],
});
