import { defineTrigger } from '../../../sdk/index.js';
import contact from '../fixtures/contact.json' with { type: 'json' };
import { pollContacts } from '../contacts.js';

export const contactUpdated = defineTrigger({
  type: 'INTERCOM_TRIGGER_CONTACT_UPDATED',
  title: 'Contact updated',
  description:
    'Fires for each new version of a contact (its updated_at changed). The creation itself is not an update; several ' +
    'changes within the same second are one version. Polls the contacts search API by updated_at.',
  parameters: [],
  examplePayload: contact,
  docsUrl: 'https://developers.intercom.com/docs/references/rest-api/api.intercom.io/contacts/searchcontacts',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollContacts(ctx, 'updated_at', (c, at) => (at === c.created_at ? null : { key: `${c.id}:${at}`, payload: c, occurredAt: at * 1000 })),
  },
});
