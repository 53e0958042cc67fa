// TEAMS_TRIGGER_CHANNEL_MESSAGE_POSTED: a Graph subscription on /teams/{teamId}/channels/{channelId}/messages
// (changeType created, without resource data). Replies are messages too; system event messages are skipped.
// Follows https://learn.microsoft.com/graph/teams-changenotifications-chatmessage.
import { defineTrigger } from '../../../sdk/index.js';
import message from '../fixtures/chat-message.json' with { type: 'json' };
import { createdSinceCatchUp, graphWebhookSource } from '../../../sdk/providers/microsoft-graph.js';
import { channelIdParameter, fetchMessage, messagesPostedSince, teamIdParameter, type ChannelParams } from '../teams.js';

/**
 * Teams `chatMessage` subscriptions: 4,320 minutes in the current lifetime table; older pages said 60 minutes.
 * The shared source retries with 60 minutes when Graph refuses the longer expiry.
 */
export const MESSAGE_MAX_LIFETIME_MINUTES = 4320;

export const channelMessagePosted = defineTrigger<ChannelParams>({
  type: 'TEAMS_TRIGGER_CHANNEL_MESSAGE_POSTED',
  title: 'Channel message posted',
  description: 'Fires when a message or a reply is posted in a channel. Delivers the chatMessage as Microsoft Graph returns it.',
  parameters: [teamIdParameter, channelIdParameter],
  examplePayload: message,
  docsUrl: 'https://learn.microsoft.com/graph/teams-changenotifications-chatmessage',
  source: graphWebhookSource<ChannelParams>({
    resource: (p) => `/teams/${p.teamId}/channels/${p.channelId}/messages`,
    changeType: 'created',
    maxLifetimeMinutes: MESSAGE_MAX_LIFETIME_MINUTES,
    fetch: (n, ctx) => fetchMessage(ctx.http, ctx.params, n),
    ...createdSinceCatchUp<ChannelParams>((ctx, since, baselineAt) => messagesPostedSince(ctx.http, ctx.params, since, baselineAt)),
  }),
});
