// Freshservice (API v2) with an API key, on the account's own host `https://{domain}.freshservice.com/api/v2`: the
// connect call (or a direct credential's `extra`) names the account as `domain` (ADR 0027). Setup:
// docs/integrations/freshservice.md.
//
// Auth: HTTP Basic with the API key as the user name and `X` as the password (https://api.freshservice.com/#authentication):
// the credential's `apiKey` is the key from the agent's profile settings, sent as Basic `<key>:X` (basicPassword).
//
// Design choice — polling, not webhooks: Freshservice sends webhooks only from "Trigger Webhook" actions of Workflow
// Automator rules an admin builds in the UI; the API has no call to register, list or delete them, and they carry no
// signature. The triggers poll the ticket and change lists by update time instead (sweep.ts).
import { defineIntegration } from '../../sdk/index.js';
import { changeCreatedTrigger } from './triggers/change-created.js';
import { ticketCreatedTrigger } from './triggers/ticket-created.js';
import { ticketResolvedTrigger } from './triggers/ticket-resolved.js';
import { ticketUpdatedTrigger } from './triggers/ticket-updated.js';

export const freshserviceIntegration = defineIntegration({
  key: 'freshservice',
  name: 'Freshservice',
  auth: { kind: 'apiKey', header: 'authorization', basicPassword: 'X' },
  accountParameters: [{ name: 'domain', description: "the account's freshservice.com name, e.g. acme for acme.freshservice.com", acceptSuffix: '.freshservice.com' }],
  apiBaseUrl: 'https://{domain}.freshservice.com/api/v2',
  docsUrl: 'https://api.freshservice.com/',
  triggers: [ticketCreatedTrigger, ticketUpdatedTrigger, ticketResolvedTrigger, changeCreatedTrigger],
});
