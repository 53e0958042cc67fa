import example from '../fixtures/contact-added-to-list.json' with { type: 'json' };
import { brevoTrigger, listIdParameter } from './factory.js';

export const contactAddedToListTrigger = brevoTrigger({
  type: 'BREVO_TRIGGER_CONTACT_ADDED_TO_LIST',
  spec: { type: 'marketing', register: 'listAddition', payloadEvents: ['list_addition', 'listAddition'] },
  title: 'Contact added to a list',
  description:
    "Fires when a contact is added to a contact list — a new contact created into a list, or an existing one added (marketing webhook event `listAddition`, sent as `list_addition`); optionally only one list. Delivers Brevo's call: `email`, `list_id` (the list ids), `ts_event`, `api_key_name` (the API key that made the change, empty when made elsewhere).",
  parameters: [listIdParameter],
  example,
});
