import { helpScoutTrigger } from './factory.js';

export const conversationCreatedTrigger = helpScoutTrigger(
  'HELPSCOUT_TRIGGER_CONVERSATION_CREATED',
  'convo.created',
  'Conversation created',
  'Fires when a conversation is created (in any mailbox, or the given one) — Help Scout `convo.created`. Delivers the v2 Conversation object.',
);
