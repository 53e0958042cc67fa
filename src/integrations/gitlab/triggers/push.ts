// `Push Hook` (`object_kind: "push"`): pushes to branches, including branch creation (`before` all zeros)
// and deletion (`after` all zeros). Tag pushes are a separate event and are left out. GitLab sends no push
// event at all for a push that changes more than three branches at once (`push_event_hooks_limit`).
import { bodyHashKey, gitlabWebhookTrigger } from '../webhook.js';
import example from '../fixtures/push.json' with { type: 'json' };

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

export const push = gitlabWebhookTrigger({
  type: 'GITLAB_TRIGGER_PUSH',
  title: 'Push',
  description: 'Trigger when commits are pushed to a branch of a project (branch creations and deletions included, tags excluded).',
  flag: 'push_events',
  event: 'Push Hook',
  keyOf(body) {
    if (body.object_kind !== 'push') return null;
    // A push moves one ref from one commit to another; that move is the event.
    const { ref, before, after } = body;
    return typeof ref === 'string' && typeof before === 'string' && typeof after === 'string' && SHA.test(before) && SHA.test(after)
      ? `push:${ref}:${before}:${after}`
      : bodyHashKey(body);
  },
  examplePayload: example,
  docsUrl: 'https://docs.gitlab.com/user/project/integrations/webhook_events/#push-events',
});
