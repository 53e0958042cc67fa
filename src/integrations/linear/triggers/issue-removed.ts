import { linearEvents } from '../fixtures/events.js';
import { linearEntityTrigger } from './factory.js';

export const issueRemoved = linearEntityTrigger({
  type: 'LINEAR_TRIGGER_ISSUE_REMOVED',
  title: 'Issue removed',
  description: 'Fires when an issue is deleted (moved to trash) or archived. Delivers the Linear webhook body.',
  resourceType: 'Issue',
  action: 'remove',
  examplePayload: linearEvents.issueRemoved,
});
