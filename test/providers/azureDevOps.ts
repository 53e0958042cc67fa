// A fake Azure DevOps Services over real HTTP: what the integration uses of the REST API —
// `POST /{organization}/_apis/hooks/subscriptions?api-version=7.1` (publisher "tfs", consumer "webHooks",
// action "httpRequest"; 404 for an unknown project with a TF-style message, 403 for a project where the
// user cannot edit subscriptions, 400 for an unknown event type), `GET`/`DELETE
// /{organization}/_apis/hooks/subscriptions/{id}` (404 when gone; `status` enabled, disabledBySystem…) —
// a Bearer token or a personal access token as Basic base64(":{PAT}") (401 for an unknown one, or 203 with an HTML sign-in page when `signInPageForUnknownTokens`),
// 429 with Retry-After when scripted, and Azure DevOps' side of service hooks: a POST per event with the
// subscription's `consumerInputs.httpHeaders` ("Name:value" lines) as request headers; a retry posts the
// same notification (same body, same event id) again.
//
// Docs followed: https://learn.microsoft.com/en-us/rest/api/azure/devops/hooks/subscriptions/create,
// https://learn.microsoft.com/en-us/azure/devops/service-hooks/create-subscription,
// https://learn.microsoft.com/en-us/azure/devops/service-hooks/events
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export const ADO_EVENT_TYPES = ['workitem.created', 'workitem.updated', 'workitem.deleted', 'git.push', 'git.pullrequest.created', 'build.complete'];

export interface AdoSubscription {
  id: string;
  publisherId: string;
  eventType: string;
  consumerId: string;
  consumerActionId: string;
  publisherInputs: Record<string, string>;
  consumerInputs: Record<string, string>;
  status: 'enabled' | 'onProbation' | 'disabledByUser' | 'disabledBySystem' | 'disabledByInactiveIdentity';
}

export interface AdoDelivery {
  subscriptionId: string;
  body: string;
  headers: Record<string, string>;
  responses: number[];
}

export interface FakeAzureDevOps {
  /** What apiBaseUrl points at (https://dev.azure.com in production). */
  url: string;
  organization: string;
  /** Project ids (GUIDs) and names the user can edit subscriptions in; `readOnlyProjects` they can only see. */
  projects: string[];
  readOnlyProjects: string[];
  validTokens: Set<string>;
  /** Personal access tokens, accepted as `Basic base64(":{PAT}")` (empty user name). */
  validPats: Set<string>;
  signInPageForUnknownTokens: boolean;
  subscriptions: Map<string, AdoSubscription>;
  deleted: AdoSubscription[];
  requests: Array<{ method: string; path: string; query: string; auth: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  rateLimitNext(retryAfterSeconds: number): void;
  /** Post an event to one subscription with its headers; `headers` replaces them (forgeries). */
  deliver(subscriptionId: string, payload: Record<string, unknown>, opts?: { headers?: Record<string, string> }): Promise<AdoDelivery>;
  /** Azure DevOps retrying the same notification. */
  retry(delivery: AdoDelivery): Promise<AdoDelivery>;
  close(): Promise<void>;
}

/** "Name:value" lines, as the webHooks consumer's httpHeaders input takes them. */
export function parseHttpHeaders(lines: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (lines ?? '').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

const tfError = (message: string, typeKey: string) => ({ $id: '1', innerException: null, message, typeName: `Microsoft.VisualStudio.Services.ServiceHooks.WebApi.${typeKey}, Microsoft.VisualStudio.Services.ServiceHooks.WebApi`, typeKey, errorCode: 0, eventId: 3000 });

export async function startFakeAzureDevOps(organization = 'fabrikam'): Promise<FakeAzureDevOps> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  const state = {
    organization,
    projects: [] as string[],
    readOnlyProjects: [] as string[],
    validTokens: new Set<string>(),
    validPats: new Set<string>(),
    signInPageForUnknownTokens: false,
    subscriptions: new Map<string, AdoSubscription>(),
    deleted: [] as AdoSubscription[],
    requests: [] as FakeAzureDevOps['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body));
  };
  const subJson = (s: AdoSubscription) => ({
    id: s.id, url: `${origin}/${organization}/_apis/hooks/subscriptions/${s.id}`, status: s.status, publisherId: s.publisherId, eventType: s.eventType,
    resourceVersion: '1.0', eventDescription: '', consumerId: s.consumerId, consumerActionId: s.consumerActionId, actionDescription: '',
    publisherInputs: s.publisherInputs,
    // Azure DevOps masks confidential inputs in answers; the fake never echoes the headers.
    consumerInputs: { ...s.consumerInputs, httpHeaders: '********' },
    createdDate: new Date().toISOString(), modifiedDate: new Date().toISOString(), probationRetries: 0,
  });

  let origin = '';
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body, failure.headers);
      const auth = req.headers.authorization ?? '';
      const ok = auth.startsWith('Bearer ')
        ? state.validTokens.has(auth.slice(7))
        : auth.startsWith('Basic ') && [...state.validPats].some((pat) => Buffer.from(auth.slice(6), 'base64').toString() === `:${pat}`);
      if (!ok) {
        if (state.signInPageForUnknownTokens) {
          res.writeHead(203, { 'content-type': 'text/html; charset=utf-8' });
          return res.end('<html><head><title>Azure DevOps Services | Sign In</title></head><body></body></html>');
        }
        return json(res, 401, null, { 'www-authenticate': 'Bearer' });
      }
      if (url.searchParams.get('api-version') !== '7.1') return json(res, 400, tfError('The requested REST API version is not supported.', 'VssVersionNotSupportedException'));
      const prefix = `/${organization}/_apis/hooks/subscriptions`;
      if (req.method === 'POST' && url.pathname === prefix) {
        const projectId = body.publisherInputs?.projectId;
        if (!ADO_EVENT_TYPES.includes(body.eventType)) return json(res, 400, tfError(`Event type ${String(body.eventType)} is not supported by publisher tfs.`, 'EventTypeNotSupportedException'));
        if (state.readOnlyProjects.includes(projectId)) return json(res, 403, tfError('TF400813: The user is not authorized to access this resource. You need Edit subscriptions permissions.', 'UnauthorizedRequestException'));
        if (!state.projects.includes(projectId)) return json(res, 404, tfError(`TF200016: The following project does not exist: ${String(projectId)}.`, 'ProjectDoesNotExistException'));
        if (body.publisherId !== 'tfs' || body.consumerId !== 'webHooks' || body.consumerActionId !== 'httpRequest' || typeof body.consumerInputs?.url !== 'string') {
          return json(res, 400, tfError('The subscription is not valid.', 'SubscriptionInputException'));
        }
        const sub: AdoSubscription = {
          id: randomUUID(), publisherId: body.publisherId, eventType: body.eventType, consumerId: body.consumerId, consumerActionId: body.consumerActionId,
          publisherInputs: body.publisherInputs, consumerInputs: body.consumerInputs, status: 'enabled',
        };
        state.subscriptions.set(sub.id, sub);
        return json(res, 200, subJson(sub));
      }
      const one = new RegExp(`^${prefix}/([0-9a-f-]{36})$`).exec(url.pathname);
      if (one) {
        const sub = state.subscriptions.get(one[1]!);
        if (!sub) return json(res, 404, tfError(`Subscription ${one[1]} was not found.`, 'SubscriptionNotFoundException'));
        if (req.method === 'GET') return json(res, 200, subJson(sub));
        if (req.method === 'DELETE') {
          state.subscriptions.delete(sub.id);
          state.deleted.push(sub);
          res.writeHead(204);
          return res.end();
        }
      }
      return json(res, 404, tfError('The resource cannot be found.', 'NotFound'));
    })().catch((err: unknown) => json(res, 500, { message: String(err) }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const send = async (sub: AdoSubscription, delivery: AdoDelivery): Promise<AdoDelivery> => {
    let status = 0;
    try {
      const res = await request(sub.consumerInputs.url!, { method: 'POST', headers: delivery.headers, body: delivery.body });
      await res.body.text();
      status = res.statusCode;
    } catch {
      status = 0;
    }
    delivery.responses.push(status);
    return delivery;
  };

  const fake: FakeAzureDevOps = Object.assign(state, {
    url: origin,
    failNext(count: number, status: number, body: unknown = tfError('Internal error.', 'InternalServerError'), headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    rateLimitNext(retryAfterSeconds: number) {
      failures.push({
        status: 429,
        body: tfError('TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource.', 'RequestBlockedException'),
        headers: { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-resource': 'ATCPU', 'x-ratelimit-remaining': '0' },
      });
    },
    async deliver(subscriptionId: string, payload: Record<string, unknown>, opts: { headers?: Record<string, string> } = {}) {
      const sub = state.subscriptions.get(subscriptionId);
      if (!sub) throw new Error(`fake azure devops: no subscription ${subscriptionId}`);
      if (sub.status !== 'enabled' && sub.status !== 'onProbation') throw new Error(`fake azure devops: subscription ${subscriptionId} is ${sub.status}; nothing is sent`);
      if (payload.eventType !== sub.eventType) throw new Error(`fake azure devops: subscription ${subscriptionId} is for ${sub.eventType}`);
      const headers = { 'content-type': 'application/json; charset=utf-8', ...(opts.headers ?? parseHttpHeaders(sub.consumerInputs.httpHeaders)) };
      return send(sub, { subscriptionId, body: JSON.stringify({ ...payload, subscriptionId }), headers, responses: [] });
    },
    async retry(delivery: AdoDelivery) {
      const sub = state.subscriptions.get(delivery.subscriptionId);
      if (!sub) throw new Error(`fake azure devops: subscription ${delivery.subscriptionId} is gone`);
      return send(sub, delivery);
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
