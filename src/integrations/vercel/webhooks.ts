// Vercel webhooks, one per trigger subscription (https://vercel.com/docs/rest-api/webhooks):
// `POST /v1/webhooks` with our per-subscription URL, the trigger's one event type and, for deployment triggers
// given a project, `projectIds: [projectId]`; Vercel answers the webhook with its `id` and the `secret` it
// generated, stored as the subscription's secret. `DELETE /v1/webhooks/{id}` on unsubscribe (404 tolerated);
// `GET /v1/webhooks/{id}` every hour (`check`): 404 makes the engine create it again. Every call carries the
// optional `teamId` query parameter (the team the webhook belongs to; without it, the token's own scope).
//
// Verification: `x-vercel-signature` is the hex HMAC-SHA1 of the raw body keyed with the webhook's secret
// (https://vercel.com/docs/webhooks). No timestamp is signed.
//
// Keys: the event id (`id` of the body). Vercel repeats it when it retries a delivery. No `redeliveryDays`:
// how long Vercel may send an event again is not confirmed.
import { ProviderError, type HmacScheme, type InboundRequest, type Item, type WebhookSource } from '../../sdk/index.js';
import { VERCEL_ERROR_STATUSES, vercelError } from './api.js';

export const VERCEL_WEBHOOKS_DOCS = 'https://vercel.com/docs/webhooks/webhooks-api';

export const vercelSignatureScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha1',
  header: 'x-vercel-signature',
  encoding: 'hex',
};

export type VercelEventType = 'deployment.created' | 'deployment.succeeded' | 'deployment.error' | 'project.created';

export interface VercelParams {
  teamId?: string;
  projectId?: string;
}

/** The parts of a Vercel webhook body we read: `{id, type, createdAt, region, payload: {team, user, deployment, project, …}}`. */
export interface VercelWebhookBody {
  id?: unknown;
  type?: unknown;
  createdAt?: unknown;
  payload?: { project?: { id?: unknown } | null } | null;
}

interface VercelWebhookObject {
  id?: unknown;
  secret?: unknown;
}

export const TEAM_ID = /^team_[A-Za-z0-9]{1,64}$/;
export const PROJECT_ID = /^prj_[A-Za-z0-9]{1,64}$/;

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** `?teamId=` when the subscription names a team; a malformed one is refused before any call. */
export function teamQuery(params: VercelParams): Record<string, string> {
  const teamId = params.teamId;
  if (teamId === undefined || teamId === '') return {};
  if (!TEAM_ID.test(teamId)) throw new ProviderError('permanent', 'teamId: must be a Vercel team id (team_ followed by letters and digits)');
  return { teamId };
}

/** The project filter of a deployment trigger (none for the whole account or team). */
export function projectIdsOf(params: VercelParams): string[] | undefined {
  const projectId = params.projectId;
  if (projectId === undefined || projectId === '') return undefined;
  if (!PROJECT_ID.test(projectId)) throw new ProviderError('permanent', 'projectId: must be a Vercel project id (prj_ followed by letters and digits)');
  return [projectId];
}

export function vercelEventId(req: InboundRequest): string | undefined {
  const body = req.body as VercelWebhookBody | null;
  return body && typeof body === 'object' ? (nonEmpty(body.id) ?? undefined) : undefined;
}

/**
 * The item of one delivery: the body as sent, keyed by its event id. Another event type, a body without an
 * id, or (defensively, Vercel already filters by `projectIds`) another project's event gives nothing.
 */
export function itemsOf(type: VercelEventType, body: unknown, params: VercelParams): Item[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const b = body as VercelWebhookBody;
  const key = nonEmpty(b.id);
  if (!key || b.type !== type) return [];
  if (params.projectId && type !== 'project.created' && b.payload?.project?.id !== params.projectId) return [];
  const at = typeof b.createdAt === 'number' && Number.isFinite(b.createdAt) ? b.createdAt : undefined;
  return [{ key, payload: body, ...(at !== undefined ? { occurredAt: at } : {}) }];
}

export function vercelWebhook(type: VercelEventType): WebhookSource<VercelParams> {
  return {
    kind: 'webhook',
    verification: vercelSignatureScheme,
    async register(ctx) {
      const query = teamQuery(ctx.params);
      const projectIds = type === 'project.created' ? undefined : projectIdsOf(ctx.params);
      const res = await ctx.http.request<VercelWebhookObject>({
        method: 'POST',
        path: '/v1/webhooks',
        query,
        json: { url: ctx.hookUrl, events: [type], ...(projectIds ? { projectIds } : {}) },
        allowStatus: VERCEL_ERROR_STATUSES,
      });
      if (res.status >= 400) throw vercelError(res);
      const id = nonEmpty(res.body?.id);
      const secret = nonEmpty(res.body?.secret);
      if (!id || !secret) throw new ProviderError('permanent', 'Vercel created the webhook but answered without its id or secret');
      return { state: { webhookId: id }, secret };
    },
    async unregister(ctx) {
      const id = nonEmpty(ctx.state.webhookId);
      if (!id) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/v1/webhooks/${encodeURIComponent(id)}`, query: teamQuery(ctx.params), allowStatus: VERCEL_ERROR_STATUSES });
      // 404: already deleted at Vercel.
      if (res.status >= 400 && res.status !== 404) throw vercelError(res);
    },
    async check(ctx) {
      const id = nonEmpty(ctx.state.webhookId);
      if (!id) return 'gone';
      const res = await ctx.http.request({ path: `/v1/webhooks/${encodeURIComponent(id)}`, query: teamQuery(ctx.params), allowStatus: VERCEL_ERROR_STATUSES });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw vercelError(res);
      return 'active';
    },
    deliveryId: vercelEventId,
    toItems: (req, ctx) => itemsOf(type, req.body, ctx.params),
  };
}
