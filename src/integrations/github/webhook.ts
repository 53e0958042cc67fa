// The GitHub trigger family: each subscription creates its own repository webhook for exactly the one
// event its trigger needs, with the subscription's fresh secret, and deletes it on unsubscribe.
//
// https://docs.github.com/en/rest/repos/webhooks (create / delete a repository webhook)
// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries (X-Hub-Signature-256)
// https://docs.github.com/en/webhooks/webhook-events-and-payloads (X-GitHub-Event, X-GitHub-Delivery, ping)
// https://docs.github.com/en/webhooks/using-webhooks/handling-failed-webhook-deliveries (catch-up, below)
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
import { githubRequest } from './api.js';

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`. GitHub signs no timestamp. */
export const githubSignatureScheme: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-hub-signature-256',
  prefix: 'sha256=',
  encoding: 'hex',
};

export interface RepoParams {
  owner: string;
  repo: string;
}

// GitHub logins: alphanumerics and single hyphens, at most 39 characters. Repository names: letters,
// digits, '.', '-', '_', at most 100 characters. Checked so a parameter can never change the API path.
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

export const repoParameters: ParameterDefinition[] = [
  {
    id: 'owner',
    title: 'Repository owner',
    type: 'TEXT',
    required: true,
    description: 'The user or organization that owns the repository, e.g. "octocat".',
    placeholder: 'octocat',
    validate: (v) => (typeof v === 'string' && OWNER.test(v) ? null : 'must be a GitHub user or organization name'),
  },
  {
    id: 'repo',
    title: 'Repository',
    type: 'TEXT',
    required: true,
    description: 'The repository name without the owner and without ".git", e.g. "Hello-World".',
    placeholder: 'Hello-World',
    validate: (v) => (typeof v === 'string' && REPO.test(v) && v !== '.' && v !== '..' ? null : 'must be a repository name such as Hello-World'),
  },
];

/** The GUID GitHub gives each delivery; a redelivery keeps it, so it is the dedupe key. */
export function githubDeliveryId(req: InboundRequest): string | undefined {
  return inboundHeader(req, 'x-github-delivery');
}

/** GitHub's 422 body: `{message: "Validation Failed", errors: [{resource, code, field?, message?}]}`. */
function validationDetail(body: { message?: unknown; errors?: unknown } | null | undefined): string {
  const errors = Array.isArray(body?.errors) ? (body.errors as Array<Record<string, unknown>>) : [];
  const parts = errors.map((e) => (typeof e.message === 'string' ? e.message : [e.field, e.code].filter((x) => typeof x === 'string').join(' '))).filter((p) => p !== '');
  if (parts.length > 0) return parts.join('; ');
  return typeof body?.message === 'string' ? body.message : 'validation failed';
}

function repoPath(owner: string, repo: string): string {
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}

export interface GithubTriggerSpec {
  type: string;
  title: string;
  description: string;
  /** The webhook event name (X-GitHub-Event) registered for this trigger. */
  event: string;
  /** Which deliveries of that event fire the trigger (by `action` and payload fields). */
  matches: (body: Record<string, unknown>) => boolean;
  examplePayload: unknown;
  docsUrl: string;
}

interface Hook {
  path: string;
  ids: { owner: string; repo: string; hookId: string | number };
}

/** The repository hook a subscription registered (GET/DELETE path), from its state. */
function hookOf(ctx: WebhookContext<RepoParams>): Hook | null {
  const owner = typeof ctx.state.owner === 'string' ? ctx.state.owner : ctx.params.owner;
  const repo = typeof ctx.state.repo === 'string' ? ctx.state.repo : ctx.params.repo;
  const hookId = ctx.state.hookId;
  if (typeof hookId !== 'number' && typeof hookId !== 'string') return null;
  return { path: `${repoPath(owner, repo)}/hooks/${encodeURIComponent(String(hookId))}`, ids: { owner, repo, hookId } };
}

/** Whether deliveries of this event can fire the trigger. `ping`, sent once when a hook is created, never does. */
function isTriggerEvent(spec: GithubTriggerSpec, event: unknown): boolean {
  return event !== 'ping' && event === spec.event;
}

/** What a delivery's body becomes, keyed by its GUID; nothing when the trigger does not fire on it. */
function itemsOf(spec: GithubTriggerSpec, body: Record<string, unknown> | null, key: string): Item[] {
  return body && spec.matches(body) ? [{ key, payload: body }] : [];
}

// ── catch-up from the hook's Recent Deliveries ───────────────────────────────────────────────────────
// GitHub does not redeliver a delivery that failed (our service was down, timed out or answered 5xx), but
// keeps every attempt for a few days and lists it: GET …/hooks/{id}/deliveries, newest first, with the
// status code we answered. Failed attempts are fetched one by one (…/deliveries/{delivery_id} holds the
// request payload) and become items keyed by the delivery GUID, like the webhook, so what did reach us is
// dropped by the dedupe. https://docs.github.com/en/rest/repos/webhooks#list-deliveries-for-a-repository-webhook

/** GitHub's maximum page size; and at most this many pages per run, so one run stays cheap. */
const DELIVERIES_PER_PAGE = 100;
const MAX_DELIVERY_PAGES = 10;

/** One entry of the deliveries list (one attempt; a redelivery is another entry with the same GUID). */
interface DeliveryAttempt {
  id: number;
  guid: string;
  event?: unknown;
  status_code?: unknown;
}

function isAttempt(x: unknown): x is DeliveryAttempt {
  const d = x as Partial<DeliveryAttempt> | null;
  return d !== null && typeof d === 'object' && typeof d.id === 'number' && typeof d.guid === 'string';
}

/**
 * The `cursor` of the Link header's rel="next" URL. Only the cursor is taken, so the token goes nowhere but
 * the configured API base, whatever host the link names.
 */
function nextCursor(link: string | undefined): string | undefined {
  for (const part of (link ?? '').split(',')) {
    const m = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return new URL(m[1] ?? '', 'https://github.invalid').searchParams.get('cursor') ?? undefined;
  }
  return undefined;
}

function hookGone(hook: Hook): ProviderError {
  // The hourly check registers a new hook; GitHub keeps no deliveries of a deleted one.
  const { owner, repo, hookId } = hook.ids;
  return new ProviderError('permanent', `GitHub webhook ${hookId} on ${owner}/${repo} is gone (404), and its recent deliveries with it`, 404);
}

/** The attempts newer than `after` (a delivery id), newest first; `complete` is false when the page bound cut the walk short. */
async function attemptsSince(ctx: WebhookContext<RepoParams>, hook: Hook, after: number) {
  const attempts: DeliveryAttempt[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_DELIVERY_PAGES; page++) {
    const res = await githubRequest<unknown>(ctx.http, {
      path: `${hook.path}/deliveries`,
      query: { per_page: DELIVERIES_PER_PAGE, cursor },
      allowStatus: [404],
    }, ctx.now);
    if (res.status === 404) throw hookGone(hook);
    const listed = Array.isArray(res.body) ? res.body.filter(isAttempt) : [];
    const fresh = listed.filter((d) => d.id > after);
    attempts.push(...fresh);
    cursor = nextCursor(res.headers.link);
    // Newest first: once an entry is at or before the stored cursor, an earlier run has read the rest.
    if (fresh.length < listed.length || cursor === undefined) return { attempts, complete: true };
  }
  return { attempts, complete: false };
}

/** Any 2xx: the delivery reached us (and was stored, or deliberately ignored). 0 = no connection. */
const reachedUs = (d: DeliveryAttempt) => typeof d.status_code === 'number' && d.status_code >= 200 && d.status_code < 300;

async function catchUpDeliveries(spec: GithubTriggerSpec, ctx: WebhookContext<RepoParams>): Promise<{ items: Item[]; state: Record<string, unknown> }> {
  const hook = hookOf(ctx);
  if (!hook) return { items: [], state: ctx.state };
  const after = typeof ctx.state.deliveriesCursor === 'number' ? ctx.state.deliveriesCursor : 0;
  const { attempts, complete } = await attemptsSince(ctx, hook, after);
  if (!complete) {
    ctx.log.warn('more GitHub webhook deliveries since the last catch-up than one run reads; older ones were not checked', { ...hook.ids, read: attempts.length });
  }
  // A GUID is one event; a redelivery that reached us covers every failed attempt of it.
  const reached = new Set(attempts.filter(reachedUs).map((d) => d.guid));
  const missed = new Map<string, number>();
  for (const d of attempts) {
    if (isTriggerEvent(spec, d.event) && !reached.has(d.guid) && !missed.has(d.guid)) missed.set(d.guid, d.id);
  }
  const items: Item[] = [];
  for (const [guid, id] of missed) {
    const res = await githubRequest<{ request?: { payload?: unknown } }>(ctx.http, { path: `${hook.path}/deliveries/${id}`, allowStatus: [404] }, ctx.now);
    if (res.status === 404) throw hookGone(hook);
    const payload = res.body?.request?.payload;
    const body = payload !== null && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
    items.push(...itemsOf(spec, body, guid));
  }
  const newest = attempts.reduce((max, d) => Math.max(max, d.id), after);
  return { items, state: { ...ctx.state, deliveriesCursor: newest } };
}

export function githubWebhookTrigger(spec: GithubTriggerSpec): TriggerDefinition<RepoParams> {
  return defineTrigger<RepoParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: repoParameters,
    examplePayload: spec.examplePayload,
    docsUrl: spec.docsUrl,
    source: {
      kind: 'webhook',
      verification: githubSignatureScheme,
      async register(ctx) {
        const { owner, repo } = ctx.params;
        const res = await githubRequest<{ id?: unknown; message?: string; errors?: unknown }>(ctx.http, {
          method: 'POST',
          path: `${repoPath(owner, repo)}/hooks`,
          json: {
            name: 'web',
            active: true,
            events: [spec.event],
            config: { url: ctx.hookUrl, content_type: 'json', secret: ctx.secret, insecure_ssl: '0' },
          },
          allowStatus: [404, 422],
        }, ctx.now);
        if (res.status === 404) {
          throw new ProviderError(
            'permanent',
            `GitHub repository ${owner}/${repo} was not found, or the connected account cannot manage its webhooks ` +
              '(it needs admin rights on the repository and the admin:repo_hook scope)',
            404,
          );
        }
        if (res.status === 422) {
          // e.g. "Hook already exists on this repository", 'The "push" event cannot have more than 20 hooks'.
          throw new ProviderError('permanent', `GitHub refused the webhook for ${owner}/${repo}: ${validationDetail(res.body)}`, 422);
        }
        const hookId = res.body?.id;
        if (typeof hookId !== 'number' && typeof hookId !== 'string') {
          throw new ProviderError('transient', 'GitHub created the webhook but answered without its id');
        }
        ctx.log.info('github webhook created', { owner, repo, hookId, event: spec.event });
        return { state: { hookId, owner, repo, event: spec.event } };
      },
      async unregister(ctx) {
        const hook = hookOf(ctx);
        if (!hook) return;
        const res = await githubRequest(ctx.http, { method: 'DELETE', path: hook.path, allowStatus: [404] }, ctx.now);
        // Already gone (deleted by hand, repository deleted or transferred): nothing left to remove.
        if (res.status === 404) ctx.log.info('github webhook already gone', { ...hook.ids });
      },
      async check(ctx) {
        // Someone with admin rights may delete or disable the hook; GitHub does not tell us.
        const hook = hookOf(ctx);
        if (!hook) return 'gone';
        const res = await githubRequest<{ active?: unknown }>(ctx.http, { method: 'GET', path: hook.path, allowStatus: [404] }, ctx.now);
        if (res.status === 404) return 'gone';
        return res.body?.active === false ? 'inactive' : 'active';
      },
      deliveryId: githubDeliveryId,
      toItems(req): Item[] {
        if (!isTriggerEvent(spec, inboundHeader(req, 'x-github-event'))) return [];
        const key = githubDeliveryId(req) ?? `sha256:${createHash('sha256').update(req.rawBody).digest('hex')}`;
        return itemsOf(spec, inboundJson(req), key);
      },
      // Deliveries GitHub could not make (it never retries them), every backstop interval (ADR 0017).
      catchUp: (ctx) => catchUpDeliveries(spec, ctx),
    },
  });
}

/** `action` equals one of these. */
export const action = (...actions: string[]) => (body: Record<string, unknown>): boolean =>
  typeof body.action === 'string' && actions.includes(body.action);
