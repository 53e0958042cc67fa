// A fake Airtable over real HTTP: what the integration uses — the OAuth token endpoint (`POST /oauth2/v1/token`,
// form-encoded, HTTP Basic client auth, PKCE S256 checked against the authorization request's code_challenge,
// single-use refresh tokens rotated, 60-minute access tokens), `GET /v0/meta/whoami`, and the webhooks API:
// `POST /v0/bases/{baseId}/webhooks` (answers `{id, macSecretBase64, expirationTime}`; at most 2 webhooks per
// base for one OAuth integration), `GET /v0/bases/{baseId}/webhooks`, `DELETE …/webhooks/{id}`,
// `POST …/webhooks/{id}/refresh`, `GET …/webhooks/{id}/payloads?cursor&limit` (cursor-paged, at most 50,
// `mightHaveMore`; listing extends the webhook's life by 7 days).
//
// Airtable's side of a change: `createRecord` / `updateRecord` / `deleteRecord` append a payload (one
// baseTransactionNumber per action) to every enabled webhook of the base whose specification matches (the
// table as recordChangeScope, the change type in changeTypes), then `ping` sends `{base, webhook, timestamp}`
// signed `X-Airtable-Content-MAC: hmac-sha256=<hex HMAC-SHA256(base64-decoded macSecretBase64, raw body)>`,
// computed with node:crypto as Airtable describes it (Airtable publishes no signing library).
//
// Errors are Airtable's `{error: {type, message}}`; 429 is Airtable's rate limit (no Retry-After documented).
//
// Docs followed: https://airtable.com/developers/web/api/oauth-reference, https://airtable.com/developers/web/api/webhooks-overview,
// https://airtable.com/developers/web/api/create-a-webhook, https://airtable.com/developers/web/api/list-webhooks,
// https://airtable.com/developers/web/api/list-webhook-payloads, https://airtable.com/developers/web/api/refresh-a-webhook,
// https://airtable.com/developers/web/api/model/webhooks-payload, https://airtable.com/developers/web/api/model/webhooks-table-changed
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

const DAY = 24 * 60 * 60_000;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const airtableId = (prefix: string) => prefix + [...randomBytes(14)].map((b) => ALNUM[b % ALNUM.length]).join('');

export interface AirtableHook {
  id: string;
  baseId: string;
  notificationUrl: string | null;
  specification: any;
  macSecretBase64: string;
  isHookEnabled: boolean;
  areNotificationsEnabled: boolean;
  expirationTime: number;
  /** Payloads by transaction number; the next one gets `cursorForNextPayload`. */
  payloads: any[];
  cursorForNextPayload: number;
}

export interface AirtablePing {
  status: number;
  body: string;
  mac: string;
}

export interface FakeAirtable {
  url: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  userId: string;
  bases: Map<string, Set<string>>;
  validTokens: Set<string>;
  refreshTokens: Set<string>;
  /** Authorization codes the "browser" got, with the code_challenge sent in the authorization request. */
  codes: Map<string, string>;
  hooks: Map<string, AirtableHook>;
  deletedHooks: AirtableHook[];
  requests: Array<{ method: string; path: string; query: Record<string, string>; auth: string | undefined; contentType: string | undefined; body: any }>;
  failNext(count: number, status: number, body?: unknown): void;
  createRecord(baseId: string, tableId: string, cells?: Record<string, unknown>): { recordId: string; txn: number };
  updateRecord(baseId: string, tableId: string, recordId: string, current: Record<string, unknown>, previous?: Record<string, unknown>): { txn: number };
  deleteRecord(baseId: string, tableId: string, recordId: string): { txn: number };
  /** Send the notification ping for a webhook as Airtable does; `macSecretBase64` overrides its key. */
  ping(webhookId: string, opts?: { macSecretBase64?: string }): Promise<AirtablePing>;
  hooksFor(baseId: string): AirtableHook[];
  close(): Promise<void>;
}

/** `hmac-sha256=` + hex HMAC-SHA256 of the raw body, keyed with the base64-decoded MAC secret. */
export function airtableMac(macSecretBase64: string, body: string): string {
  return `hmac-sha256=${createHmac('sha256', Buffer.from(macSecretBase64, 'base64')).update(body, 'utf8').digest('hex')}`;
}

export async function startFakeAirtable(opts: { now?: () => number } = {}): Promise<FakeAirtable> {
  const now = opts.now ?? Date.now;
  let failures: Array<{ status: number; body: unknown }> = [];
  let transaction = 100;
  const state = {
    clientId: 'a1b2c3d4-0000-4000-8000-airtableclient',
    clientSecret: 'airtable-client-secret',
    userId: 'usrL2PNC5o3H4lBEi',
    bases: new Map<string, Set<string>>([['appLkNDICXNqxSDhG', new Set(['tblZ4mAvAKkqCa0xX', 'tblOtherTable0001'])]]),
    validTokens: new Set<string>(),
    refreshTokens: new Set<string>(),
    codes: new Map<string, string>(),
    hooks: new Map<string, AirtableHook>(),
    deletedHooks: [] as AirtableHook[],
    requests: [] as FakeAirtable['requests'],
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, type: string, message: string) => json(res, status, { error: { type, message } });
  const issueTokens = () => {
    const accessToken = `${state.userId}.v1.${randomBytes(24).toString('hex')}`;
    const refreshToken = `${state.userId}.v1.refresh.${randomBytes(24).toString('hex')}`;
    state.validTokens.add(accessToken);
    state.refreshTokens.add(refreshToken);
    return { access_token: accessToken, refresh_token: refreshToken, token_type: 'Bearer', scope: 'data.records:read webhook:manage', expires_in: 3600, refresh_expires_in: 5_184_000 };
  };
  const hookView = (h: AirtableHook) => ({
    id: h.id, areNotificationsEnabled: h.areNotificationsEnabled, cursorForNextPayload: h.cursorForNextPayload, isHookEnabled: h.isHookEnabled,
    lastNotificationResult: null, lastSuccessfulNotificationTime: null, notificationUrl: h.notificationUrl,
    expirationTime: new Date(h.expirationTime).toISOString(), specification: h.specification,
  });
  /** Webhooks expire (and are disabled) 7 days after creation or the last refresh / payload listing. */
  const expire = () => {
    for (const h of state.hooks.values()) if (h.isHookEnabled && h.expirationTime <= now()) h.isHookEnabled = false;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      state.requests.push({
        method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), auth: req.headers.authorization,
        contentType: req.headers['content-type'], body,
      });

      if (req.method === 'POST' && url.pathname === '/oauth2/v1/token') {
        const basic = `Basic ${Buffer.from(`${state.clientId}:${state.clientSecret}`).toString('base64')}`;
        if (req.headers.authorization !== basic) return json(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
        if (body.grant_type === 'authorization_code') {
          const challenge = state.codes.get(body.code);
          if (challenge === undefined) return json(res, 400, { error: 'invalid_grant', error_description: 'unknown or used code' });
          state.codes.delete(body.code);
          const computed = createHash('sha256').update(String(body.code_verifier ?? '')).digest('base64url');
          if (computed !== challenge) return json(res, 400, { error: 'invalid_grant', error_description: 'code_verifier does not match' });
          return json(res, 200, issueTokens());
        }
        if (body.grant_type === 'refresh_token' && state.refreshTokens.delete(body.refresh_token)) return json(res, 200, issueTokens());
        return json(res, 400, { error: 'invalid_grant', error_description: 'invalid refresh token' });
      }

      const failure = failures.shift();
      if (failure) return json(res, failure.status, failure.body);
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !state.validTokens.has(token)) return error(res, 401, 'AUTHENTICATION_REQUIRED', 'Authentication required');
      expire();

      if (req.method === 'GET' && url.pathname === '/v0/meta/whoami') return json(res, 200, { id: state.userId, scopes: ['data.records:read', 'webhook:manage'] });

      const hooksRoute = /^\/v0\/bases\/([^/]+)\/webhooks(?:\/([^/]+)(\/payloads|\/refresh)?)?$/.exec(url.pathname);
      if (hooksRoute) {
        const [, baseId, hookId, sub] = hooksRoute as unknown as [string, string, string | undefined, string | undefined];
        const tables = state.bases.get(baseId);
        if (!tables) return error(res, 404, 'NOT_FOUND', 'Could not find what you are looking for');
        if (!hookId) {
          if (req.method === 'GET') return json(res, 200, { webhooks: [...state.hooks.values()].filter((h) => h.baseId === baseId).map(hookView) });
          if (req.method === 'POST') {
            const filters = body?.specification?.options?.filters;
            if (!filters || !Array.isArray(filters.dataTypes) || filters.dataTypes.length === 0) return error(res, 422, 'INVALID_REQUEST_UNKNOWN', 'specification.options.filters.dataTypes is required');
            if (typeof filters.recordChangeScope === 'string' && !tables.has(filters.recordChangeScope)) {
              return error(res, 422, 'INVALID_FILTERS', `recordChangeScope ${filters.recordChangeScope} is not a table or view of this base`);
            }
            if (body.notificationUrl !== undefined && !/^https?:\/\//.test(String(body.notificationUrl))) return error(res, 422, 'INVALID_REQUEST_UNKNOWN', 'notificationUrl is invalid');
            // "A single OAuth integration can create up to 2 webhooks per base" (create-a-webhook).
            if ([...state.hooks.values()].filter((h) => h.baseId === baseId).length >= 2) {
              return error(res, 422, 'TOO_MANY_WEBHOOKS_BY_OAUTH_INTEGRATION_IN_BASE', 'This integration has reached the maximum number of webhooks for this base');
            }
            const hook: AirtableHook = {
              id: airtableId('ach'), baseId, notificationUrl: body.notificationUrl ?? null, specification: body.specification,
              macSecretBase64: randomBytes(32).toString('base64'), isHookEnabled: true, areNotificationsEnabled: true,
              expirationTime: now() + 7 * DAY, payloads: [], cursorForNextPayload: 1,
            };
            state.hooks.set(hook.id, hook);
            return json(res, 200, { id: hook.id, macSecretBase64: hook.macSecretBase64, expirationTime: new Date(hook.expirationTime).toISOString() });
          }
        }
        const hook = hookId ? state.hooks.get(hookId) : undefined;
        if (!hook || hook.baseId !== baseId) return error(res, 404, 'NOT_FOUND', 'Could not find what you are looking for');
        if (!sub && req.method === 'DELETE') {
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          return json(res, 200, {});
        }
        if (sub === '/refresh' && req.method === 'POST') {
          if (!hook.isHookEnabled) return error(res, 422, 'CANNOT_REFRESH_DISABLED_WEBHOOK', 'Webhook is disabled');
          hook.expirationTime = now() + 7 * DAY;
          return json(res, 200, { expirationTime: new Date(hook.expirationTime).toISOString() });
        }
        if (sub === '/payloads' && req.method === 'GET') {
          const cursor = url.searchParams.has('cursor') ? Number(url.searchParams.get('cursor')) : 1;
          const limit = Math.min(50, url.searchParams.has('limit') ? Number(url.searchParams.get('limit')) : 50);
          if (!Number.isInteger(cursor) || cursor < 1 || !Number.isInteger(limit) || limit < 1) return error(res, 422, 'INVALID_REQUEST_UNKNOWN', 'invalid cursor or limit');
          const page = hook.payloads.slice(cursor - 1, cursor - 1 + limit);
          if (hook.isHookEnabled) hook.expirationTime = now() + 7 * DAY;
          const next = cursor + page.length;
          return json(res, 200, { payloads: page, cursor: next, mightHaveMore: next < hook.cursorForNextPayload });
        }
      }
      return error(res, 404, 'NOT_FOUND', 'Could not find what you are looking for');
    })().catch((err: unknown) => error(res, 500, 'SERVER_ERROR', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Append a payload for one action to every enabled webhook of the base whose specification matches. */
  const record = (baseId: string, tableId: string, changeType: 'add' | 'update' | 'remove', changes: (spec: any) => Record<string, unknown>) => {
    const txn = ++transaction;
    for (const h of state.hooks.values()) {
      if (h.baseId !== baseId || !h.isHookEnabled) continue;
      const f = h.specification?.options?.filters ?? {};
      if (!f.dataTypes?.includes('tableData')) continue;
      if (f.recordChangeScope !== undefined && f.recordChangeScope !== tableId) continue;
      if (Array.isArray(f.changeTypes) && !f.changeTypes.includes(changeType)) continue;
      h.payloads.push({
        timestamp: new Date(now()).toISOString(), baseTransactionNumber: txn,
        actionMetadata: { source: 'publicApi', sourceMetadata: {} }, payloadFormat: 'v0',
        changedTablesById: { [tableId]: changes(h.specification) },
      });
      h.cursorForNextPayload++;
    }
    return txn;
  };

  const fake: FakeAirtable = Object.assign(state, {
    url: base,
    tokenUrl: `${base}/oauth2/v1/token`,
    failNext(count: number, status: number, body: unknown = { error: { type: 'SERVER_ERROR', message: 'Server error' } }) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body }))];
    },
    createRecord(baseId: string, tableId: string, cells: Record<string, unknown> = { fldName000000001: 'New record' }) {
      const recordId = airtableId('rec');
      const txn = record(baseId, tableId, 'add', () => ({
        createdRecordsById: { [recordId]: { createdTime: new Date(now()).toISOString(), cellValuesByFieldId: cells } },
      }));
      return { recordId, txn };
    },
    updateRecord(baseId: string, tableId: string, recordId: string, current: Record<string, unknown>, previous: Record<string, unknown> = {}) {
      const txn = record(baseId, tableId, 'update', (spec) => ({
        changedRecordsById: {
          [recordId]: {
            current: { cellValuesByFieldId: current },
            ...(spec?.options?.includes?.includePreviousCellValues ? { previous: { cellValuesByFieldId: previous } } : {}),
          },
        },
      }));
      return { txn };
    },
    deleteRecord(baseId: string, tableId: string, recordId: string) {
      return { txn: record(baseId, tableId, 'remove', () => ({ destroyedRecordIds: [recordId] })) };
    },
    async ping(webhookId: string, o: { macSecretBase64?: string } = {}) {
      const hook = state.hooks.get(webhookId);
      if (!hook?.notificationUrl) throw new Error(`fake airtable: no webhook ${webhookId} with a notification URL`);
      const body = JSON.stringify({ base: { id: hook.baseId }, webhook: { id: hook.id }, timestamp: new Date(now()).toISOString() });
      const mac = airtableMac(o.macSecretBase64 ?? hook.macSecretBase64, body);
      const res = await request(hook.notificationUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-airtable-content-mac': mac }, body });
      await res.body.text();
      return { status: res.statusCode, body, mac };
    },
    hooksFor(baseId: string) {
      return [...state.hooks.values()].filter((h) => h.baseId === baseId);
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
