// The Azure DevOps trigger family: each subscription creates its own service hook subscription
// (publisher "tfs", consumer "webHooks", action "httpRequest") for exactly one event type in one project,
// posting to the subscription's URL with the subscription's fresh secret in a header we choose, and deletes
// it on unsubscribe. Setup and design: docs/integrations/azureDevOps.md.
//
// https://learn.microsoft.com/en-us/rest/api/azure/devops/hooks/subscriptions/create (POST, api-version 7.1)
// https://learn.microsoft.com/en-us/azure/devops/service-hooks/create-subscription (publisher/consumer inputs)
// https://learn.microsoft.com/en-us/azure/devops/service-hooks/events (event types and payloads)
import {
  ProviderError,
  defineTrigger,
  inboundJson,
  type Item,
  type ParameterDefinition,
  type SharedSecretScheme,
  type TriggerDefinition,
  type WebhookContext,
} from '../../sdk/index.js';
import { orgApi, projectParameters, refused, type ProjectParams } from './api.js';

/**
 * Service hooks sign nothing. The webHooks consumer sends the HTTP headers we set on the subscription
 * (`consumerInputs.httpHeaders`, "Name:value" lines) with every request: the subscription's secret goes in
 * this header and is compared in constant time.
 */
export const SECRET_HEADER = 'X-OpenTriggers-Secret';
export const AZURE_DEVOPS_SECRET_SCHEME: SharedSecretScheme = { kind: 'sharedSecret', header: SECRET_HEADER.toLowerCase() };

export interface AzureDevOpsTriggerSpec {
  type: string;
  title: string;
  description: string;
  /** The service hook event type, e.g. "workitem.created". */
  eventType: string;
  /**
   * The item key of an event, built from `resource` alone so that Azure DevOps' retries (and a second
   * subscription's copy) of one change carry the same key; null when the payload lacks the fields.
   */
  keyOf: (resource: Record<string, unknown>) => string | null;
  occurredAt?: (body: Record<string, unknown>) => number | undefined;
  examplePayload: unknown;
  docsUrl: string;
  extraParameters?: ParameterDefinition[];
  /** Publisher inputs beyond projectId (e.g. repository for git.push). */
  publisherInputs?: (params: Record<string, unknown>) => Record<string, string>;
}

export const idOf = (value: unknown): string | null => (typeof value === 'number' || (typeof value === 'string' && value !== '') ? String(value) : null);

export function objectAt(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const v = body[field];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

// Subscription ids are GUIDs; anything else in state is not sent back into a URL.
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function subscriptionPath(ctx: WebhookContext<ProjectParams>): string | null {
  const id = ctx.state.subscriptionId;
  return typeof id === 'string' && GUID.test(id) ? orgApi(ctx.credential.extra, `hooks/subscriptions/${id}`) : null;
}

export function azureDevOpsWebhookTrigger(spec: AzureDevOpsTriggerSpec): TriggerDefinition<ProjectParams> {
  return defineTrigger<ProjectParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: [...projectParameters, ...(spec.extraParameters ?? [])],
    examplePayload: spec.examplePayload,
    docsUrl: spec.docsUrl,
    source: {
      kind: 'webhook',
      verification: AZURE_DEVOPS_SECRET_SCHEME,
      async register(ctx) {
        const projectId = ctx.params.projectId.trim();
        const res = await ctx.http.request<{ id?: unknown; status?: unknown }>({
          method: 'POST',
          path: orgApi(ctx.credential.extra, 'hooks/subscriptions'),
          json: {
            publisherId: 'tfs',
            eventType: spec.eventType,
            resourceVersion: '1.0',
            consumerId: 'webHooks',
            consumerActionId: 'httpRequest',
            publisherInputs: { projectId, ...spec.publisherInputs?.(ctx.params as unknown as Record<string, unknown>) },
            consumerInputs: { url: ctx.hookUrl, httpHeaders: `${SECRET_HEADER}:${ctx.secret}`, resourceDetailsToSend: 'all', messagesToSend: 'none', detailedMessagesToSend: 'none' },
          },
          allowStatus: [203, 400, 403, 404, 409],
        });
        if (res.status !== 200 && res.status !== 201) throw refused(`the service hook subscription for project ${projectId}`, res);
        const id = idOf(res.body?.id);
        if (!id || !GUID.test(id)) throw new ProviderError('transient', 'Azure DevOps created the service hook subscription but answered without its id');
        ctx.log.info('azure devops service hook subscription created', { subscriptionId: id, eventType: spec.eventType });
        return { state: { subscriptionId: id, projectId, eventType: spec.eventType } };
      },
      async unregister(ctx) {
        const path = subscriptionPath(ctx);
        if (!path) return;
        const res = await ctx.http.request({ method: 'DELETE', path, allowStatus: [203, 404] });
        if (res.status === 203) throw refused('the deletion of the service hook subscription', res);
        if (res.status === 404) ctx.log.info('azure devops service hook subscription already gone', { subscriptionId: ctx.state.subscriptionId });
      },
      async check(ctx) {
        // A project administrator may delete the subscription; Azure DevOps disables one itself after
        // repeated failed deliveries (status disabledBySystem) and tells nobody.
        const path = subscriptionPath(ctx);
        if (!path) return 'gone';
        const res = await ctx.http.request<{ status?: unknown }>({ method: 'GET', path, allowStatus: [203, 404] });
        if (res.status === 203) throw refused('the service hook subscription check', res);
        if (res.status === 404) return 'gone';
        // enabled, onProbation (still retried by Azure DevOps) are delivering; disabledBy* are not.
        const status = res.body?.status;
        return typeof status === 'string' && status.startsWith('disabled') ? 'inactive' : 'active';
      },
      // The notification's `id` (the event) for logs; the key comes from the resource.
      deliveryId: (req) => {
        const body = inboundJson(req);
        return body ? (idOf(body.id) ?? undefined) : undefined;
      },
      toItems(req): Item[] {
        const body = inboundJson(req);
        if (!body || body.eventType !== spec.eventType) return [];
        // Without the resource's fields, the notification's event id (the same on Azure DevOps' retries of one notification).
        const eventId = idOf(body.id);
        const key = spec.keyOf(objectAt(body, 'resource')) ?? (eventId ? `event:${eventId}` : null);
        if (key === null) return [];
        const occurredAt = spec.occurredAt?.(body) ?? parseTime(body.createdDate);
        return [{ key, payload: body, ...(occurredAt !== undefined ? { occurredAt } : {}) }];
      },
    },
  });
}
