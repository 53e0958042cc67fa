import { helpScoutTrigger } from './factory.js';

export const customerRepliedTrigger = helpScoutTrigger(
  'HELPSCOUT_TRIGGER_CUSTOMER_REPLIED',
  'convo.customer.reply.created',
  'Customer replied',
  'Fires when a customer replies to a conversation — Help Scout `convo.customer.reply.created`. Delivers the v2 Conversation object; the reply is the newest `customer` thread.',
);
