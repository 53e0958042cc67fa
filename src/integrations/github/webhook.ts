// The GitHub trigger family: each subscription creates its own repository webhook for exactly the one
// event its trigger needs, with the subscription's fresh secret, and deletes it on unsubscribe.
//
// https://docs.github.com/en/rest/repos/webhooks (create / delete a repository webhook)
// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries (X-Hub-Signature-256)
// https://docs.github.com/en/webhooks/webhook-events-and-payloads (X-GitHub-Event, X-GitHub-Delivery, ping)
import { createHash } from 'node:crypto';
import {
  ProviderError,
  defineTrigger,
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

function header(req: InboundRequest, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function jsonBody(req: InboundRequest): Record<string, unknown> | null {
  if (req.body !== null && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) return req.body as Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(req.rawBody.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The GUID GitHub gives each delivery; a redelivery keeps it, so it is the dedupe key. */
export function githubDeliveryId(req: InboundRequest): string | undefined {
  return header(req, 'x-github-delivery');
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

/** The repository hook a subscription registered (GET/DELETE path), from its state. */
function hookOf(ctx: WebhookContext<RepoParams>): { path: string; ids: { owner: string; repo: string; hookId: string | number } } | null {
  const owner = typeof ctx.state.owner === 'string' ? ctx.state.owner : ctx.params.owner;
  const repo = typeof ctx.state.repo === 'string' ? ctx.state.repo : ctx.params.repo;
  const hookId = ctx.state.hookId;
  if (typeof hookId !== 'number' && typeof hookId !== 'string') return null;
  return { path: `${repoPath(owner, repo)}/hooks/${encodeURIComponent(String(hookId))}`, ids: { owner, repo, hookId } };
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
        const event = header(req, 'x-github-event');
        // `ping` is sent once when the hook is created; it is not an event of any trigger.
        if (event === undefined || event === 'ping' || event !== spec.event) return [];
        const body = jsonBody(req);
        if (!body || !spec.matches(body)) return [];
        const key = githubDeliveryId(req) ?? `sha256:${createHash('sha256').update(req.rawBody).digest('hex')}`;
        return [{ key, payload: body }];
      },
    },
  });
}

/** `action` equals one of these. */
export const action = (...actions: string[]) => (body: Record<string, unknown>): boolean =>
  typeof body.action === 'string' && actions.includes(body.action);
