// Microsoft Graph change notifications, for integrations built on Microsoft Graph (microsoftTeams, outlook, and
// any other Graph resource that supports subscriptions: OneDrive, SharePoint lists, Entra users and groups…).
// Provider-specific but resource-generic: an integration names the resource, its maximum lifetime and how to
// read it (`GraphSourceSpec`); this module owns the subscription protocol. Import it from
// `src/sdk/providers/microsoft-graph.js` (it is not part of the SDK's index: only Graph integrations need it).
//
// One Graph subscription per OpenTriggers subscription (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks):
//   register   start the trigger's catch-up cursor, then POST /subscriptions with notificationUrl =
//              lifecycleNotificationUrl = our hook URL and clientState = our secret. Graph validates BOTH URLs
//              (POST ?validationToken=…, answered 200 text/plain with the decoded token within 10 s) while the
//              create call is still running. Lifetime: the resource's documented maximum; a 400 about the
//              expiration is retried once with one hour.
//   inbound    every item of `value[]` carries our clientState (sharedSecret scheme `value[].clientState`).
//              Resources whose notifications name no item (a drive root) omit `fetch`: a change runs `catchUp`.
//              Change notifications are thin: each created resource is fetched. Lifecycle notifications
//              (https://learn.microsoft.com/graph/change-notifications-lifecycle-events) of the current
//              Graph subscription: reauthorizationRequired → PATCH (reauthorizes and extends; 404 → create
//              again), subscriptionRemoved → create again, missed → nothing more; then, for all three, catch up
//              from the cursor. Items are keyed by the resource id, so a notification and a catch-up (or a
//              Graph retry) that see the same resource give one event.
//   renew      PATCH expirationDateTime; Graph's 404 (gone) reaches the engine, which registers again.
//   unregister DELETE /subscriptions/{id}; 404 means already gone.
//
// Also here, because every Graph integration needs them: the OAuth settings (`microsoftIdentityOAuth2`), the
// account id from GET /me (`graphAccountId`), reading OData collections (`readAllPages`, `relativeGraphLink`,
// `stripODataContext`), Graph ids in parameters (`graphId`) and a created-since catch-up (`createdSinceCatchUp`).
import type { Handshake, SharedSecretScheme } from '../verify/index.js';
import {
  ProviderError,
  type HttpClient,
  type IntegrationDefinition,
  type Item,
  type OAuth2Auth,
  type SourceContext,
  type WebhookContext,
  type WebhookItems,
  type WebhookSource,
} from '../types.js';

/**
 * Microsoft identity platform OAuth 2.0 (v2.0 endpoints, tenant `common`: work/school accounts of any tenant and,
 * where the resource allows them, personal accounts) for these delegated scopes; include `offline_access` for a
 * refresh token (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow).
 */
export function microsoftIdentityOAuth2(scopes: string[]): OAuth2Auth {
  return {
    kind: 'oauth2',
    authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    scopes,
    pkce: true,
    clientAuth: 'body',
    // The v2.0 token endpoint refuses a refresh without `scope` (AADSTS900144).
    refreshWithScope: true,
  };
}

export const clientStateScheme: SharedSecretScheme = { kind: 'sharedSecret', jsonPath: 'value[].clientState' };
export const validationTokenHandshake: Handshake = { kind: 'validationToken', queryParam: 'validationToken' };

/** A change notification without resource data (changeNotification resource type). */
export interface ChangeNotification {
  subscriptionId?: string;
  changeType?: string;
  resource?: string;
  clientState?: string;
  tenantId?: string;
  resourceData?: { id?: string; '@odata.type'?: string; '@odata.id'?: string };
}

export interface GraphSourceSpec<P> {
  /** The subscribed resource, relative to the API base (e.g. `/teams/{id}/channels`). */
  resource(params: P): string;
  /** `updated` for resources that support nothing else (a drive root: https://learn.microsoft.com/graph/api/resources/subscription). */
  changeType: 'created' | 'updated';
  /** The documented maximum subscription lifetime of this resource, in minutes. */
  maxLifetimeMinutes: number;
  /**
   * Complete a thin notification: fetch the resource; null when it is gone or is not an event of this trigger.
   * Without `fetch` the notifications name no item (a drive root's say only "something changed"): each
   * notification collection with a change runs `catchUp` from the stored cursor instead, once.
   */
  fetch?: (n: ChangeNotification, ctx: WebhookContext<P>) => Promise<Item | null>;
  /** The catch-up cursor at subscribe time: nothing before `baselineAt` is ever emitted. */
  startCursor(ctx: SourceContext<P>, baselineAt: number): Promise<unknown>;
  /** Items since `cursor` (re-reading some is harmless: keys dedupe) and the next cursor. */
  catchUp(ctx: WebhookContext<P>, cursor: unknown, baselineAt: number): Promise<{ items: Item[]; cursor: unknown }>;
}

export interface GraphState {
  subscriptionId: string;
  expiresAt: number;
  /** Our hook URL, to create the Graph subscription again after `subscriptionRemoved`. */
  notificationUrl: string;
  baselineAt: number;
  cursor: unknown;
}

/** Ask for a little less than the maximum: our clock and Graph's may differ. */
const LIFETIME_MARGIN_MINUTES = 15;
const FALLBACK_LIFETIME_MINUTES = 60;
/** Outlook allows 4 concurrent requests per app and mailbox. */
const FETCH_CONCURRENCY = 4;

export function graphErrorMessage(body: unknown): string {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (error && typeof error.message === 'string') return typeof error.code === 'string' ? `${error.code}: ${error.message}` : error.message;
  return typeof body === 'string' ? body.slice(0, 300) : '';
}

/**
 * A nextLink / deltaLink as a path relative to the API base, so it is sent (with the credential's token) only
 * to the configured Graph host, whatever host the link names.
 */
export function relativeGraphLink(link: string): string {
  const url = new URL(link, 'https://graph.invalid');
  const path = url.pathname.replace(/^\/(v1\.0|beta)(?=\/)/i, '');
  return `${path}${url.search}`;
}

/** GET every page of an OData collection (following @odata.nextLink); returns the values and the deltaLink if any. */
export async function readAllPages<T>(http: HttpClient, first: { path: string; query?: Record<string, string>; headers?: Record<string, string> }): Promise<{ values: T[]; deltaLink: string | null }> {
  const values: T[] = [];
  let req: { path: string; query?: Record<string, string> } | null = first;
  for (let page = 0; req !== null; page++) {
    if (page >= 1000) throw new ProviderError('permanent', 'Microsoft Graph kept returning @odata.nextLink (over 1000 pages)');
    const res: { body: { value?: T[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string } | null } = await http.request({ ...req, ...(first.headers ? { headers: first.headers } : {}) });
    values.push(...(res.body?.value ?? []));
    const next = res.body?.['@odata.nextLink'];
    if (typeof next === 'string') req = { path: relativeGraphLink(next) };
    else return { values, deltaLink: typeof res.body?.['@odata.deltaLink'] === 'string' ? res.body['@odata.deltaLink'] : null };
  }
  return { values, deltaLink: null };
}

/** A Graph resource as returned by GET, without the response's `@odata.context` annotation. */
export function stripODataContext<T extends Record<string, unknown>>(o: T): T {
  const { '@odata.context': _ignored, ...rest } = o;
  return rest as T;
}

/**
 * Parameter validation for Graph ids. They go into a resource path and an OData key (`teams('…')`,
 * `mailFolders('…')`): refuse what would change its meaning.
 */
export function graphId(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' && !/[/\\?#'\s]/.test(value) ? null : 'must be a Microsoft Graph id (no spaces, slashes, quotes, ? or #)';
}

/**
 * An integration's `accountId` for Microsoft identity platform accounts: the signed-in user's id from GET /me
 * (a directory object id, or a personal account's id), with the named /me properties as extras (null when absent).
 */
export function graphAccountId(extraFields: readonly string[]): NonNullable<IntegrationDefinition['accountId']> {
  return async ({ http }) => {
    const me = await http.get<Record<string, unknown> | null>('/me');
    if (typeof me?.id !== 'string') throw new ProviderError('permanent', 'Microsoft Graph answered GET /me without an id');
    return { providerAccountId: me.id, extra: Object.fromEntries(extraFields.map((f) => [f, me[f] ?? null])) };
  };
}

/** A created-since catch-up re-reads this much before the previous one started (Graph timestamps vs. our clock, late writes). */
export const CATCH_UP_OVERLAP_MS = 5 * 60_000;

/**
 * `startCursor` and `catchUp` of a `GraphSourceSpec` for resources that can be listed by creation time: each
 * catch-up lists what was created since the previous one started (less CATCH_UP_OVERLAP_MS), and never what was
 * created before the subscription (`baselineAt`). The cursor is `{since}`.
 */
export function createdSinceCatchUp<P>(
  listCreatedSince: (ctx: WebhookContext<P>, since: number, baselineAt: number) => Promise<Item[]>,
): Pick<GraphSourceSpec<P>, 'startCursor' | 'catchUp'> {
  return {
    startCursor: async (_ctx, baselineAt) => ({ since: baselineAt }),
    async catchUp(ctx, cursor, baselineAt) {
      const startedAt = ctx.now();
      const since = Number((cursor as { since?: unknown } | null)?.since) || baselineAt;
      const items = await listCreatedSince(ctx, since, baselineAt);
      return { items, cursor: { since: Math.max(baselineAt, startedAt - CATCH_UP_OVERLAP_MS) } };
    },
  };
}

async function withLifetime(maxMinutes: number, now: number, send: (expiration: string) => Promise<{ status: number; body: unknown }>): Promise<{ id: string; expiresAt: number }> {
  const lifetimes = maxMinutes > FALLBACK_LIFETIME_MINUTES ? [maxMinutes, FALLBACK_LIFETIME_MINUTES] : [maxMinutes];
  for (const [i, minutes] of lifetimes.entries()) {
    const requested = now + (minutes - LIFETIME_MARGIN_MINUTES) * 60_000;
    const res = await send(new Date(requested).toISOString());
    const body = res.body as { id?: unknown; expirationDateTime?: unknown } | null;
    if (res.status >= 200 && res.status < 300 && typeof body?.id === 'string') {
      const granted = typeof body.expirationDateTime === 'string' ? Date.parse(body.expirationDateTime) : NaN;
      return { id: body.id, expiresAt: Number.isFinite(granted) ? granted : requested };
    }
    const message = graphErrorMessage(res.body);
    // Graph states lifetimes per resource and tenants have seen them change: one shorter try, then give up.
    if (res.status === 400 && /expir/i.test(message) && i < lifetimes.length - 1) continue;
    throw new ProviderError('permanent', `Microsoft Graph refused the subscription (HTTP ${res.status}): ${message || 'no reason given'}`, res.status);
  }
  throw new ProviderError('permanent', 'Microsoft Graph refused every subscription lifetime');
}

export function createGraphSubscription(http: HttpClient, opts: { resource: string; changeType: string; notificationUrl: string; clientState: string; maxLifetimeMinutes: number; now: number }) {
  if (opts.clientState.length > 128) throw new ProviderError('permanent', 'clientState is limited to 128 characters');
  return withLifetime(opts.maxLifetimeMinutes, opts.now, (expirationDateTime) => http.request({
    method: 'POST',
    path: '/subscriptions',
    json: {
      changeType: opts.changeType,
      notificationUrl: opts.notificationUrl,
      lifecycleNotificationUrl: opts.notificationUrl,
      resource: opts.resource,
      expirationDateTime,
      clientState: opts.clientState,
    },
    allowStatus: [400],
  }));
}

/** PATCH a new expiry; throws ProviderError with status 404 when Graph no longer has the subscription. */
export function renewGraphSubscription(http: HttpClient, id: string, maxLifetimeMinutes: number, now: number) {
  return withLifetime(maxLifetimeMinutes, now, (expirationDateTime) =>
    http.request({ method: 'PATCH', path: `/subscriptions/${encodeURIComponent(id)}`, json: { expirationDateTime }, allowStatus: [400] }));
}

export function readGraphState(state: Record<string, unknown>): GraphState {
  const s = state as Partial<GraphState>;
  if (typeof s.subscriptionId !== 'string' || typeof s.notificationUrl !== 'string') {
    throw new ProviderError('permanent', 'the subscription has no Microsoft Graph subscription; re-create it');
  }
  return { subscriptionId: s.subscriptionId, expiresAt: Number(s.expiresAt) || 0, notificationUrl: s.notificationUrl, baselineAt: Number(s.baselineAt) || 0, cursor: s.cursor ?? null };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function graphWebhookSource<P>(spec: GraphSourceSpec<P>): WebhookSource<P> {
  const create = (ctx: SourceContext<P>, notificationUrl: string, clientState: string) =>
    createGraphSubscription(ctx.http, { resource: spec.resource(ctx.params), changeType: spec.changeType, notificationUrl, clientState, maxLifetimeMinutes: spec.maxLifetimeMinutes, now: ctx.now() });

  return {
    kind: 'webhook',
    verification: clientStateScheme,
    handshakes: [validationTokenHandshake],
    async register(ctx) {
      const baselineAt = ctx.now();
      // The cursor first: a resource created between the two calls is then found by the next catch-up.
      const cursor = await spec.startCursor(ctx, baselineAt);
      const sub = await create(ctx, ctx.hookUrl, ctx.secret);
      const state: GraphState = { subscriptionId: sub.id, expiresAt: sub.expiresAt, notificationUrl: ctx.hookUrl, baselineAt, cursor };
      return { state: { ...state }, expiresAt: sub.expiresAt };
    },
    async unregister(ctx) {
      const id = (ctx.state as Partial<GraphState>).subscriptionId;
      if (typeof id !== 'string') return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/subscriptions/${encodeURIComponent(id)}`, allowStatus: [404] });
      if (res.status === 404) ctx.log.info('Microsoft Graph subscription already gone');
    },
    async renew(ctx) {
      const s = readGraphState(ctx.state);
      const sub = await renewGraphSubscription(ctx.http, s.subscriptionId, spec.maxLifetimeMinutes, ctx.now());
      return { state: { ...ctx.state, expiresAt: sub.expiresAt }, expiresAt: sub.expiresAt };
    },
    async catchUp(ctx) {
      const s = readGraphState(ctx.state);
      const r = await spec.catchUp(ctx, s.cursor, s.baselineAt);
      return { items: r.items, state: { ...ctx.state, cursor: r.cursor } };
    },
    async toItems(req, ctx): Promise<Item[] | WebhookItems> {
      const value = (req.body as { value?: unknown } | null)?.value;
      if (!Array.isArray(value)) throw new ProviderError('permanent', 'not a Microsoft Graph notification collection (no value array)');
      const notes = value.filter((n): n is Record<string, unknown> => typeof n === 'object' && n !== null);
      const changes = notes.filter((n) => n.lifecycleEvent === undefined && typeof n.changeType === 'string' && n.changeType.split(',').includes(spec.changeType)) as ChangeNotification[];
      const fetchOne = spec.fetch;
      const fetched = fetchOne ? await mapLimit(changes, FETCH_CONCURRENCY, (n) => fetchOne(n, ctx)) : [];
      const items = fetched.filter((it): it is Item => it !== null);
      // Notifications that name no item: the changes are read from the cursor (below, once for the collection).
      const catchUpForChanges = !fetchOne && changes.length > 0;

      let state = readGraphState(ctx.state);
      // Only the current Graph subscription's lifecycle matters: an old one (replaced by a renewal) is left to expire.
      const lifecycle = notes.filter((n) => typeof n.lifecycleEvent === 'string' && n.subscriptionId === state.subscriptionId);
      if (lifecycle.length === 0 && !catchUpForChanges) return items;
      const events = new Set(lifecycle.map((n) => n.lifecycleEvent));
      // The clientState was verified on every item: it is this subscription's secret.
      const clientState = typeof lifecycle[0]?.clientState === 'string' ? lifecycle[0].clientState : '';
      const recreate = async () => {
        const sub = await create(ctx, state.notificationUrl, clientState);
        ctx.log.info('Microsoft Graph subscription created again', { subscriptionId: sub.id });
        return { ...state, subscriptionId: sub.id, expiresAt: sub.expiresAt };
      };
      if (events.has('subscriptionRemoved')) {
        state = await recreate();
      } else if (events.has('reauthorizationRequired')) {
        try {
          const sub = await renewGraphSubscription(ctx.http, state.subscriptionId, spec.maxLifetimeMinutes, ctx.now());
          state = { ...state, expiresAt: sub.expiresAt };
        } catch (err) {
          if (!(err instanceof ProviderError && err.status === 404)) throw err;
          state = await recreate();
        }
      }
      const caught = await spec.catchUp({ ...ctx, state: { ...state } }, state.cursor, state.baselineAt);
      return { items: [...items, ...caught.items], state: { ...state, cursor: caught.cursor } };
    },
  };
}
