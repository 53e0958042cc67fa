// `repo:push`: one delivery per push, listing in `push.changes` every branch or tag the push moved
// (`old` null: created; `new` null: deleted; each side names the ref and its `target.hash`).
// Optional `branch`: Bitbucket Cloud hooks have no branch filter, so the trigger fires only when one of the
// push's changes is to a branch of exactly that name (tags never match).
import { createHash } from 'node:crypto';
import { bitbucketWebhookTrigger, bodyHashKey, objectAt, repositoryOf } from '../webhooks.js';
import example from '../fixtures/repo-push.json' with { type: 'json' };

const MAX_BRANCH = 255;

export function branchProblem(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_BRANCH || [...value].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f || ch === ' ')) {
    return `must be a branch name (e.g. "main"), at most ${MAX_BRANCH} characters`;
  }
  return null;
}

interface RefSide {
  type: string;
  name: string;
  hash: string;
}

function side(value: unknown): RefSide | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const ref = value as Record<string, unknown>;
  const target = objectAt(ref, 'target');
  return typeof ref.name === 'string' ? { type: typeof ref.type === 'string' ? ref.type : '', name: ref.name, hash: typeof target.hash === 'string' ? target.hash : '' } : null;
}

/** The ref moves of a push: `type:name:oldHash:newHash` each (empty hash for a created or deleted ref). */
export function pushChanges(body: Record<string, unknown>): Array<{ old: RefSide | null; new: RefSide | null }> {
  const changes = objectAt(body, 'push').changes;
  if (!Array.isArray(changes)) return [];
  return changes
    .filter((c): c is Record<string, unknown> => c !== null && typeof c === 'object' && !Array.isArray(c))
    .map((c) => ({ old: side(c.old), new: side(c.new) }))
    .filter((c) => c.old !== null || c.new !== null);
}

export const push = bitbucketWebhookTrigger({
  type: 'BITBUCKET_TRIGGER_PUSH',
  title: 'Push',
  description: 'Trigger when commits are pushed to a repository (branch and tag creations and deletions included), optionally only to one branch.',
  event: 'repo:push',
  keyOf(body, params) {
    const changes = pushChanges(body);
    const branch = typeof params.branch === 'string' && params.branch.trim() !== '' ? params.branch.trim() : null;
    if (branch !== null && !changes.some((c) => [c.old, c.new].some((s) => s !== null && s.type === 'branch' && s.name === branch))) return null;
    const repo = repositoryOf(body);
    if (!repo || changes.length === 0) return bodyHashKey(body);
    // A push is the set of ref moves it made: the same moves are the same push, whoever sends them again.
    const moves = changes.map((c) => `${(c.new ?? c.old)!.type}:${(c.new ?? c.old)!.name}:${c.old?.hash ?? ''}:${c.new?.hash ?? ''}`).join(',');
    return `push:${repo}:${moves.length <= 300 ? moves : createHash('sha256').update(moves).digest('hex')}`;
  },
  extraParameters: [
    {
      id: 'branch',
      title: 'Branch',
      type: 'TEXT',
      required: false,
      description: 'Only pushes that change this branch (exact name, e.g. "main"). Leave empty for every push.',
      placeholder: 'main',
      validate: branchProblem,
    },
  ],
  examplePayload: example,
  docsUrl: 'https://support.atlassian.com/bitbucket-cloud/docs/event-payloads/',
});
