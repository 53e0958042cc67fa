// `Push Hook` (`object_kind: "push"`): pushes to branches, including branch creation (`before` all zeros)
// and deletion (`after` all zeros). Tag pushes are a separate event and are left out. GitLab sends no push
// event at all for a push that changes more than three branches at once (`push_event_hooks_limit`).
// Optional `branch`: GitLab's own branch filter on the hook (`push_events_branch_filter`, a wildcard pattern
// such as `main` or `release/*`), so pushes to other branches are never sent to us.
import { bodyHashKey, gitlabWebhookTrigger } from '../webhook.js';
import example from '../fixtures/push.json' with { type: 'json' };

const MAX_BRANCH_FILTER = 255;

export function branchFilterProblem(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_BRANCH_FILTER || [...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
    return `must be a branch name or wildcard pattern (e.g. "main" or "release/*"), at most ${MAX_BRANCH_FILTER} characters`;
  }
  return null;
}

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
  extraParameters: [
    {
      id: 'branch',
      title: 'Branch',
      type: 'TEXT',
      required: false,
      description: 'Only pushes to branches matching this name or wildcard pattern, e.g. "main" or "release/*" (GitLab filters on its side). Leave empty for every branch.',
      placeholder: 'main',
      validate: branchFilterProblem,
    },
  ],
  hookOptions: (params) => (typeof params.branch === 'string' && params.branch.trim() !== '' ? { push_events_branch_filter: params.branch.trim() } : {}),
  examplePayload: example,
  docsUrl: 'https://docs.gitlab.com/user/project/integrations/webhook_events/#push-events',
});
