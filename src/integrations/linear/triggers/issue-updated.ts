import { linearEvents } from '../fixtures/events.js';
import { linearEntityTrigger } from './factory.js';

export const issueUpdated = linearEntityTrigger({
  type: 'LINEAR_TRIGGER_ISSUE_UPDATED',
  title: 'Issue updated',
  description: 'Fires when an issue changes. Delivers the Linear webhook body; updatedFrom holds the previous values of the changed fields.',
  resourceType: 'Issue',
  action: 'update',
  examplePayload: linearEvents.issueUpdated,
});
