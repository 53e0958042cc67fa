// GitLab REST API v4 helpers: the project parameter (numeric id or full path, URL-encoded as GitLab
// requires), the connected user, and GitLab's error bodies.
// https://docs.gitlab.com/api/rest/#namespaced-paths, https://docs.gitlab.com/api/users/
import { ProviderError, type HttpClient, type HttpResponse, type ParameterDefinition } from '../../sdk/index.js';

export interface ProjectParams {
  projectId: string;
}

// A numeric project id, or a full path: namespace segments and the project's path joined by '/'. GitLab
// paths are letters, digits, '_', '-', '.' (not starting with '-' or '.', not ending in '.git' or '.atom');
// checked loosely here — GitLab has the last word — but strictly enough that no value can leave the
// /projects/:id path ('..' segments, '?', '#', '%' never pass).
const PROJECT_ID = /^[1-9][0-9]{0,18}$/;
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;
const MAX_SEGMENTS = 21; // a top-level group, up to 20 levels of subgroups, the project

export function projectIdProblem(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return 'must be a GitLab project id (e.g. 42) or path (e.g. "my-group/my-project")';
  const v = String(value).trim();
  if (PROJECT_ID.test(v)) return null;
  const segments = v.split('/');
  if (segments.length < 2 || segments.length > MAX_SEGMENTS || !segments.every((s) => SEGMENT.test(s) && !s.endsWith('.'))) {
    return 'must be a GitLab project id (e.g. 42) or full path with its namespace (e.g. "my-group/my-project")';
  }
  return null;
}

export const projectParameters: ParameterDefinition[] = [
  {
    id: 'projectId',
    title: 'Project',
    type: 'TEXT',
    required: true,
    description:
      'The project\'s numeric ID (Settings → General) or its full path with namespace, e.g. "my-group/my-project". The connected account needs at least the Maintainer role in it.',
    placeholder: 'my-group/my-project',
    validate: projectIdProblem,
  },
];

/** `/projects/:id` with the id or the URL-encoded full path (`group%2Fproject`), as GitLab's API takes it. */
export function projectPath(projectId: string | number): string {
  return `/projects/${encodeURIComponent(String(projectId).trim())}`;
}

/**
 * GitLab's error text: `{"message": "404 Project Not Found"}`, `{"message": {"url": ["is blocked: …"]}}`
 * (validation), or `{"error": "…"}` (missing parameters).
 */
export function gitlabMessage(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return typeof body === 'string' && body !== '' ? body.slice(0, 300) : undefined;
  const b = body as { message?: unknown; error?: unknown; error_description?: unknown };
  if (typeof b.message === 'string') return b.message;
  if (b.message !== null && typeof b.message === 'object') {
    const parts = Object.entries(b.message as Record<string, unknown>).map(([field, v]) => `${field} ${Array.isArray(v) ? v.join(', ') : String(v)}`);
    if (parts.length > 0) return parts.join('; ').slice(0, 300);
  }
  if (typeof b.error_description === 'string') return b.error_description;
  if (typeof b.error === 'string') return b.error;
  return undefined;
}

export function refused(what: string, res: HttpResponse): ProviderError {
  const message = gitlabMessage(res.body);
  return new ProviderError('permanent', `GitLab refused ${what} (HTTP ${res.status}${message ? `: ${message}` : ''})`, res.status);
}

/** The connected user (GET /user): numeric id as the account id, username as an extra. */
export async function gitlabAccount(http: HttpClient): Promise<{ providerAccountId: string; extra: Record<string, unknown> }> {
  const me = await http.get<{ id?: unknown; username?: unknown }>('/user');
  if (typeof me?.id !== 'number' && typeof me?.id !== 'string') throw new ProviderError('permanent', 'GitLab GET /user answered without an id');
  return { providerAccountId: String(me.id), extra: typeof me.username === 'string' ? { username: me.username } : {} };
}
