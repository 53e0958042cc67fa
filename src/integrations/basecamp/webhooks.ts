// Basecamp project webhooks, one per trigger subscription: `POST /buckets/{projectId}/webhooks.json` with
// `{payload_url, types}` (201 → the webhook with its `id` and `active`), `DELETE /webhooks/{id}.json` on unsubscribe
// (204), `GET /webhooks/{id}.json` every hour (`check`: 404 → gone, `active: false` → inactive: Basecamp deactivates a
// webhook after 10 failed attempts) (https://github.com/basecamp/bc3-api/blob/master/sections/webhooks.md).
// The webhook create and index routes are project-scoped; get and destroy use the canonical flat routes.
//
// Verification: Basecamp signs nothing and documents no secret, header or handshake for webhooks. The payload URL we
// register is our per-subscription hook URL plus `?token=<the subscription's fresh random secret>`, checked with the
// SDK's sharedSecret scheme on the `token` query parameter (constant time). The trade-off: the secret travels in the
// URL, so it is as safe as that URL — HTTPS in transit (Basecamp requires an HTTPS payload URL), but readable by anyone
// who can list the project's webhooks (`GET /buckets/{id}/webhooks.json`: every non-client person of the project with
// API access) and in any log of full URLs along the way. It proves the request knows the URL, not that it came from
// Basecamp, and nothing binds a body to it: one who learned the URL could post forged events to this one subscription
// until it is re-created.
//
// Delivery: up to 10 attempts with growing delays, only 2xx counts (webhooks.md). Every delivery names the event
// (`id`, `kind`, `created_at`), the `recording` it is about (with `bucket` and `parent`) and the `creator`.
import { hookUrlWithToken, ProviderError, URL_TOKEN, inboundJson, type Item, type ParameterDefinition, type WebhookSource } from '../../sdk/index.js';
import { basecampError } from './api.js';

/** The webhook `types` Basecamp documents that our triggers use. */
export type RecordingType = 'Todo' | 'Message' | 'Comment';

export interface BasecampParams {
  projectId: string;
  todolistId?: string;
}

/** A delivery as Basecamp posts it (webhooks.md). */
export type Delivery = Record<string, unknown> & {
  id?: unknown;
  kind?: unknown;
  created_at?: unknown;
  recording?: Record<string, unknown> & { id?: unknown; type?: unknown; parent?: { id?: unknown; type?: unknown }; bucket?: { id?: unknown } };
};

/** An id as text: Basecamp sends numbers; strings of digits are accepted too. */
export const idOf = (v: unknown): string | null =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 ? String(v) : typeof v === 'string' && /^[1-9]\d{0,19}$/.test(v) ? v : null;

const numericId = (field: string, what: string, required: boolean) => (value: unknown) => {
  if (!required && (value === undefined || value === null || value === '')) return null;
  return typeof value === 'string' && /^[1-9]\d{0,19}$/.test(value.trim()) ? null : `${field} must be ${what}: a positive whole number such as 2085958498`;
};

export const projectIdParameter: ParameterDefinition = {
  id: 'projectId',
  title: 'Project ID',
  type: 'TEXT',
  required: true,
  description: 'The Basecamp project to watch: the number after /buckets/ or /projects/ in its address (https://3.basecamp.com/{account}/projects/{projectId}).',
  placeholder: '2085958498',
  validate: numericId('projectId', 'a Basecamp project id', true),
};

export const todolistIdParameter: ParameterDefinition = {
  id: 'todolistId',
  title: 'To-do list ID',
  type: 'TEXT',
  required: false,
  description: 'Only to-dos of this to-do list (the number after /todolists/ in its address). Leave empty for every list of the project.',
  placeholder: '968814030',
  validate: numericId('todolistId', 'a Basecamp to-do list id', false),
};

export interface WebhookSpec {
  /** The webhook `types` to subscribe to (and the delivered recording's `type`). */
  recordingType: RecordingType;
  /** The delivery `kind` this trigger fires on. */
  kind: string;
  /**
   * The item key: `recording` keys on the recording's id (one creation per recording), `event` on Basecamp's event id
   * (a to-do can be completed, reopened and completed again: each completion is an event of its own).
   */
  keyBy: 'recording' | 'event';
  /** Whether `todolistId` filters on the recording's parent to-do list. */
  usesTodolist?: boolean;
}

/** The item key of a delivery for this spec, or null when the body lacks what names it. */
export function keyOf(spec: Pick<WebhookSpec, 'kind' | 'keyBy'>, body: Delivery): string | null {
  if (spec.keyBy === 'event') {
    const id = idOf(body.id);
    return id ? `${spec.kind}:${id}` : null;
  }
  const recording = idOf(body.recording?.id);
  return recording ? `${spec.kind}:${recording}` : null;
}

interface WebhookAnswer {
  id?: unknown;
  active?: unknown;
}

export function basecampWebhook(spec: WebhookSpec): WebhookSource<BasecampParams> {
  return {
    kind: 'webhook',
    verification: URL_TOKEN,
    // No redeliveryDays: Basecamp documents 10 attempts with exponentially growing delays, not how long they last.
    async register(ctx) {
      const projectId = ctx.params.projectId.trim();
      const res = await ctx.http.request<WebhookAnswer>({
        method: 'POST',
        path: `/buckets/${encodeURIComponent(projectId)}/webhooks.json`,
        json: { payload_url: hookUrlWithToken(ctx.hookUrl, ctx.secret), types: [spec.recordingType] },
        allowStatus: [400, 403, 404, 422, 507],
      });
      if (res.status >= 400) throw basecampError(res, `creating the webhook in project ${projectId}`, ctx.now());
      const id = idOf(res.body?.id);
      if (!id) throw new ProviderError('permanent', 'Basecamp created the webhook but answered without its id');
      return { state: { webhookId: id, projectId } };
    },
    async unregister(ctx) {
      const id = idOf(ctx.state.webhookId);
      if (!id) return;
      // 404: already deleted in Basecamp (or the project is gone).
      await ctx.http.request({ method: 'DELETE', path: `/webhooks/${id}.json`, allowStatus: [404] });
    },
    async check(ctx) {
      const id = idOf(ctx.state.webhookId);
      if (!id) return 'gone';
      const res = await ctx.http.request<WebhookAnswer>({ path: `/webhooks/${id}.json`, allowStatus: [403, 404] });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw basecampError(res, `reading webhook ${id}`, ctx.now());
      return res.body?.active === false ? 'inactive' : 'active';
    },
    deliveryId: (req) => {
      const id = idOf(inboundJson(req)?.id);
      return id ?? undefined;
    },
    toItems(req, ctx): Item[] {
      if (req.method.toUpperCase() !== 'POST') return [];
      const body: Delivery | null = inboundJson(req);
      if (!body || body.kind !== spec.kind) return [];
      const recording = body.recording;
      if (!recording || recording.type !== spec.recordingType) return [];
      // The webhook lives in one project; a delivery naming another is not for this subscription.
      const bucket = idOf(recording.bucket?.id);
      if (bucket && bucket !== ctx.params.projectId.trim()) return [];
      const todolist = ctx.params.todolistId?.trim();
      if (spec.usesTodolist && todolist && !(recording.parent?.type === 'Todolist' && idOf(recording.parent.id) === todolist)) return [];
      const key = keyOf(spec, body);
      if (!key) return [];
      const at = typeof body.created_at === 'string' ? Date.parse(body.created_at) : NaN;
      return [{ key, payload: body, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
    },
  };
}
