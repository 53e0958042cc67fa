// `Issue Hook`, `object_kind: "issue"`, `object_attributes.action: "close"`. An issue can be closed,
// reopened and closed again: each close is its own event, keyed by the issue id and its `updated_at`.
import { attributes, bodyHashKey, gitlabWebhookTrigger, idOf, parseGitlabTime } from '../webhook.js';
import example from '../fixtures/issue-closed.json' with { type: 'json' };

export const issueClosed = gitlabWebhookTrigger({
  type: 'GITLAB_TRIGGER_ISSUE_CLOSED',
  title: 'Issue Closed',
  description: 'Trigger when an issue is closed in a project (confidential issues excluded).',
  flag: 'issues_events',
  event: 'Issue Hook',
  keyOf(body) {
    const a = attributes(body);
    if (body.object_kind !== 'issue' || a.action !== 'close') return null;
    const id = idOf(a.id);
    const at = typeof a.updated_at === 'string' ? a.updated_at : typeof a.closed_at === 'string' ? a.closed_at : null;
    return id && at ? `issue:${id}:close:${at}` : bodyHashKey(body);
  },
  occurredAt: (body) => parseGitlabTime(attributes(body).closed_at) ?? parseGitlabTime(attributes(body).updated_at),
  examplePayload: example,
  docsUrl: 'https://docs.gitlab.com/user/project/integrations/webhook_events/#work-item-events',
});
