import { linearEvents } from '../fixtures/events.js';
import { linearEntityTrigger } from './factory.js';

export const issueCreated = linearEntityTrigger({
  type: 'LINEAR_TRIGGER_ISSUE_CREATED',
  title: 'Issue created',
  description: 'Fires when an issue is created in a Linear team (or any public team). Delivers the Linear webhook body: action, type, data (the issue), actor, url, organizationId, webhookTimestamp.',
  resourceType: 'Issue',
  action: 'create',
  examplePayload: linearEvents.issueCreated,
});
