// ActiveCampaign (API v3) with an account's API key, sent in the `Api-Token` header
// (https://developers.activecampaign.com/reference/authentication). Every account has its own API host,
// `https://{account}.api-us1.com`, named after its `{account}.activehosted.com` address: the credential's
// `extra.account` fills the placeholder (ADR 0027). Accounts shown another API URL in Settings → Developer (third
// parties report `api-eu1.com`; not confirmed by ActiveCampaign) need the project's apiBaseUrl set to that
// template, e.g. `https://{account}.api-eu1.com`.
// Triggers create one account webhook per trigger subscription, protected by a secret in the URL's query
// (webhooks.ts). Setup: docs/integrations/activecampaign.md.
import { defineIntegration } from '../../sdk/index.js';
import { contactAddedTrigger } from './triggers/contact-added.js';
import { contactTagAddedTrigger } from './triggers/contact-tag-added.js';
import { contactUnsubscribedTrigger } from './triggers/contact-unsubscribed.js';
import { dealCreatedTrigger } from './triggers/deal-created.js';
import { dealStageChangedTrigger } from './triggers/deal-stage-changed.js';

export const activeCampaignIntegration = defineIntegration({
  key: 'activecampaign',
  name: 'ActiveCampaign',
  auth: { kind: 'apiKey', header: 'api-token' },
  accountParameters: [{ name: 'account', description: 'the account name, e.g. acme for acme.activehosted.com (API URL https://acme.api-us1.com)', acceptSuffix: '.activehosted.com' }],
  apiBaseUrl: 'https://{account}.api-us1.com',
  docsUrl: 'https://developers.activecampaign.com/reference/webhooks',
  triggers: [contactAddedTrigger, contactUnsubscribedTrigger, contactTagAddedTrigger, dealCreatedTrigger, dealStageChangedTrigger],
});
