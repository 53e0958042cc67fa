// Freshdesk (API v2) with an API key, on the helpdesk's own host `https://{domain}.freshdesk.com/api/v2`: the
// credential's `extra` (or the connect call) names the helpdesk as `domain` (ADR 0027). Setup:
// docs/integrations/freshdesk.md.
//
// Auth: HTTP Basic with the API key as the user name and `X` as the password
// (https://developers.freshdesk.com/api/#authentication): the credential's `apiKey` is the key as Freshdesk shows
// it, sent as Basic `<key>:X` (basicPassword); it stays in the credential store, never in a URL or a log line.
//
// Design choice — polling, not webhooks: Freshdesk sends webhooks only from automation rules that an admin
// creates in the helpdesk UI (Admin → Automations → "Trigger webhook"); its API offers no call to register,
// list or delete such a webhook, and the requests carry no signature. The triggers poll the ticket and contact
// lists by update time instead, which needs nothing from the admin and loses nothing (tickets.ts).
import { defineIntegration } from '../../sdk/index.js';
import { contactCreatedTrigger } from './triggers/contact-created.js';
import { ticketCreatedTrigger } from './triggers/ticket-created.js';
import { ticketUpdatedTrigger } from './triggers/ticket-updated.js';

export const freshdeskIntegration = defineIntegration({
  key: 'freshdesk',
  name: 'Freshdesk',
  auth: { kind: 'apiKey', header: 'authorization', basicPassword: 'X' },
  accountParameters: [{ name: 'domain', description: "the helpdesk's freshdesk.com name, e.g. acme for acme.freshdesk.com", acceptSuffix: '.freshdesk.com' }],
  apiBaseUrl: 'https://{domain}.freshdesk.com/api/v2',
  docsUrl: 'https://developers.freshdesk.com/api/',
  triggers: [ticketCreatedTrigger, ticketUpdatedTrigger, contactCreatedTrigger],
});
