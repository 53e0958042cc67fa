// Marketo (Adobe Marketo Engage) through its REST API on the instance's own host, with a LaunchPoint custom
// service's client credentials (api.ts explains how they are kept: an apiKey credential holding
// base64("clientId:clientSecret"), exchanged for a token on every poll). Triggers poll the activities API with
// a paging token (activities.ts). Setup: docs/integrations/marketo.md.
import { defineIntegration } from '../../sdk/index.js';
import { formFilledOutTrigger } from './triggers/form-filled-out.js';
import { leadDataValueChangedTrigger } from './triggers/lead-data-value-changed.js';
import { newLeadTrigger } from './triggers/new-lead.js';

export const marketoIntegration = defineIntegration({
  key: 'marketo',
  name: 'Marketo',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Basic ' },
  // Never used for calls: they go to the credential's instance (https://{munchkinId}.mktorest.com).
  apiBaseUrl: 'https://mktorest.com',
  docsUrl: 'https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/authentication',
  triggers: [newLeadTrigger, formFilledOutTrigger, leadDataValueChangedTrigger],
});
