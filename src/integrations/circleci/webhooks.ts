// CircleCI outbound webhooks, one per trigger subscription (https://circleci.com/docs/api/v2/#tag/Webhook):
// `POST /webhook` {name, url, events: [one event], verify-tls: true, signing-secret: <our per-subscription
// secret>, scope: {id: <project id>, type: "project"}}; CircleCI answers the webhook with its `id` (the
// secret comes back masked, so we keep our own). `DELETE /webhook/{id}` on unsubscribe (404 tolerated);
// `GET /webhook/{id}` every hour (`check`): 404 makes the engine create it again. The project is given as its
// id (a UUID, Project Settings → Overview) or its slug (`gh/org/repo`, `circleci/<org id>/<project id>`),
// which `GET /project/{slug}` resolves to the id.
//
// Verification (https://circleci.com/docs/webhooks/#validate-webhooks): `circleci-signature` is a
// comma-separated list of versioned signatures; `v1=` is the hex HMAC-SHA256 of the raw body keyed with the
// signing secret. Only v1 entries are candidates. No timestamp is signed.
//
// Keys: the event `id`, which CircleCI documents for deduplicating repeated deliveries. No `redeliveryDays`:
// CircleCI does not document its retry policy.
import { ProviderError, type HmacScheme, type InboundRequest, type Item, type SourceContext, type WebhookSource } from '../../sdk/index.js';
import { CIRCLECI_ERROR_STATUSES, circleciError } from './api.js';

export const CIRCLECI_WEBHOOKS_DOCS = 'https://circleci.com/docs/webhooks-reference/';

export const circleciSignatureScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'circleci-signature',
  prefix: 'v1=',
  encoding: 'hex',
  multiple: { separator: ',' },
};

export type CircleciEventType = 'workflow-completed' | 'job-completed';

export interface CircleciParams {
  /** Project id (UUID) or project slug. */
  project?: string;
  /** Only events of pipelines on this branch. */
  branch?: string;
}

/** What a trigger keeps: one event type, and optionally only some terminal statuses. */
export interface CircleciTriggerSpec {
  event: CircleciEventType;
  statuses?: readonly string[];
}

export const PROJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `<vcs>/<org>/<repo>`: gh, github, bb, bitbucket, or circleci (GitLab, GitHub App, Bitbucket Data Center). */
export const PROJECT_SLUG = /^(gh|github|bb|bitbucket|circleci)\/[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;
export const BRANCH = /^[^\s~^:?*[\\]{1,255}$/;

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function obj(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The project parameter, checked: a project id or a slug. */
export function projectOf(params: CircleciParams): { id: string } | { slug: string } {
  const project = params.project?.trim() ?? '';
  if (PROJECT_ID.test(project)) return { id: project.toLowerCase() };
  if (PROJECT_SLUG.test(project)) return { slug: project };
  throw new ProviderError('permanent', 'project: must be a CircleCI project id (UUID) or project slug (gh/org/repo)');
}

/** The project id to scope the webhook to: given, or resolved from the slug with `GET /project/{slug}`. */
export async function resolveProjectId(ctx: SourceContext<CircleciParams>): Promise<string> {
  const project = projectOf(ctx.params);
  if ('id' in project) return project.id;
  const path = `/project/${project.slug.split('/').map(encodeURIComponent).join('/')}`;
  const res = await ctx.http.request<{ id?: unknown } | null>({ path, allowStatus: CIRCLECI_ERROR_STATUSES });
  if (res.status >= 400) throw circleciError(res, ctx.now());
  const id = nonEmpty(res.body?.id);
  if (!id || !PROJECT_ID.test(id)) throw new ProviderError('permanent', `CircleCI answered GET /project/${project.slug} without a project id`);
  return id.toLowerCase();
}

export function circleciEventId(req: InboundRequest): string | undefined {
  const body = obj(req.body);
  return body ? (nonEmpty(body.id) ?? undefined) : undefined;
}

/** The branch a pipeline built: `vcs.branch` (GitHub OAuth, Bitbucket Cloud) or `trigger_parameters.git.branch`. */
export function branchOf(body: Record<string, unknown>): string | null {
  const pipeline = obj(body.pipeline);
  const vcs = obj(pipeline?.vcs);
  const git = obj(obj(pipeline?.trigger_parameters)?.git);
  return nonEmpty(vcs?.branch) ?? nonEmpty(git?.branch);
}

/**
 * The item of one delivery: the body as sent, keyed by its event id. A job event is recognised by its `job`
 * map (CircleCI's GitLab sample of job-completed carries `type: workflow-completed`); a workflow event by its
 * type and the absence of a job. Another event, another project, another branch or another status gives
 * nothing.
 */
export function itemsOf(spec: CircleciTriggerSpec, body: unknown, opts: { projectId?: string; branch?: string }): Item[] {
  const b = obj(body);
  if (!b) return [];
  const key = nonEmpty(b.id);
  if (!key) return [];
  const job = obj(b.job);
  const kind: string | undefined = job ? 'job-completed' : typeof b.type === 'string' ? b.type : undefined;
  if (kind !== spec.event) return [];
  const project = obj(b.project);
  if (opts.projectId && typeof project?.id === 'string' && project.id.toLowerCase() !== opts.projectId) return [];
  if (opts.branch && branchOf(b) !== opts.branch) return [];
  if (spec.statuses) {
    const status = spec.event === 'job-completed' ? job?.status : obj(b.workflow)?.status;
    if (typeof status !== 'string' || !spec.statuses.includes(status)) return [];
  }
  const at = typeof b.happened_at === 'string' ? Date.parse(b.happened_at) : NaN;
  return [{ key, payload: body, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
}

/** A short, stable webhook name shown in the project's settings. */
export function webhookName(spec: CircleciTriggerSpec): string {
  return `OpenTriggers ${spec.event}${spec.statuses ? ` (${spec.statuses.join('/')})` : ''}`;
}

export function circleciWebhook(spec: CircleciTriggerSpec): WebhookSource<CircleciParams> {
  return {
    kind: 'webhook',
    verification: circleciSignatureScheme,
    async register(ctx) {
      const projectId = await resolveProjectId(ctx);
      const res = await ctx.http.request<{ id?: unknown } | null>({
        method: 'POST',
        path: '/webhook',
        json: {
          name: webhookName(spec),
          url: ctx.hookUrl,
          events: [spec.event],
          'verify-tls': true,
          'signing-secret': ctx.secret,
          scope: { id: projectId, type: 'project' },
        },
        allowStatus: CIRCLECI_ERROR_STATUSES,
      });
      if (res.status >= 400) throw circleciError(res, ctx.now());
      const id = nonEmpty(res.body?.id);
      if (!id) throw new ProviderError('permanent', 'CircleCI created the webhook but answered without its id');
      return { state: { webhookId: id, projectId } };
    },
    async unregister(ctx) {
      const id = nonEmpty(ctx.state.webhookId);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/webhook/${encodeURIComponent(id)}`, allowStatus: CIRCLECI_ERROR_STATUSES });
      if (res.status === 404) {
        ctx.log.info('CircleCI webhook was already deleted', { webhookId: id });
        return;
      }
      if (res.status >= 400) throw circleciError(res, ctx.now());
    },
    async check(ctx) {
      const id = nonEmpty(ctx.state.webhookId);
      if (!id) return 'gone';
      const res = await ctx.http.request({ path: `/webhook/${encodeURIComponent(id)}`, allowStatus: CIRCLECI_ERROR_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw circleciError(res, ctx.now());
      return 'active';
    },
    deliveryId: circleciEventId,
    toItems: (req, ctx) => {
      const projectId = nonEmpty(ctx.state.projectId) ?? undefined;
      const branch = nonEmpty(ctx.params.branch) ?? undefined;
      return itemsOf(spec, req.body, { ...(projectId ? { projectId } : {}), ...(branch ? { branch } : {}) });
    },
  };
}
