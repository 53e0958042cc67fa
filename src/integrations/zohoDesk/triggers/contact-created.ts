import events from '../fixtures/events.json' with { type: 'json' };
import { webhookTrigger } from './factory.js';

export const contactCreatedTrigger = webhookTrigger({
  type: 'ZOHO_DESK_TRIGGER_CONTACT_CREATED',
  title: 'Contact created',
  description:
    'Fires when a contact (a customer) is created in the help desk — Zoho Desk webhook event `Contact_Add`. Delivers `{eventType: "Contact_Add", eventTime, orgId, payload}` where `payload` is the contact (`id`, `firstName`, `lastName`, `email`, `phone`, `accountId`, `createdTime`, …). Once per contact.',
  eventType: 'Contact_Add',
  kind: 'created',
  examplePayload: events.Contact_Add,
});
