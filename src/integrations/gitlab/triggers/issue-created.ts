// `Issue Hook`, `object_kind: "issue"`, `object_attributes.action: "open"`. Other work item types (tasks,
// OKRs…) come as `object_kind: "work_item"` and are left out; confidential issues go to a separate switch
// (`confidential_issues_events`) that this trigger does not turn on.
import { attributes, bodyHashKey, gitlabWebhookTrigger, idOf, parseGitlabTime } from '../webhook.js';
import example from '../fixtures/issue-opened.json' with { type: 'json' };

export const issueCreated = gitlabWebhookTrigger({
  type: 'GITLAB_TRIGGER_ISSUE_CREATED',
  title: 'Issue Created',
  description: 'Trigger when an issue is opened in a project (confidential issues excluded).',
  flag: 'issues_events',
  event: 'Issue Hook',
  keyOf(body) {
    const a = attributes(body);
    if (body.object_kind !== 'issue' || a.action !== 'open') return null;
    // An issue is opened once: its id is the key (reopening is another action).
    const id = idOf(a.id);
    return id ? `issue:${id}:open` : bodyHashKey(body);
  },
  occurredAt: (body) => parseGitlabTime(attributes(body).created_at),
  examplePayload: example,
  docsUrl: 'https://docs.gitlab.com/user/project/integrations/webhook_events/#work-item-events',
});
