// A fake Microsoft Graph (v1.0) and Microsoft identity platform token endpoint over real HTTP, for the
// microsoftTeams, outlook, onedrive, sharepoint and microsoftToDo integrations. It speaks what they use, as documented:
// - POST /subscriptions validates the request (resource, changeType, lifetime per resource, lifecycle URL
//   required over one hour for Teams, clientState ≤ 128) and, DURING the call, POSTs
//   `{notificationUrl}?validationToken=…` and the same for lifecycleNotificationUrl, requiring 200,
//   text/plain and the decoded token within 10 s — else 400 and no subscription; PATCH renews (404 when
//   gone), DELETE removes (204/404).
// - Teams channels and channel messages (+ replies), Outlook messages per mail folder and events; the
//   message delta query with real skip/delta tokens (`Prefer: odata.maxpagesize`), the channel-message
//   delta with `$filter=lastModifiedDateTime gt` and `$expand=replies`, events listed with a createdDateTime
//   filter and `@odata.nextLink` paging.
// - OneDrive: a drive root subscription (`/me/drive/root`, changeType `updated` only, 42,300 minutes) whose
//   notifications name no item, and the drive delta query (`token=latest`, a full round, a deltaLink; 410
//   resyncRequired once tokens are expired); each change also reports the item's parent folder, as Graph does.
//   The same drive also answers as a SharePoint document library: `drives/{driveId}/root` (subscription) and
//   `/drives/{driveId}/root/delta`.
// - SharePoint lists: a list subscription (`sites/{site-id}/lists/{list-id}`, changeType `updated` only, 42,300
//   minutes) whose notifications name no item, and the list item delta query (`token=latest`, a full round,
//   `$expand=fields`, `$top`, a deltaLink; 410 resyncChangesApplyDifferences with a Location header once tokens
//   are expired; deleted items with the `deleted` facet).
// - Microsoft To Do: task lists (`/me/todo/lists`), a subscription on a list's tasks (`/me/todo/lists/{id}/tasks`,
//   changeType created / updated / deleted, 4,230 minutes) whose thin notifications name the task, GET of one task,
//   and the todoTask delta query (a full round, `Prefer: odata.maxpagesize`, $skiptoken pages, a $deltatoken
//   deltaLink, `@removed` for deleted tasks; 410 SyncStateNotFound once tokens are expired).
// - Thin change notifications POSTed to the notificationUrl when a resource is created (as `{value: [...]}`,
//   each item with clientState), lifecycle notifications on demand.
// - 401 InvalidAuthenticationToken for unknown/expired tokens, a refresh_token grant that rotates tokens,
//   scripted failures (429 TooManyRequests with Retry-After, 5xx).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import type { DeliveryWorker } from '../../src/delivery/worker.js';
import { detectHandshake, type Handshake, type IntegrationDefinition } from '../../src/sdk/index.js';
import type { ApiClient } from '../helpers/api-client.js';
import { TestClock } from '../helpers/clock.js';
import type { FakeReceiver } from '../helpers/fake-receiver.js';
import { startIntegrationWorld } from '../helpers/integration-world.js';
import type { TestProject } from '../helpers/project.js';
import type { TestService } from '../helpers/service.js';
import channelFixture from '../../src/integrations/microsoftTeams/fixtures/channel.json' with { type: 'json' };
import chatMessageFixture from '../../src/integrations/microsoftTeams/fixtures/chat-message.json' with { type: 'json' };
import rateLimitedFixture from '../../src/integrations/microsoftTeams/fixtures/rate-limited.json' with { type: 'json' };
import eventFixture from '../../src/integrations/outlook/fixtures/event.json' with { type: 'json' };
import messageFixture from '../../src/integrations/outlook/fixtures/message.json' with { type: 'json' };
import driveItemFixture from '../../src/integrations/onedrive/fixtures/drive-item.json' with { type: 'json' };
import todoTaskFixture from '../../src/integrations/microsoftToDo/fixtures/todo-task.json' with { type: 'json' };
import listItemFixture from '../../src/integrations/sharepoint/fixtures/list-item.json' with { type: 'json' };

export type Target =
  | { kind: 'channels'; teamId: string }
  | { kind: 'channelMessages'; teamId: string; channelId: string }
  | { kind: 'mail'; userId: string; folder: string }
  | { kind: 'events'; userId: string }
  | { kind: 'drive' }
  | { kind: 'list'; siteId: string; listId: string }
  | { kind: 'todo'; listId: string };

export interface FakeSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expirationDateTime: string;
  target: Target;
}

export interface Validation {
  url: string;
  token: string;
  status: number;
  contentType: string;
  body: string;
  ok: boolean;
}

export interface Delivery {
  subscriptionId: string;
  url: string;
  body: string;
  status: number;
}

export interface RecordedGraphRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface ChatMessage extends Record<string, unknown> {
  id: string;
  replyToId: string | null;
  createdDateTime: string;
  lastModifiedDateTime: string;
}

interface StoredMail extends Record<string, unknown> {
  id: string;
  receivedDateTime: string;
}

export interface FakeGraphOptions {
  now?: () => number;
  /** Maximum subscription lifetimes in minutes (documented: Teams 4,320, Outlook 4,230). */
  teamsMaxMinutes?: number;
  outlookMaxMinutes?: number;
  driveMaxMinutes?: number;
  listMaxMinutes?: number;
  todoMaxMinutes?: number;
}

/** A Microsoft To Do task as Graph returns it. */
export interface FakeTodoTask extends Record<string, unknown> {
  id: string;
  title: string;
  status: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
}

/** A SharePoint listItem as Graph returns it with `$expand=fields`. */
export interface FakeListItem extends Record<string, unknown> {
  id: string;
  eTag: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  fields: Record<string, unknown>;
}

export interface FakeDriveItem extends Record<string, unknown> {
  id: string;
  name: string;
  eTag: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  parentReference?: { id: string; driveId: string; driveType: string };
}

export interface FakeGraph {
  url: string;
  apiBaseUrl: string;
  tokenUrl: string;
  authorizationUrl: string;
  tenantId: string;
  user: { id: string; displayName: string; userPrincipalName: string; mail: string };
  validTokens: Set<string>;
  refreshTokens: Set<string>;
  tokenRequests: URLSearchParams[];
  subscriptions: Map<string, FakeSubscription>;
  deletedSubscriptions: string[];
  validations: Validation[];
  deliveries: Delivery[];
  requests: RecordedGraphRequest[];
  /** When false, resource changes are recorded but no notification is sent (to simulate missed ones). */
  deliver: boolean;
  teamsMaxMinutes: number;
  outlookMaxMinutes: number;
  driveMaxMinutes: number;
  /** The drive's root folder id. */
  driveRootId: string;
  /** The drive's id (it also answers as a SharePoint document library at /drives/{driveId}). */
  driveId: string;
  listMaxMinutes: number;
  /** SharePoint: a list on a site; list items created, updated (fields merged), deleted. */
  addList(siteId: string, listId: string): void;
  createListItem(siteId: string, listId: string, fields: Record<string, unknown>): Promise<{ item: FakeListItem; deliveries: Delivery[] }>;
  updateListItem(siteId: string, listId: string, id: string, fields: Record<string, unknown>): Promise<{ item: FakeListItem; deliveries: Delivery[] }>;
  deleteListItem(siteId: string, listId: string, id: string): Promise<{ item: Record<string, unknown>; deliveries: Delivery[] }>;
  todoMaxMinutes: number;
  /** Microsoft To Do: a task list; tasks created, updated (fields merged), completed, deleted. */
  addTodoList(listId: string, opts?: { displayName?: string; wellknownListName?: string }): void;
  createTodoTask(listId: string, title: string, fields?: Record<string, unknown>): Promise<{ task: FakeTodoTask; deliveries: Delivery[] }>;
  updateTodoTask(listId: string, id: string, fields: Record<string, unknown>): Promise<{ task: FakeTodoTask; deliveries: Delivery[] }>;
  completeTodoTask(listId: string, id: string): Promise<{ task: FakeTodoTask; deliveries: Delivery[] }>;
  deleteTodoTask(listId: string, id: string): Promise<{ deliveries: Delivery[] }>;
  /** Answer the next N API requests (not the token endpoint) matching `match` with this status. */
  failNext(count: number, status: number, opts?: { headers?: Record<string, string>; body?: unknown; match?: (method: string, path: string) => boolean }): void;
  addTeam(teamId: string): void;
  createChannel(teamId: string, displayName: string): Promise<{ channel: Record<string, unknown>; deliveries: Delivery[] }>;
  postMessage(teamId: string, channelId: string, text: string, opts?: { replyTo?: string; messageType?: string }): Promise<{ message: ChatMessage; deliveries: Delivery[] }>;
  receiveMail(folder: string, subject: string, opts?: { userId?: string }): Promise<{ message: StoredMail; deliveries: Delivery[] }>;
  createEvent(subject: string, opts?: { userId?: string }): Promise<{ event: Record<string, unknown>; deliveries: Delivery[] }>;
  /** OneDrive: add a folder or file (under the root, or `parentId`), change a file's content, rename, delete. */
  createDriveFolder(name: string, opts?: { parentId?: string }): Promise<{ item: FakeDriveItem; deliveries: Delivery[] }>;
  createDriveFile(name: string, opts?: { parentId?: string }): Promise<{ item: FakeDriveItem; deliveries: Delivery[] }>;
  editDriveFile(id: string): Promise<{ item: FakeDriveItem; deliveries: Delivery[] }>;
  renameDriveItem(id: string, name: string): Promise<{ item: FakeDriveItem; deliveries: Delivery[] }>;
  deleteDriveItem(id: string): Promise<{ item: FakeDriveItem; deliveries: Delivery[] }>;
  /** A notification body for `sub` about `target` items, as Graph builds it (without sending). */
  changeNotificationBody(sub: FakeSubscription, resource: string, resourceData: Record<string, unknown> | null, changeType?: string): string;
  /** POST a raw body to a subscription's notificationUrl. */
  post(url: string, body: string, headers?: Record<string, string>): Promise<{ status: number; body: string }>;
  sendLifecycle(subscriptionId: string, lifecycleEvent: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed', opts?: { remove?: boolean }): Promise<Delivery>;
  /** Invalidate every delta token issued so far (the next use gets 410 SyncStateNotFound). */
  expireDeltaTokens(): void;
  close(): Promise<void>;
}

const GRAPH_ERROR = (code: string, message: string) => ({ error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID() } } });
const WELL_KNOWN_FOLDERS = ['inbox', 'archive', 'drafts', 'sentitems', 'deleteditems', 'junkemail'];

export async function startFakeGraph(opts: FakeGraphOptions = {}): Promise<FakeGraph> {
  const now = opts.now ?? Date.now;
  const iso = (ms = now()) => new Date(ms).toISOString();
  const tenantId = '0f2d8f49-862a-493b-9ca8-82a10637e17d';
  const user = { id: '48d31887-5fad-4d73-a9f5-3c356e68a038', displayName: 'Adele Vance', userPrincipalName: 'AdeleV@contoso.onmicrosoft.com', mail: 'AdeleV@contoso.onmicrosoft.com' };
  const teams = new Map<string, Map<string, { channel: Record<string, unknown>; messages: Map<string, ChatMessage & { replies: ChatMessage[] }> }>>();
  const mail = new Map<string, StoredMail[]>();
  const mailSeq = new Map<string, number>();
  let seq = 0;
  const events: Array<Record<string, unknown> & { id: string; createdDateTime: string }> = [];
  let tokenEpoch = 0;
  let failures: Array<{ status: number; headers: Record<string, string>; body: unknown; match?: (method: string, path: string) => boolean }> = [];
  let nextMessageId = 1700000000000;
  let nextTokenN = 1;

  let baseUrl = '';
  const fake = {
    tenantId,
    user,
    validTokens: new Set(['graph-token-1']),
    refreshTokens: new Set(['refresh-1']),
    tokenRequests: [] as URLSearchParams[],
    subscriptions: new Map<string, FakeSubscription>(),
    deletedSubscriptions: [] as string[],
    validations: [] as Validation[],
    deliveries: [] as Delivery[],
    requests: [] as RecordedGraphRequest[],
    deliver: true,
    teamsMaxMinutes: opts.teamsMaxMinutes ?? 4320,
    outlookMaxMinutes: opts.outlookMaxMinutes ?? 4230,
    driveMaxMinutes: opts.driveMaxMinutes ?? 42_300,
    driveRootId: '01BYE5RZ56Y2GOVW7725BZO354PWSELRRZ',
    driveId: 'b!-RIj2DuyvEyV1T4NlOaMHk8XkS_I8MdFlUCq1BlcjgmhRfAj3-Z8RY2VpuvV_tpd',
    listMaxMinutes: opts.listMaxMinutes ?? 42_300,
    todoMaxMinutes: opts.todoMaxMinutes ?? 4230,
  };
  /** To Do lists by id: the list and its tasks with the sequence number of their last change (deleted ones stay, as `@removed`). */
  const todoLists = new Map<string, { list: Record<string, unknown>; tasks: Map<string, { task: FakeTodoTask | Record<string, unknown>; seq: number }> }>();
  let todoSeq = 0;
  const driveId = fake.driveId;
  /** SharePoint lists by `${siteId}/${listId}`: items with the sequence number of their last change. */
  const lists = new Map<string, Map<string, { item: FakeListItem | Record<string, unknown>; seq: number }>>();
  let listSeq = 0;
  const listKey = (siteId: string, listId: string) => `${siteId.toLowerCase()}/${listId.toLowerCase()}`;
  /** Drive items with the sequence number of their last change (deleted ones stay, with the deleted facet). */
  const drive = new Map<string, { item: FakeDriveItem; seq: number }>();
  let driveSeq = 0;

  const isUser = (id: string) => id.toLowerCase() === 'me' || id === user.id || id.toLowerCase() === user.userPrincipalName.toLowerCase();
  const folderOf = (name: string) => {
    const key = name.toLowerCase();
    if (!mail.has(key) && WELL_KNOWN_FOLDERS.includes(key)) mail.set(key, []);
    return mail.get(key);
  };

  // ── HTTP helpers ──────────────────────────────────────────────────────────────────────────────────
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal', 'request-id': randomUUID(), ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const post = async (url: string, body: string, headers: Record<string, string> = {}) => {
    const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, headersTimeout: 10_000, bodyTimeout: 10_000 });
    return { status: res.statusCode, body: await res.body.text(), contentType: String(res.headers['content-type'] ?? '') };
  };

  // ── subscriptions ─────────────────────────────────────────────────────────────────────────────────
  function parseTarget(resource: string): Target | null {
    const r = resource.replace(/^\//, '');
    let m = /^teams\/([^/]+)\/channels$/i.exec(r);
    if (m) return { kind: 'channels', teamId: m[1]! };
    m = /^teams\/([^/]+)\/channels\/([^/]+)\/messages$/i.exec(r);
    if (m) return { kind: 'channelMessages', teamId: m[1]!, channelId: m[2]! };
    m = /^(?:me|users\/([^/]+))\/mailFolders\('([^']+)'\)\/messages$/i.exec(r);
    if (m) return { kind: 'mail', userId: m[1] ?? 'me', folder: m[2]! };
    m = /^(?:me|users\/([^/]+))\/events$/i.exec(r);
    if (m) return { kind: 'events', userId: m[1] ?? 'me' };
    if (/^me\/drive\/root$/i.test(r)) return { kind: 'drive' };
    m = /^drives\/([^/]+)\/root$/i.exec(r);
    if (m && m[1] === fake.driveId) return { kind: 'drive' };
    m = /^sites\/([^/]+)\/lists\/([^/]+)$/i.exec(r);
    if (m) return { kind: 'list', siteId: m[1]!, listId: m[2]! };
    m = /^(?:me|users\/([^/]+))\/todo\/lists\/([^/]+)\/tasks$/i.exec(r);
    if (m && (m[1] === undefined || isUser(m[1]))) return { kind: 'todo', listId: m[2]! };
    return null;
  }
  const maxMinutes = (t: Target) => (t.kind === 'channels' || t.kind === 'channelMessages' ? fake.teamsMaxMinutes : t.kind === 'drive' ? fake.driveMaxMinutes : t.kind === 'list' ? fake.listMaxMinutes : t.kind === 'todo' ? fake.todoMaxMinutes : fake.outlookMaxMinutes);
  const targetExists = (t: Target) => {
    switch (t.kind) {
      case 'channels':
        return teams.has(t.teamId);
      case 'channelMessages':
        return teams.get(t.teamId)?.has(t.channelId) ?? false;
      case 'mail':
        return isUser(t.userId) && folderOf(t.folder) !== undefined;
      case 'events':
        return isUser(t.userId);
      case 'drive':
        return true;
      case 'list':
        return lists.has(listKey(t.siteId, t.listId));
      case 'todo':
        return todoLists.has(t.listId);
    }
  };
  const live = (s: FakeSubscription) => Date.parse(s.expirationDateTime) > now();

  /** Graph's notificationUrl validation: POST ?validationToken=…, 200 text/plain with the decoded token within 10 s. */
  async function validate(url: string): Promise<boolean> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const target = `${url}${url.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`;
    let v: Validation;
    try {
      const res = await post(target, '', { 'content-type': 'text/plain; charset=utf-8' });
      const ok = res.status === 200 && res.contentType.startsWith('text/plain') && res.body === token;
      v = { url, token, status: res.status, contentType: res.contentType, body: res.body, ok };
    } catch (err) {
      v = { url, token, status: 0, contentType: '', body: String(err), ok: false };
    }
    fake.validations.push(v);
    return v.ok;
  }

  function expirationProblem(t: Target, expiration: unknown, hasLifecycleUrl: boolean): string | null {
    const at = typeof expiration === 'string' ? Date.parse(expiration) : NaN;
    if (!Number.isFinite(at)) return 'expirationDateTime is required.';
    if (at <= now()) return 'Subscription expiration date time must be in the future.';
    const max = maxMinutes(t);
    if (at - now() > max * 60_000) return `Subscription expiration can only be ${max} minutes in the future.`;
    if ((t.kind === 'channels' || t.kind === 'channelMessages') && at - now() > 60 * 60_000 && !hasLifecycleUrl) {
      return 'lifecycleNotificationUrl is a required property for subscription creation on this resource when the expirationDateTime value is set to greater than 1 hour.';
    }
    return null;
  }

  const subscriptionBody = (s: FakeSubscription) => ({
    '@odata.context': `${baseUrl}/v1.0/$metadata#subscriptions/$entity`,
    id: s.id,
    resource: s.resource,
    applicationId: '24d3b144-21ae-4080-943f-7067b395b913',
    changeType: s.changeType,
    clientState: s.clientState,
    notificationUrl: s.notificationUrl,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl,
    expirationDateTime: s.expirationDateTime,
    creatorId: user.id,
    latestSupportedTlsVersion: 'v1_2',
    includeResourceData: false,
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  });

  async function createSubscription(res: ServerResponse, body: Record<string, unknown>) {
    const bad = (message: string) => json(res, 400, GRAPH_ERROR('InvalidRequest', message));
    const { changeType, notificationUrl, lifecycleNotificationUrl, resource, expirationDateTime, clientState } = body;
    if (typeof changeType !== 'string' || !changeType.split(',').every((c) => ['created', 'updated', 'deleted'].includes(c))) return bad('Invalid changeType.');
    if (typeof notificationUrl !== 'string' || !/^https?:\/\//.test(notificationUrl)) return bad('Invalid notification url.');
    if (lifecycleNotificationUrl !== undefined && (typeof lifecycleNotificationUrl !== 'string' || !/^https?:\/\//.test(lifecycleNotificationUrl))) return bad('Invalid lifecycle notification url.');
    if (clientState !== undefined && (typeof clientState !== 'string' || clientState.length > 128)) return bad('clientState is limited to 128 characters.');
    const target = typeof resource === 'string' ? parseTarget(resource) : null;
    if (!target) return bad(`Resource '${String(resource)}' is not supported.`);
    // A drive root and a SharePoint list support changeType updated only.
    if ((target.kind === 'drive' || target.kind === 'list') && changeType !== 'updated') return bad(`ChangeType '${changeType}' is not supported for resource '${String(resource)}'.`);
    if (!targetExists(target)) return json(res, 404, GRAPH_ERROR('NotFound', 'The requested resource does not exist.'));
    const problem = expirationProblem(target, expirationDateTime, typeof lifecycleNotificationUrl === 'string');
    if (problem) return bad(problem);
    // Graph validates while the create call is open, before answering it.
    const urls = [notificationUrl, ...(typeof lifecycleNotificationUrl === 'string' ? [lifecycleNotificationUrl] : [])];
    for (const url of urls) {
      if (!(await validate(url))) {
        return bad('Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.');
      }
    }
    const s: FakeSubscription = {
      id: randomUUID(),
      resource: resource as string,
      changeType,
      notificationUrl,
      lifecycleNotificationUrl: typeof lifecycleNotificationUrl === 'string' ? lifecycleNotificationUrl : null,
      clientState: typeof clientState === 'string' ? clientState : null,
      expirationDateTime: iso(Date.parse(expirationDateTime as string)),
      target,
    };
    fake.subscriptions.set(s.id, s);
    return json(res, 201, subscriptionBody(s));
  }

  // ── notifications ─────────────────────────────────────────────────────────────────────────────────
  const changeNotificationBody = (s: FakeSubscription, resource: string, resourceData: Record<string, unknown> | null, changeType = 'created') =>
    JSON.stringify({
      value: [{
        id: randomUUID().slice(0, 13),
        subscriptionId: s.id,
        subscriptionExpirationDateTime: s.expirationDateTime,
        changeType,
        resource,
        resourceData,
        clientState: s.clientState,
        tenantId,
      }],
    });

  async function notify(matches: (t: Target) => boolean, resource: string, resourceData: Record<string, unknown> | null, changeType = 'created'): Promise<Delivery[]> {
    const out: Delivery[] = [];
    if (!fake.deliver) return out;
    for (const s of fake.subscriptions.values()) {
      if (!live(s) || !s.changeType.split(',').includes(changeType) || !matches(s.target)) continue;
      const body = changeNotificationBody(s, resource, resourceData, changeType);
      const r = await post(s.notificationUrl, body);
      const d: Delivery = { subscriptionId: s.id, url: s.notificationUrl, body, status: r.status };
      fake.deliveries.push(d);
      out.push(d);
    }
    return out;
  }

  // ── OData helpers ─────────────────────────────────────────────────────────────────────────────────
  const encodeToken = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const decodeToken = (t: string | null): any => {
    if (!t) return null;
    try {
      return JSON.parse(Buffer.from(t, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
  };
  const pageSize = (req: IncomingMessage, fallback: number) => {
    const m = /odata\.maxpagesize=(\d+)/.exec(String(req.headers.prefer ?? ''));
    return m ? Math.max(1, Number(m[1])) : fallback;
  };
  const gone = (res: ServerResponse) => json(res, 410, GRAPH_ERROR('SyncStateNotFound', 'The sync state generation is not found. Please start a new delta round.'));
  const withoutReplies = ({ replies: _r, ...m }: ChatMessage & { replies: ChatMessage[] }) => m;

  /** A drive delta round (/me/drive/root/delta, /drives/{id}/root/delta): `token=latest`, a full round, or a round from a delta token. */
  function driveDelta(res: ServerResponse, path: string, query: URLSearchParams) {
    const skip = decodeToken(query.get('$skiptoken'));
    const tokenParam = query.get('token');
    const delta = tokenParam && tokenParam !== 'latest' ? decodeToken(tokenParam) : null;
    if (tokenParam && tokenParam !== 'latest' && !delta) return json(res, 400, GRAPH_ERROR('invalidRequest', 'Invalid delta token.'));
    const link = `${baseUrl}/v1.0${path}`;
    const deltaLink = (upTo: number) => `${link}?token=${encodeToken({ afterSeq: upTo, epoch: tokenEpoch })}`;
    if (tokenParam === 'latest') return json(res, 200, { '@odata.context': `${baseUrl}/v1.0/$metadata#Collection(driveItem)`, value: [], '@odata.deltaLink': deltaLink(driveSeq) });
    const round: { afterSeq: number; full: boolean; offset: number; upTo: number; epoch: number } = skip ?? (delta
      ? { afterSeq: delta.afterSeq, full: false, offset: 0, upTo: driveSeq, epoch: delta.epoch }
      : { afterSeq: 0, full: true, offset: 0, upTo: driveSeq, epoch: tokenEpoch });
    if (round.epoch !== tokenEpoch) return json(res, 410, GRAPH_ERROR('resyncRequired', 'Resync required. Replace any local items with the server\'s version (including deletes) if you\'re sure that the service was up to date with your local changes when you last sync\'d.'));
    const changed = [...drive.values()]
      .filter((e) => e.seq > round.afterSeq && e.seq <= round.upTo && !(round.full && e.item.deleted !== undefined))
      .sort((a, b) => a.seq - b.seq)
      .map((e) => e.item);
    const size = Math.max(1, Number(query.get('$top') ?? '') || (skip?.size as number | undefined) || 10);
    const page = changed.slice(round.offset, round.offset + size);
    return json(res, 200, {
      '@odata.context': `${baseUrl}/v1.0/$metadata#Collection(driveItem)`,
      value: page,
      ...(round.offset + size < changed.length
        ? { '@odata.nextLink': `${link}?$skiptoken=${encodeToken({ ...round, offset: round.offset + size, size })}` }
        : { '@odata.deltaLink': deltaLink(round.upTo) }),
    });
  }

  /** /sites/{site}/lists/{list}/items/delta: `token=latest`, a full round, or a round from a delta token; `$expand=fields`, `$top`. */
  function listItemsDelta(res: ServerResponse, path: string, query: URLSearchParams, siteId: string, listId: string) {
    const items = lists.get(listKey(siteId, listId));
    if (!items) return json(res, 404, GRAPH_ERROR('itemNotFound', 'The specified list was not found'));
    const skip = decodeToken(query.get('$skiptoken'));
    const tokenParam = query.get('token');
    const delta = tokenParam && tokenParam !== 'latest' ? decodeToken(tokenParam) : null;
    if (tokenParam && tokenParam !== 'latest' && !delta) return json(res, 400, GRAPH_ERROR('invalidRequest', 'Invalid delta token.'));
    const link = `${baseUrl}/v1.0${path}`;
    const expand = (skip?.expand as boolean | undefined) ?? /^fields\b/.test(query.get('$expand') ?? '');
    const deltaLink = (upTo: number) => `${link}?token=${encodeToken({ afterSeq: upTo, epoch: tokenEpoch })}${expand ? '&$expand=fields' : ''}`;
    if (tokenParam === 'latest') return json(res, 200, { '@odata.context': `${baseUrl}/v1.0/$metadata#Collection(listItem)`, value: [], '@odata.deltaLink': deltaLink(listSeq) });
    const round: { afterSeq: number; full: boolean; offset: number; upTo: number; epoch: number; size?: number; expand?: boolean } = skip ?? (delta
      ? { afterSeq: delta.afterSeq, full: false, offset: 0, upTo: listSeq, epoch: delta.epoch }
      : { afterSeq: 0, full: true, offset: 0, upTo: listSeq, epoch: tokenEpoch });
    if (round.epoch !== tokenEpoch) {
      // A fresh enumeration starts at the Location header's link (listItem: delta, "410 Gone").
      return json(res, 410, GRAPH_ERROR('resyncChangesApplyDifferences', 'Resync required.'), { location: `${link}${expand ? '?$expand=fields' : ''}` });
    }
    const changed = [...items.values()]
      .filter((e) => e.seq > round.afterSeq && e.seq <= round.upTo && !(round.full && e.item.deleted !== undefined))
      .sort((a, b) => a.seq - b.seq)
      .map((e) => {
        if (expand || e.item.deleted !== undefined) return e.item;
        const { fields: _f, ...rest } = e.item;
        return rest;
      });
    const size = Math.max(1, Number(query.get('$top') ?? '') || round.size || 10);
    const page = changed.slice(round.offset, round.offset + size);
    return json(res, 200, {
      '@odata.context': `${baseUrl}/v1.0/$metadata#Collection(listItem)`,
      value: page,
      ...(round.offset + size < changed.length
        ? { '@odata.nextLink': `${link}?$skiptoken=${encodeToken({ ...round, offset: round.offset + size, size, expand })}` }
        : { '@odata.deltaLink': deltaLink(round.upTo) }),
    });
  }

  /** Microsoft To Do: lists, one task, and the todoTask delta query ($skiptoken pages, a $deltatoken deltaLink). */
  function todoRoute(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, rest: string[]) {
    if (rest.length === 0) return json(res, 200, { '@odata.context': `${baseUrl}/v1.0/$metadata#users('${user.id}')/todo/lists`, value: [...todoLists.values()].map((l) => l.list) });
    const l = todoLists.get(rest[0]!);
    if (!l) return json(res, 404, GRAPH_ERROR('ErrorItemNotFound', 'The specified object was not found in the store.'));
    if (rest[1] !== 'tasks') return json(res, 404, GRAPH_ERROR('NotFound', 'The requested resource does not exist.'));
    if (rest.length === 3 && rest[2] !== 'delta') {
      const e = l.tasks.get(rest[2]!);
      if (!e || e.task['@removed'] !== undefined) return json(res, 404, GRAPH_ERROR('ErrorItemNotFound', 'The specified object was not found in the store.'));
      return json(res, 200, { '@odata.context': `${baseUrl}/v1.0/$metadata#users('${user.id}')/todo/lists('${rest[0]}')/tasks/$entity`, ...e.task });
    }
    if (rest.length !== 3) return json(res, 404, GRAPH_ERROR('NotFound', 'The requested resource does not exist.'));
    const skip = decodeToken(query.get('$skiptoken'));
    const delta = decodeToken(query.get('$deltatoken'));
    if (query.get('$deltatoken') !== null && !delta) return json(res, 400, GRAPH_ERROR('BadRequest', 'Invalid delta token.'));
    const round: { afterSeq: number; full: boolean; offset: number; upTo: number; epoch: number; size?: number } = skip ?? (delta
      ? { afterSeq: delta.afterSeq, full: false, offset: 0, upTo: todoSeq, epoch: delta.epoch }
      : { afterSeq: 0, full: true, offset: 0, upTo: todoSeq, epoch: tokenEpoch });
    if (round.epoch !== tokenEpoch) return gone(res);
    const changed = [...l.tasks.values()]
      .filter((e) => e.seq > round.afterSeq && e.seq <= round.upTo && !(round.full && e.task['@removed'] !== undefined))
      .sort((a, b) => a.seq - b.seq)
      .map((e) => e.task);
    const size = round.size ?? pageSize(req, 10);
    const page = changed.slice(round.offset, round.offset + size);
    const link = `${baseUrl}/v1.0${path}`;
    return json(res, 200, {
      '@odata.context': `${baseUrl}/v1.0/$metadata#Collection(todoTask)`,
      value: page,
      ...(round.offset + size < changed.length
        ? { '@odata.nextLink': `${link}?$skiptoken=${encodeToken({ ...round, offset: round.offset + size, size })}` }
        : { '@odata.deltaLink': `${link}?$deltatoken=${encodeToken({ afterSeq: round.upTo, epoch: tokenEpoch })}` }),
    });
  }

  // ── routes ────────────────────────────────────────────────────────────────────────────────────────
  async function api(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, rawBody: string) {
    const method = req.method ?? 'GET';
    const seg = path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    const body = rawBody ? JSON.parse(rawBody) : undefined;
    const notFound = () => json(res, 404, GRAPH_ERROR('NotFound', 'The requested resource does not exist.'));

    if (seg[0] === 'subscriptions') {
      if (method === 'POST' && seg.length === 1) return createSubscription(res, body ?? {});
      const s = fake.subscriptions.get(seg[1] ?? '');
      if (!s || !live(s)) return json(res, 404, GRAPH_ERROR('ResourceNotFound', 'The object was not found.'));
      if (method === 'GET' && seg.length === 2) return json(res, 200, subscriptionBody(s));
      if (method === 'PATCH' && seg.length === 2) {
        const problem = expirationProblem(s.target, body?.expirationDateTime, s.lifecycleNotificationUrl !== null);
        if (problem) return json(res, 400, GRAPH_ERROR('InvalidRequest', problem));
        s.expirationDateTime = iso(Date.parse(body.expirationDateTime));
        return json(res, 200, subscriptionBody(s));
      }
      if (method === 'DELETE' && seg.length === 2) {
        fake.subscriptions.delete(s.id);
        fake.deletedSubscriptions.push(s.id);
        res.writeHead(204).end();
        return;
      }
      if (method === 'POST' && seg[2] === 'reauthorize') {
        res.writeHead(204).end();
        return;
      }
      return notFound();
    }

    if (method !== 'GET') return json(res, 405, GRAPH_ERROR('BadRequest', 'Method not allowed.'));

    // A SharePoint document library's drive, and list items.
    if (seg[0] === 'drives' && seg.length === 4 && seg[2] === 'root' && seg[3] === 'delta') {
      return seg[1] === fake.driveId ? driveDelta(res, path, query) : json(res, 404, GRAPH_ERROR('itemNotFound', 'The resource could not be found.'));
    }
    if (seg[0] === 'sites' && seg.length === 6 && seg[2] === 'lists' && seg[4] === 'items' && seg[5] === 'delta') {
      return listItemsDelta(res, path, query, seg[1]!, seg[3]!);
    }

    // /me, /users/{id}
    let mailboxSeg = seg;
    if (seg[0] === 'me') mailboxSeg = seg.slice(1);
    else if (seg[0] === 'users' && seg[1] !== undefined) {
      if (!isUser(seg[1])) return json(res, 404, GRAPH_ERROR('ErrorInvalidUser', `The requested user '${seg[1]}' is invalid.`));
      mailboxSeg = seg.slice(2);
    }
    if (seg[0] === 'me' || seg[0] === 'users') {
      if (mailboxSeg.length === 0) return json(res, 200, { '@odata.context': `${baseUrl}/v1.0/$metadata#users/$entity`, ...user });
      // /todo/lists[/{id}/tasks[/delta | /{taskId}]]
      if (mailboxSeg[0] === 'todo' && mailboxSeg[1] === 'lists') return todoRoute(req, res, path, query, mailboxSeg.slice(2));
      // /me/drive/root/delta: `token=latest`, a full round, or a round from a delta token
      if (seg[0] === 'me' && mailboxSeg.join('/') === 'drive/root/delta') return driveDelta(res, path, query);
      // /messages/{id}
      if (mailboxSeg[0] === 'messages' && mailboxSeg.length === 2) {
        for (const list of mail.values()) {
          const m = list.find((x) => x.id === mailboxSeg[1]);
          if (m) return json(res, 200, { '@odata.context': `${baseUrl}/v1.0/$metadata#users('${user.id}')/messages/$entity`, ...m });
        }
        return json(res, 404, GRAPH_ERROR('ErrorItemNotFound', 'The specified object was not found in the store.'));
      }
      // /mailFolders/{folder}/messages/delta
      if (mailboxSeg[0] === 'mailFolders' && mailboxSeg[2] === 'messages' && mailboxSeg[3] === 'delta') {
        const folderName = mailboxSeg[1] ?? '';
        const folder = folderOf(folderName);
        if (!folder) return json(res, 404, GRAPH_ERROR('ErrorItemNotFound', 'The specified folder could not be found in the store.'));
        const skip = decodeToken(query.get('$skiptoken'));
        const delta = decodeToken(query.get('$deltatoken'));
        let round: { folder: string; from: number; afterSeq: number; offset: number; epoch: number; upTo: number };
        if (skip) round = skip;
        else if (delta) round = { ...delta, offset: 0, upTo: seq };
        else {
          const filter = /receivedDateTime ge (\S+)/.exec(query.get('$filter') ?? '');
          round = { folder: folderName.toLowerCase(), from: filter ? Date.parse(filter[1]!) : 0, afterSeq: 0, offset: 0, epoch: tokenEpoch, upTo: seq };
        }
        if (round.epoch !== tokenEpoch) return gone(res);
        const matching = folder.filter((m) => Date.parse(m.receivedDateTime) >= round.from && (mailSeq.get(m.id) ?? 0) > round.afterSeq && (mailSeq.get(m.id) ?? 0) <= round.upTo);
        const size = pageSize(req, 10);
        const page = matching.slice(round.offset, round.offset + size);
        const link = `${baseUrl}/v1.0${path}`;
        const more = round.offset + size < matching.length;
        return json(res, 200, {
          '@odata.context': `${baseUrl}/v1.0/$metadata#Collection(message)`,
          value: page,
          ...(more
            ? { '@odata.nextLink': `${link}?$skiptoken=${encodeToken({ ...round, offset: round.offset + size })}` }
            : { '@odata.deltaLink': `${link}?$deltatoken=${encodeToken({ folder: round.folder, from: round.from, afterSeq: round.upTo, epoch: tokenEpoch })}` }),
        });
      }
      // /events, /events/{id}
      if (mailboxSeg[0] === 'events' && mailboxSeg.length === 2) {
        const e = events.find((x) => x.id === mailboxSeg[1]);
        return e ? json(res, 200, { '@odata.context': `${baseUrl}/v1.0/$metadata#users('${user.id}')/events/$entity`, ...e }) : json(res, 404, GRAPH_ERROR('ErrorItemNotFound', 'The specified object was not found in the store.'));
      }
      if (mailboxSeg[0] === 'events' && mailboxSeg.length === 1) {
        const filter = /createdDateTime ge (\S+)/.exec(query.get('$filter') ?? '');
        const from = filter ? Date.parse(filter[1]!) : 0;
        const sorted = events.filter((e) => Date.parse(e.createdDateTime) >= from).sort((a, b) => Date.parse(a.createdDateTime) - Date.parse(b.createdDateTime));
        const top = Number(query.get('$top') ?? '10');
        const skipN = Number(query.get('$skip') ?? '0');
        const page = sorted.slice(skipN, skipN + top);
        const next = new URLSearchParams(query);
        next.set('$skip', String(skipN + top));
        return json(res, 200, {
          '@odata.context': `${baseUrl}/v1.0/$metadata#users('${user.id}')/events`,
          value: page,
          ...(skipN + top < sorted.length ? { '@odata.nextLink': `${baseUrl}/v1.0${path}?${next.toString()}` } : {}),
        });
      }
      return notFound();
    }

    // /teams/{team}/channels[/{channel}[/messages[/delta | /{id}[/replies/{id}]]]]
    if (seg[0] === 'teams' && seg[2] === 'channels') {
      const team = teams.get(seg[1] ?? '');
      if (!team) return notFound();
      if (seg.length === 3) return json(res, 200, { '@odata.context': `${baseUrl}/v1.0/$metadata#teams('${seg[1]}')/channels`, '@odata.count': team.size, value: [...team.values()].map((c) => c.channel) });
      const ch = team.get(seg[3] ?? '');
      if (!ch) return notFound();
      if (seg.length === 4) return json(res, 200, { '@odata.context': `${baseUrl}/v1.0/$metadata#teams('${seg[1]}')/channels/$entity`, ...ch.channel });
      if (seg[4] === 'messages' && seg[5] === 'delta') {
        const skip = decodeToken(query.get('$skiptoken'));
        const filter = /lastModifiedDateTime gt (\S+)/.exec(query.get('$filter') ?? '');
        const round = skip ?? { from: filter ? Date.parse(filter[1]!) : 0, expand: query.get('$expand') === 'replies', top: Math.min(50, Number(query.get('$top') ?? '20')), offset: 0 };
        const changed = [...ch.messages.values()].filter((m) => Date.parse(m.lastModifiedDateTime) > round.from || m.replies.some((r) => Date.parse(r.lastModifiedDateTime) > round.from));
        const page = changed.slice(round.offset, round.offset + round.top).map((m) => (round.expand ? m : withoutReplies(m)));
        const link = `${baseUrl}/v1.0/teams/${seg[1]}/channels/${seg[3]}/messages/delta`;
        return json(res, 200, {
          '@odata.context': `${baseUrl}/v1.0/$metadata#Collection(chatMessage)`,
          value: page,
          ...(round.offset + round.top < changed.length
            ? { '@odata.nextLink': `${link}?$skiptoken=${encodeToken({ ...round, offset: round.offset + round.top })}` }
            : { '@odata.deltaLink': `${link}?$deltatoken=${encodeToken({ at: now() })}` }),
        });
      }
      if (seg[4] === 'messages' && seg.length >= 6) {
        const m = ch.messages.get(seg[5] ?? '');
        if (!m) return notFound();
        if (seg.length === 6) return json(res, 200, { '@odata.context': `${baseUrl}/v1.0/$metadata#teams('${seg[1]}')/channels('${seg[3]}')/messages/$entity`, ...withoutReplies(m) });
        if (seg[6] === 'replies' && seg.length === 8) {
          const r = m.replies.find((x) => x.id === seg[7]);
          return r ? json(res, 200, { '@odata.context': `${baseUrl}/v1.0/$metadata#teams('${seg[1]}')/channels('${seg[3]}')/messages('${m.id}')/replies/$entity`, ...r }) : notFound();
        }
      }
      return notFound();
    }
    return notFound();
  }

  async function token(res: ServerResponse, rawBody: string) {
    const form = new URLSearchParams(rawBody);
    fake.tokenRequests.push(form);
    if (form.get('grant_type') !== 'refresh_token' || !fake.refreshTokens.has(form.get('refresh_token') ?? '')) {
      return json(res, 400, { error: 'invalid_grant', error_description: 'AADSTS70000: The provided value for the refresh_token is not valid.', error_codes: [70000] });
    }
    // The v2.0 token endpoint requires `scope` on a refresh_token grant too.
    if (!form.get('scope')) {
      return json(res, 400, { error: 'invalid_request', error_description: "AADSTS900144: The request body must contain the following parameter: 'scope'.", error_codes: [900144] });
    }
    const n = ++nextTokenN;
    const accessToken = `graph-token-${n}`;
    const refreshToken = `refresh-${n}`;
    fake.validTokens.add(accessToken);
    // A new refresh token comes with each refresh; the old one is not revoked.
    fake.refreshTokens.add(refreshToken);
    return json(res, 200, { token_type: 'Bearer', scope: 'https://graph.microsoft.com/.default', expires_in: 3600, ext_expires_in: 3600, access_token: accessToken, refresh_token: refreshToken });
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const rawBody = await readBody(req);
      if (req.method === 'POST' && url.pathname === '/common/oauth2/v2.0/token') return token(res, rawBody);
      if (!url.pathname.startsWith('/v1.0/')) return json(res, 404, GRAPH_ERROR('BadRequest', 'Unsupported API version.'));
      const path = url.pathname.slice('/v1.0'.length);
      fake.requests.push({ method: req.method ?? 'GET', path: decodeURIComponent(path), query: url.searchParams, headers: req.headers, body: rawBody ? JSON.parse(rawBody) : undefined });
      const i = failures.findIndex((f) => !f.match || f.match(req.method ?? 'GET', path));
      if (i >= 0) {
        const [f] = failures.splice(i, 1);
        return json(res, f!.status, f!.body, f!.headers);
      }
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !fake.validTokens.has(bearer)) {
        return json(res, 401, GRAPH_ERROR('InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'), { 'www-authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"' });
      }
      return api(req, res, path, url.searchParams, rawBody);
    })().catch((err: unknown) => json(res, 500, GRAPH_ERROR('InternalServerError', String(err))));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  // ── OneDrive ──────────────────────────────────────────────────────────────────────────────────────
  const rootItem: FakeDriveItem = { id: fake.driveRootId, name: 'root', eTag: '"{ROOT},1"', createdDateTime: iso(), lastModifiedDateTime: iso(), root: {}, folder: { childCount: 0 } };
  drive.set(rootItem.id, { item: rootItem, seq: 0 });
  let nextDriveN = 1;
  const newDriveItem = (name: string, parentId: string | undefined, facet: Record<string, unknown>): FakeDriveItem => {
    const parent = parentId ?? fake.driveRootId;
    if (!drive.get(parent)?.item.folder) throw new Error(`no folder ${parent}`);
    const id = `01BYE5RZ${String(nextDriveN++).padStart(8, '0')}${randomUUID().replace(/-/g, '').slice(0, 18).toUpperCase()}`;
    const at = iso();
    return { ...driveItemFixture, id, name, eTag: `"{${id}},0"`, cTag: `"c:{${id}},1"`, createdDateTime: at, lastModifiedDateTime: at, parentReference: { id: parent, driveId, driveType: 'business' }, webUrl: `https://contoso-my.sharepoint.com/personal/adelev/Documents/${encodeURIComponent(name)}`, file: undefined, ...facet };
  };
  const liveDriveItem = (id: string) => {
    const e = drive.get(id);
    if (!e || e.item.deleted !== undefined) throw new Error(`no drive item ${id}`);
    return e.item;
  };
  /** Record a change to `item` (new eTag, modified now), touch its parent folder as Graph does, notify drive subscriptions. */
  async function driveChange(item: FakeDriveItem) {
    const bump = (i: FakeDriveItem) => {
      const n = Number(/,(\d+)"$/.exec(i.eTag)?.[1] ?? '0') + 1;
      i.eTag = `"{${i.id}},${n}"`;
      if (i.deleted === undefined && n > 1) i.lastModifiedDateTime = iso();
      drive.set(i.id, { item: i, seq: ++driveSeq });
    };
    if (item.file === undefined) delete item.file;
    bump(item);
    const parent = drive.get(item.parentReference?.id ?? '');
    if (parent) bump(parent.item);
    const deliveries = await notify((t) => t.kind === 'drive', 'me/drive/root', null, 'updated');
    return { item: structuredClone(item), deliveries };
  }

  // ── SharePoint lists ──────────────────────────────────────────────────────────────────────────────
  let nextListItemN = 1;
  const listOf = (siteId: string, listId: string) => {
    const l = lists.get(listKey(siteId, listId));
    if (!l) throw new Error(`no list ${siteId}/${listId}`);
    return l;
  };
  /** Record a change to a list item (a new sequence number) and notify the list's subscriptions (no item named). */
  async function listChange(siteId: string, listId: string, item: FakeListItem | Record<string, unknown>) {
    listOf(siteId, listId).set(String(item.id), { item, seq: ++listSeq });
    const deliveries = await notify((t) => t.kind === 'list' && listKey(t.siteId, t.listId) === listKey(siteId, listId), listId, null, 'updated');
    return { item: structuredClone(item), deliveries };
  }

  // ── Microsoft To Do ───────────────────────────────────────────────────────────────────────────────
  let nextTodoN = 1;
  const todoListOf = (listId: string) => {
    const l = todoLists.get(listId);
    if (!l) throw new Error(`no To Do list ${listId}`);
    return l;
  };
  const liveTodoTask = (listId: string, id: string) => {
    const e = todoListOf(listId).tasks.get(id);
    if (!e || e.task['@removed'] !== undefined) throw new Error(`no To Do task ${id}`);
    return structuredClone(e.task) as FakeTodoTask;
  };
  /** Record a change to a task (a new sequence number) and notify the list's subscriptions, naming the task. */
  async function todoChange(listId: string, task: FakeTodoTask | Record<string, unknown>, changeType: 'created' | 'updated' | 'deleted') {
    todoListOf(listId).tasks.set(String(task.id), { task, seq: ++todoSeq });
    // As Graph sends them for To Do: the user's tasks as `resource`, the task in resourceData.
    const deliveries = await notify((t) => t.kind === 'todo' && t.listId === listId, `todob2/graph/v1/users(${user.id})/tasks`, { id: task.id, '@odata.type': '#microsoft.graph.todoTask' }, changeType);
    return { task: structuredClone(task) as FakeTodoTask, deliveries };
  }

  const api_ = {
    url: baseUrl,
    apiBaseUrl: `${baseUrl}/v1.0`,
    tokenUrl: `${baseUrl}/common/oauth2/v2.0/token`,
    authorizationUrl: `${baseUrl}/common/oauth2/v2.0/authorize`,
    failNext(count: number, status: number, o: { headers?: Record<string, string>; body?: unknown; match?: (method: string, path: string) => boolean } = {}) {
      const body = o.body ?? (status === 429 ? rateLimitedFixture : GRAPH_ERROR(status >= 500 ? 'ServiceUnavailable' : 'BadRequest', 'Scripted failure.'));
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, headers: o.headers ?? {}, body, ...(o.match ? { match: o.match } : {}) }))];
    },
    addTeam(teamId: string) {
      if (!teams.has(teamId)) teams.set(teamId, new Map());
    },
    async createChannel(teamId: string, displayName: string) {
      const team = teams.get(teamId);
      if (!team) throw new Error(`no team ${teamId}`);
      const id = `19:${randomUUID().replace(/-/g, '')}@thread.tacv2`;
      const channel = { ...channelFixture, id, displayName, description: null, createdDateTime: iso(), email: '', webUrl: `https://teams.microsoft.com/l/channel/${encodeURIComponent(id)}/${encodeURIComponent(displayName)}?groupId=${teamId}&tenantId=${tenantId}` };
      team.set(id, { channel, messages: new Map() });
      const resource = `teams('${teamId}')/channels('${id}')`;
      const deliveries = await notify((t) => t.kind === 'channels' && t.teamId === teamId, resource, { id, '@odata.type': '#Microsoft.Graph.Channel', '@odata.id': resource });
      return { channel, deliveries };
    },
    async postMessage(teamId: string, channelId: string, text: string, o: { replyTo?: string; messageType?: string } = {}) {
      const ch = teams.get(teamId)?.get(channelId);
      if (!ch) throw new Error(`no channel ${teamId}/${channelId}`);
      const id = String(nextMessageId++);
      const at = iso();
      const message: ChatMessage = {
        ...chatMessageFixture,
        id,
        etag: id,
        replyToId: o.replyTo ?? null,
        messageType: o.messageType ?? 'message',
        createdDateTime: at,
        lastModifiedDateTime: at,
        body: { contentType: 'text', content: text },
        channelIdentity: { teamId, channelId },
        webUrl: `https://teams.microsoft.com/l/message/${encodeURIComponent(channelId)}/${id}?groupId=${teamId}&tenantId=${tenantId}&createdTime=${id}&parentMessageId=${o.replyTo ?? id}`,
      };
      let resource = `teams('${teamId}')/channels('${channelId}')/messages('${id}')`;
      if (o.replyTo) {
        const parent = ch.messages.get(o.replyTo);
        if (!parent) throw new Error(`no message ${o.replyTo}`);
        parent.replies.push(message);
        resource = `teams('${teamId}')/channels('${channelId}')/messages('${o.replyTo}')/replies('${id}')`;
      } else {
        ch.messages.set(id, { ...message, replies: [] });
      }
      const deliveries = await notify((t) => t.kind === 'channelMessages' && t.teamId === teamId && t.channelId === channelId, resource, { id, '@odata.type': '#Microsoft.Graph.chatMessage', '@odata.id': resource });
      return { message, deliveries };
    },
    async receiveMail(folderName: string, subject: string, o: { userId?: string } = {}) {
      const folder = folderOf(folderName);
      if (!folder) throw new Error(`no folder ${folderName}`);
      const id = `AAMkAD${randomUUID().replace(/-/g, '')}=`;
      const at = iso();
      const message: StoredMail = { ...messageFixture, id, subject, createdDateTime: at, lastModifiedDateTime: at, receivedDateTime: at, sentDateTime: at, isRead: false };
      folder.push(message);
      mailSeq.set(id, ++seq);
      const resource = `Users/${user.id}/Messages/${id}`;
      const deliveries = await notify(
        (t) => t.kind === 'mail' && isUser(o.userId ?? t.userId) && t.folder.toLowerCase() === folderName.toLowerCase(),
        resource,
        { '@odata.type': '#Microsoft.Graph.Message', '@odata.id': resource, '@odata.etag': 'W/"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf"', id },
      );
      return { message, deliveries };
    },
    async createEvent(subject: string, _o: { userId?: string } = {}) {
      const id = `AAMkAGVm${randomUUID().replace(/-/g, '')}=`;
      const event = { ...eventFixture, id, subject, createdDateTime: iso() };
      events.push(event);
      const resource = `Users/${user.id}/Events/${id}`;
      const deliveries = await notify((t) => t.kind === 'events', resource, { '@odata.type': '#Microsoft.Graph.Event', '@odata.id': resource, '@odata.etag': 'W/"DwAAABYAAAA="', id });
      return { event, deliveries };
    },
    async createDriveFolder(name: string, o: { parentId?: string } = {}) {
      return driveChange(newDriveItem(name, o.parentId, { folder: { childCount: 0 } }));
    },
    async createDriveFile(name: string, o: { parentId?: string } = {}) {
      return driveChange(newDriveItem(name, o.parentId, { file: { mimeType: 'text/plain', hashes: { quickXorHash: randomUUID() } }, size: 12 }));
    },
    async editDriveFile(id: string) {
      const item = liveDriveItem(id);
      item.cTag = `"c:{${item.id}},${Number(String(item.cTag).split(',')[1]?.replace('"', '') ?? 1) + 1}"`;
      return driveChange(item);
    },
    async renameDriveItem(id: string, name: string) {
      const item = liveDriveItem(id);
      item.name = name;
      return driveChange(item);
    },
    async deleteDriveItem(id: string) {
      const item = liveDriveItem(id);
      // Graph returns a deleted item with the deleted facet and little else.
      const gone: FakeDriveItem = { id: item.id, name: item.name, eTag: item.eTag, createdDateTime: item.createdDateTime, lastModifiedDateTime: item.lastModifiedDateTime, parentReference: item.parentReference!, deleted: { state: 'deleted' }, ...(item.file ? { file: {} } : { folder: {} }) };
      return driveChange(gone);
    },
    addList(siteId: string, listId: string) {
      if (!lists.has(listKey(siteId, listId))) lists.set(listKey(siteId, listId), new Map());
    },
    async createListItem(siteId: string, listId: string, fields: Record<string, unknown>) {
      listOf(siteId, listId);
      const id = String(nextListItemN++);
      const at = iso();
      const item: FakeListItem = {
        ...structuredClone(listItemFixture),
        id,
        eTag: `"{${randomUUID().toUpperCase()}},1"`,
        createdDateTime: at,
        lastModifiedDateTime: at,
        webUrl: `https://contoso.sharepoint.com/sites/inventory/Lists/${listId}/${id}_.000`,
        parentReference: { id: listId, siteId },
        fields: { id, ...fields, Created: at, Modified: at },
      };
      return listChange(siteId, listId, item) as Promise<{ item: FakeListItem; deliveries: Delivery[] }>;
    },
    async updateListItem(siteId: string, listId: string, id: string, fields: Record<string, unknown>) {
      const e = listOf(siteId, listId).get(id);
      if (!e || e.item.deleted !== undefined) throw new Error(`no list item ${id}`);
      const item = structuredClone(e.item) as FakeListItem;
      const at = iso();
      const version = Number(/,(\d+)"$/.exec(item.eTag)?.[1] ?? '1') + 1;
      item.eTag = item.eTag.replace(/,\d+"$/, `,${version}"`);
      item.lastModifiedDateTime = at;
      item.fields = { ...item.fields, ...fields, Modified: at };
      return listChange(siteId, listId, item) as Promise<{ item: FakeListItem; deliveries: Delivery[] }>;
    },
    async deleteListItem(siteId: string, listId: string, id: string) {
      const e = listOf(siteId, listId).get(id);
      if (!e || e.item.deleted !== undefined) throw new Error(`no list item ${id}`);
      // A deleted item comes back with the deleted facet and little else (listItem: delta, example 2).
      return listChange(siteId, listId, { id, parentReference: { siteId }, contentType: (e.item as FakeListItem).contentType, deleted: { state: 'deleted' } });
    },
    addTodoList(listId: string, o: { displayName?: string; wellknownListName?: string } = {}) {
      if (!todoLists.has(listId)) {
        todoLists.set(listId, { list: { '@odata.etag': 'W/"xzyPKP0BiUGgld+lMKXwbQAAgdhkVw=="', displayName: o.displayName ?? 'Tasks', isOwner: true, isShared: false, wellknownListName: o.wellknownListName ?? 'none', id: listId }, tasks: new Map() });
      }
    },
    async createTodoTask(listId: string, title: string, fields: Record<string, unknown> = {}) {
      todoListOf(listId);
      const created = now();
      const id = `AAMkAD${String(nextTodoN++).padStart(4, '0')}${randomUUID().replace(/-/g, '').slice(0, 20)}=`;
      // Graph sets lastModifiedDateTime a moment after createdDateTime on a new task.
      const task: FakeTodoTask = { ...structuredClone(todoTaskFixture), status: 'notStarted', ...fields, id, title, createdDateTime: iso(created), lastModifiedDateTime: iso(created + 200) };
      return todoChange(listId, task, 'created');
    },
    async updateTodoTask(listId: string, id: string, fields: Record<string, unknown>) {
      const task = { ...liveTodoTask(listId, id), ...fields, lastModifiedDateTime: iso() };
      return todoChange(listId, task, 'updated');
    },
    async completeTodoTask(listId: string, id: string) {
      const at = iso();
      const task = { ...liveTodoTask(listId, id), status: 'completed', completedDateTime: { dateTime: at.replace('Z', '0000'), timeZone: 'UTC' }, lastModifiedDateTime: at };
      return todoChange(listId, task, 'updated');
    },
    async deleteTodoTask(listId: string, id: string) {
      liveTodoTask(listId, id);
      // A delta round reports a deleted item with `@removed` and little else.
      const { deliveries } = await todoChange(listId, { id, '@removed': { reason: 'deleted' } }, 'deleted');
      return { deliveries };
    },
    changeNotificationBody,
    async post(url: string, body: string, headers: Record<string, string> = {}) {
      const r = await post(url, body, headers);
      return { status: r.status, body: r.body };
    },
    async sendLifecycle(subscriptionId: string, lifecycleEvent: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed', o: { remove?: boolean } = {}) {
      const s = fake.subscriptions.get(subscriptionId);
      if (!s || !s.lifecycleNotificationUrl) throw new Error(`no subscription ${subscriptionId} with a lifecycle URL`);
      // subscriptionRemoved: Graph has already removed it.
      if (o.remove ?? lifecycleEvent === 'subscriptionRemoved') fake.subscriptions.delete(subscriptionId);
      const body = JSON.stringify({ value: [{ subscriptionId: s.id, subscriptionExpirationDateTime: s.expirationDateTime, tenantId, clientState: s.clientState, lifecycleEvent }] });
      const r = await post(s.lifecycleNotificationUrl, body);
      const d = { subscriptionId: s.id, url: s.lifecycleNotificationUrl, body, status: r.status };
      fake.deliveries.push(d);
      return d;
    },
    expireDeltaTokens() {
      tokenEpoch++;
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
  return Object.assign(fake, api_);
}

// ── a stand-in for our inbound endpoint, for source-level tests ──────────────────────────────────────
export interface HookReceiver {
  url: string;
  /** Non-handshake requests, as the engine would hand them to toItems. */
  received: Array<{ method: string; url: string; headers: Record<string, string | undefined>; rawBody: Buffer; body: unknown }>;
  close(): Promise<void>;
}

/**
 * Answers Graph's validation handshake the way the engine does (the SDK's detectHandshake on the declared
 * handshakes) and records everything else with 202 Accepted.
 */
export async function startHookReceiver(handshakes: readonly Handshake[]): Promise<HookReceiver> {
  const received: HookReceiver['received'] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const rawBody = Buffer.concat(chunks);
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const answer = detectHandshake(handshakes, { method: req.method ?? 'POST', url: req.url ?? '/', headers, rawBody }, 'beforeVerification');
      if (answer) {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
        return;
      }
      let body: unknown = null;
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        body = rawBody.toString('utf8');
      }
      received.push({ method: req.method ?? 'POST', url: req.url ?? '/', headers, rawBody, body });
      res.writeHead(202).end();
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/s/00000000-0000-4000-8000-000000000001`,
    received,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

// ── an end-to-end world: the real service (hooks routes, delivery worker) against this fake ─────────
export interface GraphWorld {
  t: TestService;
  graph: FakeGraph;
  receiver: FakeReceiver;
  project: TestProject;
  user: ApiClient;
  worker: DeliveryWorker;
  clock: TestClock;
  base: string;
  credentialId: string;
  /** Stored events of the project (admin log). */
  events(): Promise<Array<{ payload: any; triggerType: string; triggerSubscriptionId: string }>>;
  subscribe(type: string, parameters?: Record<string, unknown>): Promise<{ status: number; body: any; text: string }>;
  /** The Graph subscription whose notificationUrl is this subscription's hook URL. */
  graphSubscriptionOf(subscriptionId: string): FakeSubscription | undefined;
  hookUrl(subscriptionId: string): string;
  close(): Promise<void>;
}

export async function startGraphWorld(dialect: 'sqlite' | 'postgres', integration: IntegrationDefinition): Promise<GraphWorld> {
  // The service and the fake share one clock (subscription lifetimes are checked against it); it starts at
  // the real time because standardwebhooks checks webhook-timestamp against the wall clock.
  const clock = new TestClock(Date.now());
  const graph = await startFakeGraph({ now: clock.now });
  const w = await startIntegrationWorld({
    dialect,
    integration,
    now: clock.now,
    config: {
      clientId: 'graph-client-id', clientSecret: 'graph-client-secret',
      apiBaseUrl: graph.apiBaseUrl, tokenUrl: graph.tokenUrl, authorizationUrl: graph.authorizationUrl,
    },
    credential: { accessToken: 'graph-token-1', refreshToken: 'refresh-1', providerAccountId: graph.user.id },
  });
  const { t, receiver, project, user, worker, base } = w;
  const hookUrl = (id: string) => `${t.url}/hooks/s/${id}`;
  return {
    t, graph, receiver, project, user, worker, clock, base, credentialId: w.credentialId!,
    events: async () => (await t.admin.get(`/admin/v1/projects/${project.id}/events?limit=200`)).body.events,
    subscribe: (type, parameters = {}) => user.post(`${base}/trigger-subscriptions`, { integration: integration.key, type, parameters }),
    graphSubscriptionOf: (id) => [...graph.subscriptions.values()].find((s) => s.notificationUrl === hookUrl(id)),
    hookUrl,
    async close() {
      await w.close();
      await graph.close();
    },
  };
}
