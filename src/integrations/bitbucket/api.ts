// Bitbucket Cloud REST API 2.0 helpers: the repository parameters (workspace and repository slug), the
// connected user, and Bitbucket's error bodies.
// https://developer.atlassian.com/cloud/bitbucket/rest/api-group-webhooks/, https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/
import { ProviderError, type HttpClient, type HttpResponse, type ParameterDefinition } from '../../sdk/index.js';

export interface RepoParams {
  workspace: string;
  repoSlug: string;
}

// Workspace ids are letters, digits, '-' and '_'. Repository slugs are letters, digits, '-', '_' and '.'. Checked so that no value can leave the
// /repositories/{workspace}/{repo_slug} path ('/', '?', '#', '%', '..' never pass); Bitbucket has the last word.
const WORKSPACE = /^[A-Za-z0-9_-]{1,62}$/;
const REPO_SLUG = /^[A-Za-z0-9_.-]{1,100}$/;

export function workspaceProblem(value: unknown): string | null {
  if (typeof value === 'string' && WORKSPACE.test(value.trim())) return null;
  return 'must be a Bitbucket workspace ID as in the repository URL (e.g. "my-team")';
}

export function repoSlugProblem(value: unknown): string | null {
  if (typeof value === 'string' && REPO_SLUG.test(value.trim()) && !/^\.+$/.test(value.trim())) return null;
  return 'must be a repository slug as in the repository URL (e.g. "my-repo")';
}

export const repoParameters: ParameterDefinition[] = [
  {
    id: 'workspace',
    title: 'Workspace',
    type: 'TEXT',
    required: true,
    description: 'The workspace ID from the repository URL (bitbucket.org/{workspace}/{repository}), e.g. "my-team".',
    placeholder: 'my-team',
    validate: workspaceProblem,
  },
  {
    id: 'repoSlug',
    title: 'Repository',
    type: 'TEXT',
    required: true,
    description: 'The repository slug from its URL, e.g. "my-repo". The connected account needs admin rights on it to add webhooks.',
    placeholder: 'my-repo',
    validate: repoSlugProblem,
  },
];

/** `/repositories/{workspace}/{repo_slug}`, each part URL-encoded. */
export function repoPath(workspace: string, repoSlug: string): string {
  return `/repositories/${encodeURIComponent(workspace.trim())}/${encodeURIComponent(repoSlug.trim())}`;
}

/** Bitbucket's error text: `{"type": "error", "error": {"message": "…", "detail": "…"}}`. */
export function bitbucketMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() !== '' ? body.trim().slice(0, 300) : undefined;
  if (body === null || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (error === null || typeof error !== 'object') return undefined;
  const { message, detail } = error as { message?: unknown; detail?: unknown };
  const parts = [message, typeof detail === 'string' ? detail : undefined].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length > 0 ? parts.join(': ').slice(0, 300) : undefined;
}

/** A refusal Bitbucket will repeat if asked again: permanent, with Bitbucket's own message (never a token). */
export function refused(what: string, res: HttpResponse): ProviderError {
  const message = bitbucketMessage(res.body);
  return new ProviderError('permanent', `Bitbucket refused ${what} (HTTP ${res.status}${message ? `: ${message}` : ''})`, res.status);
}

/** The connected user (GET /user): the account's UUID as the account id, nickname and display name as extras. */
export async function bitbucketAccount(http: HttpClient): Promise<{ providerAccountId: string; extra: Record<string, unknown> }> {
  const me = await http.get<{ uuid?: unknown; nickname?: unknown; display_name?: unknown; account_id?: unknown }>('/user');
  if (typeof me?.uuid !== 'string' || me.uuid === '') throw new ProviderError('permanent', 'Bitbucket GET /user answered without a uuid');
  const extra: Record<string, unknown> = {};
  if (typeof me.nickname === 'string') extra.nickname = me.nickname;
  if (typeof me.display_name === 'string') extra.displayName = me.display_name;
  if (typeof me.account_id === 'string') extra.accountId = me.account_id;
  return { providerAccountId: me.uuid, extra };
}
