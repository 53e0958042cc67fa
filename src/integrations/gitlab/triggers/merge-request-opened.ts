// `Merge Request Hook`, `object_attributes.action: "open"` (drafts included; see `object_attributes.draft`).
import { attributes, bodyHashKey, gitlabWebhookTrigger, idOf, parseGitlabTime } from '../webhook.js';
import example from '../fixtures/merge-request-opened.json' with { type: 'json' };

export const mergeRequestOpened = gitlabWebhookTrigger({
  type: 'GITLAB_TRIGGER_MERGE_REQUEST_OPENED',
  title: 'Merge Request Opened',
  description: 'Trigger when a merge request is opened in a project (draft merge requests included).',
  flag: 'merge_requests_events',
  event: 'Merge Request Hook',
  keyOf(body) {
    const a = attributes(body);
    if (body.object_kind !== 'merge_request' || a.action !== 'open') return null;
    const id = idOf(a.id);
    return id ? `merge_request:${id}:open` : bodyHashKey(body);
  },
  occurredAt: (body) => parseGitlabTime(attributes(body).created_at),
  examplePayload: example,
  docsUrl: 'https://docs.gitlab.com/user/project/integrations/webhook_events/#merge-request-events',
});
