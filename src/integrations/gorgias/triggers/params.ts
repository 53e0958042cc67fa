import type { ParameterDefinition } from '../../../sdk/index.js';
import { CHANNEL } from '../webhooks.js';

/** Only tickets (or messages) of one channel: Gorgias's channel slugs (email, chat, sms, phone, facebook, …). */
export const channelParameter: ParameterDefinition = {
  id: 'channel',
  title: 'Channel',
  type: 'TEXT',
  required: false,
  description: 'Only this channel, as Gorgias names it (email, chat, sms, phone, facebook, instagram-direct-message, …). Leave empty for all.',
  validate: (value) => {
    if (value === undefined || value === null || value === '') return null;
    return typeof value === 'string' && CHANNEL.test(value) ? null : 'must be a Gorgias channel slug such as email or chat';
  },
};
