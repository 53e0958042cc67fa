// OUTLOOK_TRIGGER_NEW_EVENT_WEBHOOK: a Graph subscription on /me/events (or /users/{id}/events), changeType
// created. Missed notifications are recovered by listing events created since the last catch-up.
// Follows https://learn.microsoft.com/graph/outlook-change-notifications-overview.
import { defineTrigger } from '../../../sdk/index.js';
import event from '../fixtures/event.json' with { type: 'json' };
import { createdSinceCatchUp, graphWebhookSource } from '../../../sdk/providers/microsoft-graph.js';
import { eventsCreatedSince, fetchEvent, mailboxResource, userIdParameter, type MailboxParams } from '../outlook.js';
import { OUTLOOK_MAX_LIFETIME_MINUTES } from './new-message-webhook.js';

export const newEventWebhook = defineTrigger<MailboxParams>({
  type: 'OUTLOOK_TRIGGER_NEW_EVENT_WEBHOOK',
  title: 'New calendar event',
  description: 'Fires when an event is created in the calendars of a mailbox. Delivers the event as GET /me/events/{id} returns it.',
  parameters: [userIdParameter],
  examplePayload: event,
  docsUrl: 'https://learn.microsoft.com/graph/outlook-change-notifications-overview',
  source: graphWebhookSource<MailboxParams>({
    resource: (p) => `${mailboxResource(p)}/events`,
    changeType: 'created',
    maxLifetimeMinutes: OUTLOOK_MAX_LIFETIME_MINUTES,
    fetch: (n, ctx) => fetchEvent(ctx.http, ctx.params, n),
    ...createdSinceCatchUp<MailboxParams>((ctx, since, baselineAt) => eventsCreatedSince(ctx.http, ctx.params, since, baselineAt)),
  }),
});
