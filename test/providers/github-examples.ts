// GitHub's published webhook payloads, from @octokit/webhooks-examples (the examples GitHub maintains in
// octokit/webhooks for https://docs.github.com/en/webhooks/webhook-events-and-payloads), for the fake GitHub to
// deliver. Each trigger gets the first published example of its event and action.
//
// Two deliveries have no published example (in api.github.com nor in any GHES set), so each is the published
// example nearest to it with only the fields GitHub changes for that action:
//   issues closed              ← issues opened: action `closed`, issue.state `closed`, issue.closed_at = updated_at
//   pull_request closed+merged ← pull_request closed (published unmerged): merged true, merged_at = closed_at
import examples, { type WebhookDefinition } from '@octokit/webhooks-examples' with { type: 'json' };

// The package's main is the JSON array itself; its typings declare it as an ESM default export, which NodeNext
// reads as the CommonJS module object. At runtime the JSON import's default is the array.
const definitions = examples as unknown as WebhookDefinition[];

export type GithubPayload = Record<string, any>;

/** A copy of the first published example of `event` that `pick` accepts. */
export function publishedExample(event: string, pick: (p: GithubPayload) => boolean = () => true): GithubPayload {
  const examples = definitions.find((d) => d.name === event)?.examples as GithubPayload[] | undefined;
  const found = examples?.find(pick);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event} example that ${pick.toString()} accepts`);
  return structuredClone(found);
}

const action = (name: string) => (p: GithubPayload) => p.action === name;

export const issueOpened = publishedExample('issues', action('opened'));

export const issueClosed: GithubPayload = (() => {
  const p = publishedExample('issues', action('opened'));
  return { ...p, action: 'closed', issue: { ...p.issue, state: 'closed', closed_at: p.issue.updated_at } };
})();

export const pullRequestClosedUnmerged = publishedExample('pull_request', (p) => p.action === 'closed' && p.pull_request.merged === false);

export const pullRequestMerged: GithubPayload = (() => {
  const p = structuredClone(pullRequestClosedUnmerged);
  return { ...p, pull_request: { ...p.pull_request, merged: true, merged_at: p.pull_request.closed_at } };
})();

/** The delivery each GitHub trigger fires for: its X-GitHub-Event and a published payload. */
export const TRIGGER_DELIVERIES: Record<string, { event: string; payload: GithubPayload }> = {
  GITHUB_TRIGGER_ISSUE_CREATED: { event: 'issues', payload: issueOpened },
  GITHUB_TRIGGER_ISSUE_CLOSED: { event: 'issues', payload: issueClosed },
  GITHUB_TRIGGER_PULL_REQUEST_OPENED: { event: 'pull_request', payload: publishedExample('pull_request', action('opened')) },
  GITHUB_TRIGGER_PULL_REQUEST_MERGED: { event: 'pull_request', payload: pullRequestMerged },
  // A branch push with a commit (the published set also has tag pushes, creations and deletions).
  GITHUB_TRIGGER_PUSH: { event: 'push', payload: publishedExample('push', (p) => String(p.ref).startsWith('refs/heads/') && p.commits.length > 0) },
  GITHUB_TRIGGER_RELEASE_PUBLISHED: { event: 'release', payload: publishedExample('release', action('published')) },
  GITHUB_TRIGGER_ISSUE_COMMENT_CREATED: { event: 'issue_comment', payload: publishedExample('issue_comment', action('created')) },
  GITHUB_TRIGGER_STAR_CREATED: { event: 'star', payload: publishedExample('star', action('created')) },
};
