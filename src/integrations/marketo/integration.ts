// Marketo (Adobe Marketo Engage) through its REST API on the instance's own host (`munchkinId` account parameter),
// with a LaunchPoint custom service's client id and secret: a client-credentials account, whose tokens the engine
// fetches and renews (api.ts). Triggers poll the activities API with a paging token (activities.ts).
// Setup: docs/integrations/marketo.md.
import { defineIntegration } from '../../sdk/index.js';
import { tokenRefused } from './api.js';
import { formFilledOutTrigger } from './triggers/form-filled-out.js';
import { leadDataValueChangedTrigger } from './triggers/lead-data-value-changed.js';
import { newLeadTrigger } from './triggers/new-lead.js';

export const marketoIntegration = defineIntegration({
  key: 'marketo',
  name: 'Marketo',
  // Marketo documents client_id and client_secret as request parameters of GET or POST /identity/oauth/token.
  auth: { kind: 'clientCredentials', tokenUrl: 'https://{munchkinId}.mktorest.com/identity/oauth/token', clientAuth: 'body' },
  apiBaseUrl: 'https://{munchkinId}.mktorest.com',
  accountParameters: [
    {
      name: 'munchkinId',
      description: "the instance's Munchkin id, e.g. 123-ABC-456 (Admin → Munchkin; the host of the REST endpoint under Admin → Web Services)",
      acceptSuffix: '.mktorest.com',
    },
  ],
  tokenRefused,
  docsUrl: 'https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/authentication',
  triggers: [newLeadTrigger, formFilledOutTrigger, leadDataValueChangedTrigger],
});
