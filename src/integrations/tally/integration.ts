// Tally (https://developers.tally.so): the response trigger creates one Tally webhook per trigger subscription on
// the chosen form, signed with a secret we choose (webhooks.ts); the form triggers poll the forms list
// (triggers/forms.ts). Auth: a Tally API key (`tly-…`, Settings → API keys) sent as `Authorization: Bearer <key>`.
// Setup: docs/integrations/tally.md.
import { defineIntegration } from '../../sdk/index.js';
import { formUpdatedTrigger, newFormTrigger } from './triggers/forms.js';
import { newResponseTrigger } from './triggers/new-response.js';

export { TALLY_SIGNATURE } from './webhooks.js';

export const tallyIntegration = defineIntegration({
  key: 'tally',
  name: 'Tally',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' },
  apiBaseUrl: 'https://api.tally.so',
  docsUrl: 'https://developers.tally.so/api-reference/introduction',
  triggers: [newResponseTrigger, newFormTrigger, formUpdatedTrigger],
});
