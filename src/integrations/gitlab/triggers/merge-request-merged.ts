// `Merge Request Hook`, `object_attributes.action: "merge"`. A merge request is merged at most once, so its
// id is the key. Closing without merging is `action: "close"` and is left out.
import { attributes, bodyHashKey, gitlabWebhookTrigger, idOf, parseGitlabTime } from '../webhook.js';
import example from '../fixtures/merge-request-merged.json' with { type: 'json' };

export const mergeRequestMerged = gitlabWebhookTrigger({
  type: 'GITLAB_TRIGGER_MERGE_REQUEST_MERGED',
  title: 'Merge Request Merged',
  description: 'Trigger when a merge request is merged in a project (merge requests closed without merging are left out).',
  flag: 'merge_requests_events',
  event: 'Merge Request Hook',
  keyOf(body) {
    const a = attributes(body);
    if (body.object_kind !== 'merge_request' || a.action !== 'merge') return null;
    const id = idOf(a.id);
    return id ? `merge_request:${id}:merge` : bodyHashKey(body);
  },
  occurredAt: (body) => parseGitlabTime(attributes(body).updated_at),
  examplePayload: example,
  docsUrl: 'https://docs.gitlab.com/user/project/integrations/webhook_events/#merge-request-events',
});
