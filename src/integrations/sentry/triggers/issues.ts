// Issue webhooks (Sentry-Hook-Resource: issue): created, resolved, assigned.
// https://docs.sentry.io/organization/integrations/integration-platform/webhooks/issues/
import assigned from '../fixtures/issue-assigned.json' with { type: 'json' };
import created from '../fixtures/issue-created.json' with { type: 'json' };
import resolved from '../fixtures/issue-resolved.json' with { type: 'json' };
import { dataObject, field, issueInProject, projectSlugParameter, sentryTrigger } from './sentry-trigger.js';

const DOCS = 'https://docs.sentry.io/organization/integrations/integration-platform/webhooks/issues/';
const issueId = (body: Record<string, unknown>) => field(dataObject(body, 'issue'), 'id');

export const issueCreated = sentryTrigger({
  type: 'SENTRY_TRIGGER_ISSUE_CREATED',
  title: 'Issue created',
  description: 'Fires once for each new issue in the installation\'s organization (optionally one project); delivers Sentry\'s webhook body with data.issue.',
  resource: 'issue',
  actions: ['created'],
  parameters: [projectSlugParameter],
  // An issue is created once: its id is the key.
  key: (body) => {
    const id = issueId(body);
    return id === undefined ? undefined : `issue:${id}`;
  },
  accepts: issueInProject,
  examplePayload: created,
  docsUrl: DOCS,
});

export const issueResolved = sentryTrigger({
  type: 'SENTRY_TRIGGER_ISSUE_RESOLVED',
  title: 'Issue resolved',
  description: 'Fires each time an issue is resolved (again after a regression too); delivers Sentry\'s webhook body with data.issue and its statusDetails.',
  resource: 'issue',
  actions: ['resolved'],
  parameters: [projectSlugParameter],
  // An issue may be resolved many times: each webhook (its Request-ID) is one event.
  key: (body, deliveryId) => {
    const id = issueId(body);
    return id === undefined ? undefined : `issue:${id}:resolved:${deliveryId}`;
  },
  accepts: issueInProject,
  examplePayload: resolved,
  docsUrl: DOCS,
});

export const issueAssigned = sentryTrigger({
  type: 'SENTRY_TRIGGER_ISSUE_ASSIGNED',
  title: 'Issue assigned',
  description: 'Fires each time an issue is assigned to a user or team; delivers Sentry\'s webhook body with data.issue.assignedTo.',
  resource: 'issue',
  actions: ['assigned'],
  parameters: [projectSlugParameter],
  key: (body, deliveryId) => {
    const id = issueId(body);
    return id === undefined ? undefined : `issue:${id}:assigned:${deliveryId}`;
  },
  accepts: issueInProject,
  examplePayload: assigned,
  docsUrl: DOCS,
});
