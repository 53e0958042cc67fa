// Gong with an API access key. All triggers poll the API v2 (poll.ts); setup and design: docs/integrations/gong.md.
//
// Auth: Gong's manual credentials are an Access Key and an Access Key Secret, sent as
// `Authorization: Basic Base64(<accessKey>:<accessKeySecret>)` (https://help.gong.io/apidocs/introduction-2). The
// credential's `apiKey` is that Base64 token, sent after `Basic `. OAuth apps are not offered: Gong's token answer
// names a per-customer API host (`api_base_url_for_customer`) and the engine has one apiBaseUrl per integration.
// For the same reason, an account whose API base URL is not https://api.gong.io needs the project's apiBaseUrl set.
//
// Design choice — polling: Gong's webhooks are "automation rules" set up by an admin in the Gong UI; there is no API
// to register one per account.
import { defineIntegration } from '../../sdk/index.js';
import { callByHostsTrigger } from './triggers/call-by-hosts.js';
import { callCreatedTrigger } from './triggers/call-created.js';
import { userCreatedTrigger } from './triggers/user-created.js';

export const gongIntegration = defineIntegration({
  key: 'gong',
  name: 'Gong',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Basic ' },
  apiBaseUrl: 'https://api.gong.io',
  docsUrl: 'https://help.gong.io/apidocs/introduction-2',
  triggers: [callCreatedTrigger, callByHostsTrigger, userCreatedTrigger],
});
