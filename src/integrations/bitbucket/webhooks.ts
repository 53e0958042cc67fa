// The Bitbucket Cloud trigger family: each subscription adds its own repository webhook for exactly the one
// event its trigger needs, with the subscription's fresh secret as the hook's secret (so Bitbucket signs every
// delivery), and deletes it on unsubscribe. Setup and design: docs/integrations/bitbucket.md.
//
// https://developer.atlassian.com/cloud/bitbucket/rest/api-group-webhooks/ (create / get / delete a repository webhook)
// https://support.atlassian.com/bitbucket-cloud/docs/manage-webhooks/ (webhook secrets, X-Hub-Signature)
// https://support.atlassian.com/bitbucket-cloud/docs/event-payloads/ (headers, payloads)
// https://support.atlassian.com/bitbucket-cloud/docs/troubleshoot-webhooks/ (retries on 5xx)
import { createHash } from 'node:crypto';
import {
  ProviderError,
  defineTrigger,
  inboundHeader,
  inboundJson,
  type HmacScheme,
  type InboundRequest,
  type Item,
  type ParameterDefinition,
  type TriggerDefinition,
  type WebhookContext,
} from '../../sdk/index.js';
import { refused, repoParameters, repoPath, type RepoParams } from './api.js';

/** `X-Hub-Signature: sha256=<hex HMAC-SHA256(hook secret, raw body)>`. Bitbucket signs no timestamp. */
export const BITBUCKET_SIGNATURE_SCHEME: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-hub-signature',
  prefix: 'sha256=',
  encoding: 'hex',
};

/** What every hook we add is called in the repository's webhook settings. */
export const HOOK_DESCRIPTION = 'OpenTriggers';

export interface BitbucketTriggerSpec {
  type: string;
  title: string;
  description: string;
  /** The event key the hook subscribes to and the deliveries carry in `X-Event-Key`, e.g. `repo:push`. */
  event: string;
  /**
   * The item key of a delivery that fires the trigger, or null when it does not fire. Built from the payload
   * alone, so Bitbucket's automatic retries and a manual resend of the same event carry the same key.
   */
  keyOf: (body: Record<string, unknown>, params: Record<string, unknown>) => string | null;
  /** When the change happened, from the payload (epoch ms), if it says. */
  occurredAt?: (body: Record<string, unknown>) => number | undefined;
  examplePayload: unknown;
  docsUrl: string;
  /** Parameters after `workspace` and `repoSlug`. */
  extraParameters?: ParameterDefinition[];
}

/** For logs: `X-Request-UUID`, the request's UUID. Not part of any key (whether a retry keeps it is not documented). */
export function bitbucketDeliveryId(req: InboundRequest): string | undefined {
  return inboundHeader(req, 'x-request-uuid');
}

export function objectAt(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const v = body[field];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export const idOf = (value: unknown): string | null => (typeof value === 'number' || (typeof value === 'string' && value !== '') ? String(value) : null);

/** The repository a payload is about: its UUID (stable across renames), else its full name. */
export function repositoryOf(body: Record<string, unknown>): string | null {
  const repo = objectAt(body, 'repository');
  return idOf(repo.uuid) ?? idOf(repo.full_name);
}

/** Bitbucket timestamps are ISO 8601 ("2015-04-06T16:37:23.548290+00:00"). */
export function parseBitbucketTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** A key for a payload that lacks the fields a key is normally built from: a hash of its JSON. */
export function bodyHashKey(body: Record<string, unknown>): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(body)).digest('hex')}`;
}

interface HookRef {
  path: string;
  ids: { workspace: string; repoSlug: string; hookUuid: string };
}

/** The hook a subscription added, from its state (the repository it was added to, and Bitbucket's `{uuid}`). */
function hookOf(ctx: WebhookContext<RepoParams>): HookRef | null {
  const hookUuid = idOf(ctx.state.hookUuid);
  if (!hookUuid) return null;
  const workspace = idOf(ctx.state.workspace) ?? ctx.params.workspace;
  const repoSlug = idOf(ctx.state.repoSlug) ?? ctx.params.repoSlug;
  return { path: `${repoPath(workspace, repoSlug)}/hooks/${encodeURIComponent(hookUuid)}`, ids: { workspace, repoSlug, hookUuid } };
}

export function bitbucketWebhookTrigger(spec: BitbucketTriggerSpec): TriggerDefinition<RepoParams> {
  return defineTrigger<RepoParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: [...repoParameters, ...(spec.extraParameters ?? [])],
    examplePayload: spec.examplePayload,
    docsUrl: spec.docsUrl,
    source: {
      kind: 'webhook',
      verification: BITBUCKET_SIGNATURE_SCHEME,
      async register(ctx) {
        const workspace = ctx.params.workspace.trim();
        const repoSlug = ctx.params.repoSlug.trim();
        const full = `${workspace}/${repoSlug}`;
        const res = await ctx.http.request<{ uuid?: unknown }>({
          method: 'POST',
          path: `${repoPath(workspace, repoSlug)}/hooks`,
          json: { description: HOOK_DESCRIPTION, url: ctx.hookUrl, active: true, events: [spec.event], secret: ctx.secret },
          allowStatus: [400, 403, 404],
        });
        if (res.status === 404) throw new ProviderError('permanent', `Bitbucket repository ${full} was not found, or the connected account cannot see it`, 404);
        if (res.status === 403) {
          throw new ProviderError(
            'permanent',
            `Bitbucket refused to add a webhook to ${full}: the connected account needs admin rights on the repository, and the token the webhook scope`,
            403,
          );
        }
        if (res.status === 400) throw refused(`the webhook for ${full}`, res);
        const hookUuid = idOf(res.body?.uuid);
        if (!hookUuid) throw new ProviderError('transient', 'Bitbucket added the webhook but answered without its uuid');
        ctx.log.info('bitbucket webhook added', { workspace, repoSlug, hookUuid, event: spec.event });
        return { state: { hookUuid, workspace, repoSlug, event: spec.event } };
      },
      async unregister(ctx) {
        const hook = hookOf(ctx);
        if (!hook) return;
        // Deleted by hand, or the repository is gone: nothing left to remove.
        const res = await ctx.http.request({ method: 'DELETE', path: hook.path, allowStatus: [404] });
        if (res.status === 404) ctx.log.info('bitbucket webhook already gone', { ...hook.ids });
      },
      async check(ctx) {
        // A repository admin may delete or deactivate the hook, or clear its secret (then deliveries come
        // unsigned and we refuse them all). Bitbucket tells nobody.
        const hook = hookOf(ctx);
        if (!hook) return 'gone';
        const res = await ctx.http.request<{ active?: unknown; secret_set?: unknown; events?: unknown }>({ method: 'GET', path: hook.path, allowStatus: [404] });
        if (res.status === 404) return 'gone';
        const body = res.body ?? {};
        if (body.active === false || body.secret_set === false) return 'inactive';
        if (Array.isArray(body.events) && !body.events.includes(spec.event)) return 'inactive';
        return 'active';
      },
      deliveryId: bitbucketDeliveryId,
      toItems(req, ctx): Item[] {
        if (inboundHeader(req, 'x-event-key') !== spec.event) return [];
        const body = inboundJson(req);
        if (!body) return [];
        const key = spec.keyOf(body, ctx.params as unknown as Record<string, unknown>);
        if (key === null) return [];
        const occurredAt = spec.occurredAt?.(body);
        return [{ key, payload: body, ...(occurredAt !== undefined ? { occurredAt } : {}) }];
      },
    },
  });
}
