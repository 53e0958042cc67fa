// Asana task triggers: one project webhook per subscription (`POST /webhooks` with `resource` = the project
// and `target` = our hook URL, filtered to the task events the trigger needs), answered handshake, signed
// deliveries of compact events completed by fetching the task (`GET /tasks/{gid}`), webhook deleted on
// unsubscribe. The payload is the task as `GET /tasks/{task_gid}` returns it (the `data` object).
//
// Asana events carry no id and a batch may mention the same task several times, so items are keyed by the
// task's own version: created → the task gid, updated → gid + modified_at, completed → gid + completed_at.
// Asana's retries and duplicate mentions therefore map to the same keys.
import {
  ProviderError,
  defineTrigger,
  type Item,
  type ParameterDefinition,
  type TriggerDefinition,
  type WebhookContext,
} from '../../../sdk/index.js';
import { asanaHandshakes, asanaSignatureScheme } from '../scheme.js';

export interface AsanaTriggerParams {
  projectId: string;
}

/** A compact webhook event (EventResponse in Asana's OpenAPI). */
export interface AsanaEvent {
  action?: unknown;
  resource?: { gid?: unknown; resource_type?: unknown } | null;
  parent?: { gid?: unknown; resource_type?: unknown } | null;
  change?: { field?: unknown; action?: unknown } | null;
  created_at?: unknown;
}

export interface AsanaTask {
  gid: string;
  completed?: unknown;
  completed_at?: unknown;
  modified_at?: unknown;
  created_at?: unknown;
  [field: string]: unknown;
}

export interface AsanaWebhookFilter {
  resource_type: string;
  action: string;
  fields?: string[];
}

export interface AsanaTaskTriggerSpec {
  type: string;
  title: string;
  description: string;
  docsUrl: string;
  examplePayload: unknown;
  /** Sent as the webhook's `filters`, so Asana only delivers what this trigger can use. */
  filters: AsanaWebhookFilter[];
  /** Whether this event (already known to be about a task) can produce an item, before the task is fetched. */
  selects(event: AsanaEvent, projectGid: string): boolean;
  /** The item for the fetched task, or null when the task's current state does not match (e.g. re-opened). */
  toItem(task: AsanaTask, event: AsanaEvent): Item | null;
}

export const projectIdParameter: ParameterDefinition = {
  id: 'projectId',
  title: 'Project ID',
  type: 'TEXT',
  required: true,
  description: 'The gid of the Asana project to watch (the number in the project URL).',
  validate: (value) => (typeof value === 'string' && /^\d{1,32}$/.test(value) ? null : 'must be an Asana project gid (digits)'),
};

export const ASANA_WEBHOOKS_DOCS = 'https://developers.asana.com/docs/webhooks-guide';

export function asanaTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Fetch a task; null when it is gone or no longer visible to the connected user (nothing to deliver). */
async function fetchTask(ctx: WebhookContext<AsanaTriggerParams>, gid: string): Promise<AsanaTask | null> {
  const res = await ctx.http.request<{ data?: AsanaTask | null } | null>({
    method: 'GET',
    path: `/tasks/${encodeURIComponent(gid)}`,
    allowStatus: [403, 404],
  });
  if (res.status === 403 || res.status === 404) {
    ctx.log.info('Asana task is gone or not visible; event skipped', { taskGid: gid, status: res.status });
    return null;
  }
  const task = res.body?.data;
  if (!task || typeof task.gid !== 'string') throw new ProviderError('permanent', `Asana answered GET /tasks/${gid} without a task`);
  return task;
}

function eventsOf(body: unknown): AsanaEvent[] {
  if (body === null || typeof body !== 'object' || !Array.isArray((body as { events?: unknown }).events)) {
    throw new ProviderError('permanent', 'the request is not an Asana webhook body ({"events": [...]})');
  }
  return (body as { events: unknown[] }).events.filter((e): e is AsanaEvent => e !== null && typeof e === 'object');
}

export function asanaTaskTrigger(spec: AsanaTaskTriggerSpec): TriggerDefinition<AsanaTriggerParams> {
  return defineTrigger<AsanaTriggerParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: [projectIdParameter],
    examplePayload: spec.examplePayload,
    docsUrl: spec.docsUrl,
    source: {
      kind: 'webhook',
      verification: asanaSignatureScheme,
      handshakes: asanaHandshakes,
      async register(ctx) {
        // Asana answers only after it has POSTed the X-Hook-Secret handshake to ctx.hookUrl and we echoed it;
        // the engine captures that secret for this pending registration and verifies with it from then on.
        const res = await ctx.http.request<{ data?: { gid?: unknown; active?: unknown } | null } | null>({
          method: 'POST',
          path: '/webhooks',
          json: { data: { resource: ctx.params.projectId, target: ctx.hookUrl, filters: spec.filters } },
        });
        const gid = res.body?.data?.gid;
        if (typeof gid !== 'string' || gid === '') throw new ProviderError('permanent', 'Asana answered POST /webhooks without a webhook gid');
        return { state: { webhookGid: gid, projectGid: ctx.params.projectId } };
      },
      async unregister(ctx) {
        const gid = ctx.state.webhookGid;
        if (typeof gid !== 'string' || gid === '') return;
        const res = await ctx.http.request({ method: 'DELETE', path: `/webhooks/${encodeURIComponent(gid)}`, allowStatus: [404] });
        if (res.status === 404) ctx.log.info('Asana webhook was already deleted', { webhookGid: gid });
      },
      async check(ctx) {
        // Asana deletes a webhook whose deliveries kept failing for 24 hours (and anyone with access may).
        const gid = ctx.state.webhookGid;
        if (typeof gid !== 'string' || gid === '') return 'gone';
        const res = await ctx.http.request<{ data?: { active?: unknown } | null } | null>({ method: 'GET', path: `/webhooks/${encodeURIComponent(gid)}`, allowStatus: [404] });
        if (res.status === 404) return 'gone';
        return res.body?.data?.active === false ? 'inactive' : 'active';
      },
      async toItems(req, ctx): Promise<Item[]> {
        // Heartbeats and the first delivery after the handshake are `{"events": []}`: nothing to do.
        const projectGid = typeof ctx.state.projectGid === 'string' ? ctx.state.projectGid : ctx.params.projectId;
        const wanted = eventsOf(req.body).filter((e) => e.resource?.resource_type === 'task' && typeof e.resource.gid === 'string' && spec.selects(e, projectGid));
        const tasks = new Map<string, Promise<AsanaTask | null>>();
        const items = new Map<string, Item>();
        for (const event of wanted) {
          const gid = String(event.resource?.gid);
          let pending = tasks.get(gid);
          if (!pending) {
            pending = fetchTask(ctx, gid);
            tasks.set(gid, pending);
          }
          const task = await pending;
          if (!task) continue;
          const item = spec.toItem(task, event);
          if (item && !items.has(item.key)) items.set(item.key, item);
        }
        return [...items.values()];
      },
    },
  });
}
