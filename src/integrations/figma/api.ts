// Figma REST API helpers: the context a webhook is attached to (a team, a project or a file — the
// subscription's parameters), and Figma's error answers.
// https://developers.figma.com/docs/rest-api/webhooks (contexts), https://developers.figma.com/docs/rest-api/errors
import { ProviderError, type HttpResponse, type ParameterDefinition } from '../../sdk/index.js';

export interface FigmaParams {
  teamId?: string;
  projectId?: string;
  fileKey?: string;
}

/** What POST /v2/webhooks takes as `context` and `context_id`. */
export interface FigmaContext {
  context: 'team' | 'project' | 'file';
  contextId: string;
}

// Team and project ids are digits in Figma URLs (figma.com/files/team/<id>, …/project/<id>); file keys are
// letters and digits (figma.com/design/<key>/…). Checked strictly: they go into request bodies, never paths,
// but a wrong value is better refused at subscribe time with the parameter's name.
const NUMERIC_ID = /^[0-9]{1,30}$/;
const FILE_KEY = /^[A-Za-z0-9]{8,64}$/;

export const idProblem = (what: string) => (value: unknown): string | null =>
  typeof value === 'string' && NUMERIC_ID.test(value.trim()) ? null : `must be a Figma ${what} id (the digits after /${what}/ in its URL)`;

export function fileKeyProblem(value: unknown): string | null {
  return typeof value === 'string' && FILE_KEY.test(value.trim()) ? null : 'must be a Figma file key (the letters and digits after /design/ or /file/ in its URL)';
}

export const figmaParameters: ParameterDefinition[] = [
  {
    id: 'teamId',
    title: 'Team',
    type: 'TEXT',
    required: false,
    description: 'Watch every file of this team (the digits after /team/ in its URL). Team webhooks need a team admin. Give exactly one of Team, Project and File.',
    placeholder: '1234567890',
    validate: idProblem('team'),
  },
  {
    id: 'projectId',
    title: 'Project',
    type: 'TEXT',
    required: false,
    description: 'Watch every file of this project (the digits after /project/ in its URL). Needs "can edit" on the project.',
    placeholder: '98765432',
    validate: idProblem('project'),
  },
  {
    id: 'fileKey',
    title: 'File',
    type: 'TEXT',
    required: false,
    description: 'Watch this one file (its key, after /design/ in its URL). Needs "can edit" on the file.',
    placeholder: 'CL06nJNn5eZLQKDoARMND5',
    validate: fileKeyProblem,
  },
];

/** The one context the parameters name; a permanent error when none or several are given. */
export function contextOf(params: FigmaParams): FigmaContext {
  const given = (
    [
      ['team', params.teamId],
      ['project', params.projectId],
      ['file', params.fileKey],
    ] as const
  ).filter(([, v]) => typeof v === 'string' && v.trim() !== '');
  if (given.length !== 1) {
    throw new ProviderError('permanent', 'give exactly one of the parameters teamId, projectId and fileKey (the team, project or file to watch)');
  }
  const [context, id] = given[0]!;
  return { context, contextId: String(id).trim() };
}

/** Figma's error text: `{"status": 403, "err": "Invalid token"}`, or `{"error": true, "status": 400, "message": "…"}`. */
export function figmaMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() !== '' ? body.trim().slice(0, 300) : undefined;
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as { err?: unknown; message?: unknown; error?: unknown };
  for (const v of [b.err, b.message, b.error]) if (typeof v === 'string' && v !== '') return v.slice(0, 300);
  return undefined;
}

/** Statuses our webhook calls read themselves; 429 and 5xx are left to the HTTP client (rate_limited, transient). */
export const FIGMA_HANDLED_STATUSES = [400, 401, 403, 404];

/**
 * A refusal as a ProviderError. Figma answers an invalid or expired token with 403 ("Invalid token"; the
 * webhook endpoints document 403 as "The developer / OAuth token is invalid or expired") and sometimes 401:
 * both are `auth`. Any other 403 (no permission on the context, a missing scope) and 400/404 are
 * `permanent`, with Figma's own message. Never includes the token.
 */
export function figmaError(what: string, res: HttpResponse<unknown>): ProviderError {
  const message = figmaMessage(res.body);
  const text = `Figma refused ${what} (HTTP ${res.status}${message ? `: ${message}` : ''})`;
  if (res.status === 401 || (res.status === 403 && /invalid token|token (is )?(invalid|expired)|expired token/i.test(message ?? ''))) {
    return new ProviderError('auth', text, res.status);
  }
  return new ProviderError('permanent', text, res.status);
}
