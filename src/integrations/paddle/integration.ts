// Paddle Billing through an API key (Paddle → Developer tools → Authentication, `pdl_live_apikey_…` or
// `pdl_sdbx_apikey_…`) with the `notification_setting.read` and `notification_setting.write` permissions, sent as
// `Authorization: Bearer <key>`. Each trigger subscription creates one notification destination for its event type
// (see webhooks.ts). Sandbox accounts: set the project's apiBaseUrl to https://sandbox-api.paddle.com.
// Setup: docs/integrations/paddle.md.
import { defineIntegration } from '../../sdk/index.js';
import { customerCreatedTrigger } from './triggers/customer-created.js';
import { subscriptionCanceledTrigger } from './triggers/subscription-canceled.js';
import { subscriptionCreatedTrigger } from './triggers/subscription-created.js';
import { subscriptionPastDueTrigger } from './triggers/subscription-past-due.js';
import { transactionCompletedTrigger } from './triggers/transaction-completed.js';

export { PADDLE_SIGNATURE } from './webhooks.js';

export const paddleIntegration = defineIntegration({
  key: 'paddle',
  name: 'Paddle',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' },
  apiBaseUrl: 'https://api.paddle.com',
  docsUrl: 'https://developer.paddle.com/api-reference/notification-settings/create-notification-setting',
  triggers: [transactionCompletedTrigger, subscriptionCreatedTrigger, subscriptionCanceledTrigger, subscriptionPastDueTrigger, customerCreatedTrigger],
});
