// Klaviyo with a private API key. All triggers poll the REST API (poll.ts); setup and design:
// docs/integrations/klaviyo.md.
//
// Auth: `Authorization: Klaviyo-API-Key pk_…` (https://developers.klaviyo.com/en/docs/authenticate_); the key needs
// the read scopes of the triggers used (profiles:read, lists:read, events:read). Klaviyo recommends OAuth for
// partner apps (https://developers.klaviyo.com/en/docs/set_up_oauth); OAuth credentials send `Bearer` instead and
// are not offered here yet (an integration declares one auth kind).
//
// Design choice — polling, not webhooks: Klaviyo's Webhooks API (`/api/webhooks`, signed with Klaviyo-Signature)
// is open only to Advanced KDP customers and Klaviyo app partners, and its topics cover email/SMS/push/review/
// consent events, not profile creation or list membership. Polling works for every account and every metric.
import { defineIntegration } from '../../sdk/index.js';
import { REVISION } from './api.js';
import { metricEventTrigger } from './triggers/metric-event.js';
import { profileAddedToListTrigger } from './triggers/profile-added-to-list.js';
import { profileCreatedTrigger } from './triggers/profile-created.js';

export const klaviyoIntegration = defineIntegration({
  key: 'klaviyo',
  name: 'Klaviyo',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Klaviyo-API-Key ' },
  apiBaseUrl: 'https://a.klaviyo.com',
  docsUrl: 'https://developers.klaviyo.com/en/reference',
  defaultHeaders: { revision: REVISION, accept: 'application/vnd.api+json' },
  triggers: [profileCreatedTrigger, profileAddedToListTrigger, metricEventTrigger],
});
