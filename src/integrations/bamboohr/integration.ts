// BambooHR (HRIS) for one company per credential. Each trigger subscription creates one permissioned, event-based
// BambooHR webhook (webhooks.ts), signed with the private key BambooHR returns at creation. Setup:
// docs/integrations/bamboohr.md.
//
// Auth: an API key sent as the HTTP Basic user name with any password ("x" here)
// (https://documentation.bamboohr.com/docs/getting-started). The API lives under the company's own path,
// `https://api.bamboohr.com/api/gateway.php/{companyDomain}/v1`: the credential names its company
// (`extra.companyDomain`, e.g. `acme` for acme.bamboohr.com), which fills the placeholder (ADR 0027). BambooHR's OAuth
// (on `{companyDomain}.bamboohr.com`) is not offered yet.
import { defineIntegration } from '../../sdk/index.js';
import { employeeCreatedTrigger } from './triggers/employee-created.js';
import { employeeDeletedTrigger } from './triggers/employee-deleted.js';
import { employeeStatusChangedTrigger } from './triggers/employee-status-changed.js';
import { employeeUpdatedTrigger } from './triggers/employee-updated.js';

export { BAMBOOHR_SIGNATURE } from './webhooks.js';

export const bamboohrIntegration = defineIntegration({
  key: 'bamboohr',
  name: 'BambooHR',
  auth: { kind: 'apiKey', header: 'authorization', basicPassword: 'x' },
  accountParameters: [{ name: 'companyDomain', description: "the company's BambooHR subdomain, e.g. acme for acme.bamboohr.com", acceptSuffix: '.bamboohr.com' }],
  apiBaseUrl: 'https://api.bamboohr.com/api/gateway.php/{companyDomain}/v1',
  docsUrl: 'https://documentation.bamboohr.com/docs/permissioned-webhooks',
  triggers: [employeeCreatedTrigger, employeeUpdatedTrigger, employeeStatusChangedTrigger, employeeDeletedTrigger],
});
