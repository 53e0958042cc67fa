import { helpScoutTrigger } from './factory.js';

export const conversationAssignedTrigger = helpScoutTrigger(
  'HELPSCOUT_TRIGGER_CONVERSATION_ASSIGNED',
  'convo.assigned',
  'Conversation assigned',
  'Fires when a conversation is assigned to a user — Help Scout `convo.assigned`. Delivers the v2 Conversation object; `assignee` is the new owner.',
);
