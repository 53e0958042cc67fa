// OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK: a Graph subscription on /me/mailFolders('{folder}')/messages (or
// /users/{id}/…), changeType created. Missed notifications are recovered with the folder's message delta
// query (deltaLink kept in the subscription state).
// Follows https://learn.microsoft.com/graph/outlook-change-notifications-overview.
import { defineTrigger } from '../../../sdk/index.js';
import message from '../fixtures/message.json' with { type: 'json' };
import { graphWebhookSource } from '../../../sdk/providers/microsoft-graph.js';
import { fetchMessage, mailCatchUp, mailFolderParameter, mailboxResource, startMailCursor, userIdParameter, type MailFolderParams } from '../outlook.js';

/** Outlook message/event/contact subscriptions: 4,230 minutes (https://learn.microsoft.com/graph/change-notifications-overview#subscription-lifetime). */
export const OUTLOOK_MAX_LIFETIME_MINUTES = 4230;

export const newMessageWebhook = defineTrigger<MailFolderParams>({
  type: 'OUTLOOK_TRIGGER_NEW_MESSAGE_WEBHOOK',
  title: 'New message',
  description: 'Fires when a message arrives in a mail folder (default: the inbox). Delivers the message as GET /me/messages/{id} returns it.',
  parameters: [userIdParameter, mailFolderParameter],
  examplePayload: message,
  docsUrl: 'https://learn.microsoft.com/graph/outlook-change-notifications-overview',
  source: graphWebhookSource<MailFolderParams>({
    resource: (p) => `${mailboxResource(p)}/mailFolders('${p.mailFolder}')/messages`,
    changeType: 'created',
    maxLifetimeMinutes: OUTLOOK_MAX_LIFETIME_MINUTES,
    fetch: (n, ctx) => fetchMessage(ctx.http, ctx.params, n),
    startCursor: (ctx, baselineAt) => startMailCursor(ctx.http, ctx.params, baselineAt),
    catchUp: (ctx, cursor, baselineAt) => mailCatchUp(ctx.http, ctx.params, cursor, baselineAt, ctx.now()),
  }),
});
