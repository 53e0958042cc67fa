import { helpScoutTrigger } from './factory.js';

export const conversationStatusChangedTrigger = helpScoutTrigger(
  'HELPSCOUT_TRIGGER_CONVERSATION_STATUS_CHANGED',
  'convo.status',
  'Conversation status changed',
  'Fires when a conversation\'s status changes (active, pending, closed, spam) — Help Scout `convo.status`. Delivers the v2 Conversation object with its new `status`.',
);
