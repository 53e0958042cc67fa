import { defineTrigger } from '../../../sdk/index.js';
import contact from '../fixtures/contact.json' with { type: 'json' };
import { pollContacts } from '../contacts.js';

export const contactCreated = defineTrigger({
  type: 'INTERCOM_TRIGGER_CONTACT_CREATED',
  title: 'Contact created',
  description: 'Fires once for each new contact (user or lead). Polls the contacts search API by created_at.',
  parameters: [],
  examplePayload: contact,
  docsUrl: 'https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/searchcontacts',
  source: {
    kind: 'poll',
    poll: (ctx) => pollContacts(ctx, 'created_at', (c) => ({ key: c.id, payload: c, ...(typeof c.created_at === 'number' ? { occurredAt: c.created_at * 1000 } : {}) })),
  },
});
