// The GitLab trigger family: each subscription adds its own project webhook for exactly the one event
// family its trigger needs, with the subscription's fresh secret as the hook's secret token, and deletes
// it on unsubscribe. Setup and design: docs/integrations/gitlab.md.
//
// https://docs.gitlab.com/api/project_webhooks/ (add / get / delete a project webhook; alert_status)
// https://docs.gitlab.com/user/project/integrations/webhooks/ (X-Gitlab-Token, delivery headers, auto-disabling)
// https://docs.gitlab.com/user/project/integrations/webhook_events/ (payloads, object_attributes.action)
import { createHash } from 'node:crypto';
import {
  ProviderError,
  defineTrigger,
  inboundHeader,
  inboundJson,
  type InboundRequest,
  type Item,
  type ParameterDefinition,
  type SharedSecretScheme,
  type TriggerDefinition,
  type WebhookContext,
} from '../../sdk/index.js';
import { projectParameters, projectPath, refused, type ProjectParams } from './api.js';

/**
 * GitLab sends the hook's secret token verbatim in `X-Gitlab-Token` (no signature, no timestamp): compared
 * in constant time with the subscription's secret.
 */
export const GITLAB_TOKEN_SCHEME: SharedSecretScheme = { kind: 'sharedSecret', header: 'x-gitlab-token' };

/** The per-event switches of a project webhook (POST /projects/:id/hooks). */
export type HookEventFlag = 'issues_events' | 'merge_requests_events' | 'push_events' | 'pipeline_events';
const ALL_FLAGS: HookEventFlag[] = ['issues_events', 'merge_requests_events', 'push_events', 'pipeline_events'];

export interface GitlabTriggerSpec {
  type: string;
  title: string;
  description: string;
  /** The hook switch turned on for this trigger (every other one is sent as false: push_events defaults to true). */
  flag: HookEventFlag;
  /** `X-Gitlab-Event` of the deliveries this trigger reads, e.g. "Issue Hook". */
  event: string;
  /**
   * The item key of a delivery that fires the trigger, or null when it does not fire (another action, a
   * status the trigger ignores). Built from the payload alone, so GitLab's retries and resends of the same
   * delivery — and the duplicate GitLab may send after a timeout — carry the same key.
   */
  keyOf: (body: Record<string, unknown>) => string | null;
  /** When the change happened, from the payload (epoch ms), if it says. */
  occurredAt?: (body: Record<string, unknown>) => number | undefined;
  examplePayload: unknown;
  docsUrl: string;
  /** Parameters after `projectId`. */
  extraParameters?: ParameterDefinition[];
  /** More hook settings from the parameters (e.g. the push branch filter). */
  hookOptions?: (params: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * For logs: `Idempotency-Key` (GitLab 17.4+, the same on every retry and on a "Resend Request"), else
 * `X-Gitlab-Event-UUID` (GitLab 14.8+).
 */
export function gitlabDeliveryId(req: InboundRequest): string | undefined {
  return inboundHeader(req, 'idempotency-key') ?? inboundHeader(req, 'x-gitlab-event-uuid');
}

/** `object_attributes` of an issue, merge request or pipeline payload. */
export function attributes(body: Record<string, unknown>): Record<string, unknown> {
  const a = body.object_attributes;
  return a !== null && typeof a === 'object' && !Array.isArray(a) ? (a as Record<string, unknown>) : {};
}

export const idOf = (value: unknown): string | null => (typeof value === 'number' || (typeof value === 'string' && value !== '') ? String(value) : null);

/** GitLab timestamps come as ISO 8601 ("2013-12-03T17:15:43Z") or "2016-08-12 15:26:29 UTC". */
export function parseGitlabTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/.test(value) ? `${value.slice(0, 10)}T${value.slice(11, 19)}Z` : value;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

interface HookRef {
  path: string;
  ids: { projectId: string; hookId: string };
}

/** The hook a subscription added, from its state: by the project's numeric id GitLab answered, so a renamed or moved project is still found. */
function hookOf(ctx: WebhookContext<ProjectParams>): HookRef | null {
  const hookId = idOf(ctx.state.hookId);
  const projectId = idOf(ctx.state.projectId) ?? ctx.params.projectId;
  if (!hookId) return null;
  return { path: `${projectPath(projectId)}/hooks/${encodeURIComponent(hookId)}`, ids: { projectId, hookId } };
}

export function gitlabWebhookTrigger(spec: GitlabTriggerSpec): TriggerDefinition<ProjectParams> {
  return defineTrigger<ProjectParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: [...projectParameters, ...(spec.extraParameters ?? [])],
    examplePayload: spec.examplePayload,
    docsUrl: spec.docsUrl,
    source: {
      kind: 'webhook',
      verification: GITLAB_TOKEN_SCHEME,
      async register(ctx) {
        const project = ctx.params.projectId.trim();
        const flags = Object.fromEntries(ALL_FLAGS.map((f) => [f, f === spec.flag]));
        const res = await ctx.http.request<{ id?: unknown; project_id?: unknown }>({
          method: 'POST',
          path: `${projectPath(project)}/hooks`,
          json: { url: ctx.hookUrl, token: ctx.secret, enable_ssl_verification: true, ...flags, ...spec.hookOptions?.(ctx.params as unknown as Record<string, unknown>) },
          allowStatus: [400, 403, 404, 422],
        });
        if (res.status === 404) {
          throw new ProviderError('permanent', `GitLab project ${project} was not found, or the connected account cannot see it`, 404);
        }
        if (res.status === 403) {
          throw new ProviderError(
            'permanent',
            `GitLab refused to add a webhook to project ${project}: the connected account needs at least the Maintainer role there, and the token the api scope`,
            403,
          );
        }
        if (res.status === 400 || res.status === 422) throw refused(`the webhook for project ${project}`, res);
        const hookId = idOf(res.body?.id);
        if (!hookId) throw new ProviderError('transient', 'GitLab added the webhook but answered without its id');
        const projectId = idOf(res.body?.project_id) ?? project;
        ctx.log.info('gitlab webhook added', { projectId, hookId, event: spec.event });
        return { state: { hookId: res.body.id, projectId, event: spec.event } };
      },
      async unregister(ctx) {
        const hook = hookOf(ctx);
        if (!hook) return;
        // GitLab documents the deletion as idempotent; a 404 (deleted by hand, project gone) counts as done.
        const res = await ctx.http.request({ method: 'DELETE', path: hook.path, allowStatus: [404] });
        if (res.status === 404) ctx.log.info('gitlab webhook already gone', { ...hook.ids });
      },
      async check(ctx) {
        // A Maintainer may delete the hook; GitLab.com disables one after four failed deliveries in a row
        // (permanently after 4xx answers, for up to 24 h after 5xx/timeouts). GitLab tells nobody.
        const hook = hookOf(ctx);
        if (!hook) return 'gone';
        const res = await ctx.http.request<{ alert_status?: unknown }>({ method: 'GET', path: hook.path, allowStatus: [404] });
        if (res.status === 404) return 'gone';
        // `executable` when delivering; `temporarily_disabled` / `disabled` otherwise. Instances that do not
        // report it (older versions) are taken at their word that the hook exists.
        const status = res.body?.alert_status;
        return typeof status === 'string' && status !== 'executable' ? 'inactive' : 'active';
      },
      deliveryId: gitlabDeliveryId,
      toItems(req): Item[] {
        if (inboundHeader(req, 'x-gitlab-event') !== spec.event) return [];
        const body = inboundJson(req);
        if (!body) return [];
        const key = spec.keyOf(body);
        if (key === null) return [];
        const occurredAt = spec.occurredAt?.(body);
        return [{ key, payload: body, ...(occurredAt !== undefined ? { occurredAt } : {}) }];
      },
    },
  });
}

/** A key for a payload that lacks the fields a key is normally built from: its exact bytes. */
export function bodyHashKey(body: Record<string, unknown>): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(body)).digest('hex')}`;
}
