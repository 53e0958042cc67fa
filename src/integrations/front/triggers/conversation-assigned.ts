import example from '../fixtures/event-assign.json' with { type: 'json' };
import { frontEventTrigger } from './event-trigger.js';

export const conversationAssignedTrigger = frontEventTrigger({
  type: 'FRONT_TRIGGER_CONVERSATION_ASSIGNED',
  frontType: 'assign',
  title: 'Conversation assigned',
  description: 'Fires once each time a conversation is assigned to a teammate (by a teammate or a rule); `target.data` is the assignee.',
  example,
});
