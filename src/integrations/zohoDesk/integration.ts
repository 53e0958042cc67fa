// Zoho Desk (API v1) through OAuth 2.0 with Zoho Accounts (server-based client), like Zoho CRM: authorize and
// exchange at the US accounts server (projects of another data centre set authorizationUrl/tokenUrl), with
// `access_type=offline` and `prompt=consent` for a refresh token; Zoho's `invalid_code` refresh answer marks the
// credential INVALID. Tokens go as `Authorization: Zoho-oauthtoken <token>`, as Zoho Desk documents.
//
// At connect, the token response's `api_domain` selects the data centre's Desk host (api.ts `deskBase`) and
// `GET /organizations` names the help desk: its id is the provider account id and `extra.orgId`, sent as the `orgId`
// header of every call (`credentialHeaders`). A direct credential gives `extra.orgId` (and `extra.api_domain` outside
// the US data centre) itself.
//
// Every trigger creates one Zoho Desk webhook (webhooks.ts). Setup: docs/integrations/zohoDesk.md.
import { defineIntegration } from '../../sdk/index.js';
import { defaultOrganization, deskBase, orgHeader } from './api.js';
import { contactCreatedTrigger } from './triggers/contact-created.js';
import { ticketCommentAddedTrigger } from './triggers/ticket-comment-added.js';
import { ticketCreatedTrigger } from './triggers/ticket-created.js';
import { ticketStatusChangedTrigger } from './triggers/ticket-status-changed.js';
import { ticketUpdatedTrigger } from './triggers/ticket-updated.js';

export const zohoDeskIntegration = defineIntegration({
  key: 'zohoDesk',
  name: 'Zoho Desk',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://accounts.zoho.com/oauth/v2/auth',
    tokenUrl: 'https://accounts.zoho.com/oauth/v2/token',
    scopes: ['Desk.tickets.READ', 'Desk.contacts.READ', 'Desk.basic.READ', 'Desk.events.ALL'],
    scopeSeparator: ',',
    pkce: false,
    clientAuth: 'body',
    refusedRefreshErrors: ['invalid_code'],
    extraAuthorizationParams: { access_type: 'offline', prompt: 'consent' },
    tokenHeader: { header: 'Authorization', prefix: 'Zoho-oauthtoken ' },
  },
  apiBaseUrl: 'https://desk.zoho.com/api/v1',
  docsUrl: 'https://desk.zoho.com/DeskAPIDocument',
  credentialHeaders: orgHeader,
  async accountId({ http, token }) {
    const extra = token.extra ?? {};
    const base = deskBase(extra);
    const org = await defaultOrganization(http, base, Date.now());
    const apiDomain = typeof extra.api_domain === 'string' && extra.api_domain !== '' ? { api_domain: extra.api_domain } : {};
    return { providerAccountId: org.id, extra: { ...apiDomain, orgId: org.id, ...(org.companyName ? { orgName: org.companyName } : {}), ...(org.portalName ? { portalName: org.portalName } : {}) } };
  },
  triggers: [ticketCreatedTrigger, ticketUpdatedTrigger, ticketStatusChangedTrigger, ticketCommentAddedTrigger, contactCreatedTrigger],
});
