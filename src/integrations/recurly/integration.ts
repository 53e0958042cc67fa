// Recurly (Subscriptions API v2021-02-25 at https://v3.recurly.com; EU sites at https://v3.eu.recurly.com: set the
// project's apiBaseUrl). Setup: docs/integrations/recurly.md.
//
// Auth: a private API key (Integrations → API Credentials) sent as HTTP Basic user name with an empty password; every
// call also names the API version in `Accept` (defaultHeaders).
//
// Recurly's webhooks are configured per site in the Recurly app, and the v3 API has no call to create them, so every
// trigger polls a list by update time (poll.ts).
import { defineIntegration } from '../../sdk/index.js';
import { RECURLY_ACCEPT } from './api.js';
import { accountCreatedTrigger } from './triggers/account-created.js';
import { invoicePaidTrigger } from './triggers/invoice-paid.js';
import { subscriptionCanceledTrigger } from './triggers/subscription-canceled.js';
import { subscriptionCreatedTrigger } from './triggers/subscription-created.js';
import { transactionFailedTrigger, transactionSucceededTrigger } from './triggers/transactions.js';

export const recurlyIntegration = defineIntegration({
  key: 'recurly',
  name: 'Recurly',
  auth: { kind: 'apiKey', header: 'authorization', basicPassword: '' },
  apiBaseUrl: 'https://v3.recurly.com',
  defaultHeaders: { accept: RECURLY_ACCEPT },
  docsUrl: 'https://recurly.com/developers/api/v2021-02-25/',
  triggers: [
    accountCreatedTrigger,
    subscriptionCreatedTrigger,
    subscriptionCanceledTrigger,
    invoicePaidTrigger,
    transactionSucceededTrigger,
    transactionFailedTrigger,
  ],
});
