// Eventbrite API v3 (https://www.eventbrite.com/platform/api) with OAuth 2: authorize at
// `https://www.eventbrite.com/oauth/authorize`, exchange the code at `POST https://www.eventbrite.com/oauth/token`
// with the client id and secret in the form body (https://www.eventbrite.com/platform/api#/introduction/authentication).
// Eventbrite has no scopes. The API lives on one host, `https://www.eventbriteapi.com/v3`.
//
// Webhooks belong to an organization: the connect step reads the user (`GET /users/me/`) and keeps the first of
// `GET /users/me/organizations/` as `extra.organizationId`; a trigger's `organizationId` parameter chooses another.
// Each trigger subscription creates one webhook for one action (webhooks.ts). Setup: docs/integrations/eventbrite.md.
import { defineIntegration } from '../../sdk/index.js';
import { eventbriteError, idOf } from './api.js';
import { attendeeCheckedInTrigger } from './triggers/attendee-checked-in.js';
import { attendeeUpdatedTrigger } from './triggers/attendee-updated.js';
import { eventCreatedTrigger } from './triggers/event-created.js';
import { eventPublishedTrigger } from './triggers/event-published.js';
import { orderPlacedTrigger } from './triggers/order-placed.js';

export const eventbriteIntegration = defineIntegration({
  key: 'eventbrite',
  name: 'Eventbrite',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://www.eventbrite.com/oauth/authorize',
    tokenUrl: 'https://www.eventbrite.com/oauth/token',
    scopes: [],
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://www.eventbriteapi.com/v3',
  docsUrl: 'https://www.eventbrite.com/platform/docs/webhooks',
  async accountId({ http }) {
    const me = await http.request<{ id?: unknown; name?: unknown }>({ path: '/users/me/', allowStatus: [403, 404] });
    if (me.status >= 400) throw eventbriteError(me, 'reading the user', Date.now());
    const id = idOf(me.body?.id);
    if (!id) throw new Error('Eventbrite answered /users/me/ without the user id');
    const orgs = await http.request<{ organizations?: Array<{ id?: unknown; name?: unknown }> }>({ path: '/users/me/organizations/', allowStatus: [403, 404] });
    if (orgs.status >= 400) throw eventbriteError(orgs, 'listing the organizations', Date.now());
    const first = Array.isArray(orgs.body?.organizations) ? orgs.body.organizations[0] : undefined;
    const organizationId = idOf(first?.id);
    return {
      providerAccountId: id,
      extra: {
        ...(organizationId ? { organizationId } : {}),
        ...(organizationId && typeof first?.name === 'string' ? { organizationName: first.name } : {}),
        ...(typeof me.body?.name === 'string' ? { userName: me.body.name } : {}),
      },
    };
  },
  triggers: [orderPlacedTrigger, attendeeUpdatedTrigger, attendeeCheckedInTrigger, eventCreatedTrigger, eventPublishedTrigger],
});
