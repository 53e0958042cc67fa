// TEAMS_TRIGGER_CHANNEL_CREATED: a Graph subscription on /teams/{teamId}/channels (changeType created).
// Follows https://learn.microsoft.com/graph/teams-changenotifications-team-and-channel.
import { defineTrigger } from '../../../sdk/index.js';
import channel from '../fixtures/channel.json' with { type: 'json' };
import { graphWebhookSource } from '../../../sdk/providers/microsoft-graph.js';
import { channelsCreatedSince, fetchChannel, teamIdParameter, type TeamParams } from '../teams.js';

/** Teams `channel` subscriptions: 4,320 minutes (https://learn.microsoft.com/graph/change-notifications-overview#subscription-lifetime). */
export const CHANNEL_MAX_LIFETIME_MINUTES = 4320;

export const channelCreated = defineTrigger<TeamParams>({
  type: 'TEAMS_TRIGGER_CHANNEL_CREATED',
  title: 'Channel created',
  description: 'Fires when a standard channel is created in a team. Delivers the channel as GET /teams/{teamId}/channels/{channelId} returns it.',
  parameters: [teamIdParameter],
  examplePayload: channel,
  docsUrl: 'https://learn.microsoft.com/graph/teams-changenotifications-team-and-channel',
  source: graphWebhookSource<TeamParams>({
    resource: (p) => `/teams/${p.teamId}/channels`,
    changeType: 'created',
    maxLifetimeMinutes: CHANNEL_MAX_LIFETIME_MINUTES,
    fetch: (n, ctx) => fetchChannel(ctx.http, ctx.params, n),
    startCursor: async () => null,
    // The team's channel list is short and complete: list it, keep those created since the subscription began.
    catchUp: async (ctx, cursor, baselineAt) => ({ items: await channelsCreatedSince(ctx.http, ctx.params, baselineAt), cursor }),
  }),
});
