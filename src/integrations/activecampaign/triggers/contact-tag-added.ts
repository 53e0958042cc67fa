import tagAdded from '../fixtures/contact-tag-added.json' with { type: 'json' };
import { tagParameter } from '../webhooks.js';
import { webhookTrigger } from './factory.js';

export const contactTagAddedTrigger = webhookTrigger({
  type: 'ACTIVECAMPAIGN_TRIGGER_CONTACT_TAG_ADDED',
  title: 'Tag added to contact',
  description:
    'Fires when a tag is added to a contact (webhook event `contact_tag_added`). With `tag`, only that tag (by name, case-insensitive). Delivers `{type: "contact_tag_added", date_time, initiated_by, tag, contact: {…}}`.',
  parameters: [tagParameter],
  event: 'contact_tag_added',
  matches: (body, params) => !params.tag || (typeof body.tag === 'string' && body.tag.trim().toLowerCase() === params.tag.trim().toLowerCase()),
  examplePayload: tagAdded,
});
