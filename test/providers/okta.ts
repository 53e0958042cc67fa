// A fake Okta org over real HTTP: the Event Hooks Management API under the org's path `/{orgSubdomain}/api/v1`
// (the real host is `{orgSubdomain}.okta.com`) behind `Authorization: SSWS <token>`:
// `POST /eventHooks` (name unique, events {type: EVENT_TYPE, items}, channel {type: HTTP, version 1.0.0, config {uri,
// headers, authScheme {type: HEADER, key, value}}}) → the hook ACTIVE and UNVERIFIED, without authScheme.value;
// `POST /eventHooks/{id}/lifecycle/verify` → one GET to the hook's URI with `X-Okta-Verification-Challenge` and the
// authScheme header, expecting 200 `{"verification": challenge}` (else 400 E0000001) → VERIFIED;
// `…/lifecycle/activate|deactivate`, `GET /eventHooks/{id}`, `DELETE /eventHooks/{id}` (INACTIVE only, 204).
// Errors are Okta's `{errorCode, errorSummary, errorLink, errorId, errorCauses}`. And Okta's side of delivery: a POST of
// the `com.okta.event_hook` envelope with `data.events`, carrying the authScheme header — only to ACTIVE, VERIFIED hooks.
//
// Docs followed: https://developer.okta.com/docs/reference/api/event-hooks/, https://developer.okta.com/docs/concepts/event-hooks/,
// https://developer.okta.com/docs/reference/error-codes/
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface OktaHook {
  id: string;
  name: string;
  status: 'ACTIVE' | 'INACTIVE';
  verificationStatus: 'VERIFIED' | 'UNVERIFIED';
  events: string[];
  uri: string;
  headers: Array<{ key: string; value: string }>;
  auth: { key: string; value: string };
}

export interface FakeOkta {
  apiBaseTemplate: string;
  orgSubdomain: string;
  apiToken: string;
  hooks: Map<string, OktaHook>;
  deletedHooks: OktaHook[];
  requests: Array<{ method: string; path: string; auth: string | undefined; body: any }>;
  /** The answers our endpoint gave to verification GETs. */
  verifications: Array<{ challenge: string; status: number; body: string; sentAuth: string }>;
  /** Send the next verification GETs with a wrong challenge check (as if our endpoint answered wrongly): verify → 400. */
  refuseVerifications: number;
  failNext(count: number, status: number, summary?: string, headers?: Record<string, string>): void;
  /** POST a delivery of `events` to the hook, with its auth header (or `authorization`). */
  deliver(id: string, events: unknown[], opts?: { authorization?: string | null; eventId?: string }): Promise<{ status: number }>;
  close(): Promise<void>;
}

const ELIGIBLE = new Set(['user.lifecycle.create', 'user.lifecycle.deactivate', 'group.user_membership.add', 'user.session.start', 'application.user_membership.add', 'user.lifecycle.activate']);

export async function startFakeOkta(): Promise<FakeOkta> {
  let failures: Array<{ status: number; summary: string; headers: Record<string, string> }> = [];
  let seq = 1;
  const state = {
    orgSubdomain: 'acme',
    apiToken: '00QCjAl4MlV-WPXM-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    hooks: new Map<string, OktaHook>(),
    deletedHooks: [] as OktaHook[],
    requests: [] as FakeOkta['requests'],
    verifications: [] as FakeOkta['verifications'],
    refuseVerifications: 0,
  };
  const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, code: string, summary: string, causes: string[] = [], headers: Record<string, string> = {}) =>
    reply(res, status, { errorCode: code, errorSummary: summary, errorLink: code, errorId: `oae${randomBytes(6).toString('hex')}`, errorCauses: causes.map((c) => ({ errorSummary: c })) }, headers);
  const view = (h: OktaHook) => ({
    id: h.id, name: h.name, status: h.status, verificationStatus: h.verificationStatus,
    events: { type: 'EVENT_TYPE', items: h.events },
    channel: { type: 'HTTP', version: '1.0.0', config: { uri: h.uri, method: 'POST', headers: h.headers, authScheme: { type: 'HEADER', key: h.auth.key } } },
    created: '2026-03-01T00:00:00.000Z', lastUpdated: '2026-03-01T00:00:00.000Z',
  });

  const verify = async (h: OktaHook): Promise<boolean> => {
    const challenge = randomBytes(24).toString('base64url');
    try {
      const res = await request(h.uri, {
        method: 'GET',
        headers: { accept: 'application/json', 'x-okta-verification-challenge': challenge, [h.auth.key.toLowerCase()]: h.auth.value, ...Object.fromEntries(h.headers.map((x) => [x.key, x.value])) },
        headersTimeout: 3000,
        bodyTimeout: 3000,
      });
      const text = await res.body.text();
      state.verifications.push({ challenge, status: res.statusCode, body: text, sentAuth: h.auth.value });
      if (res.statusCode !== 200) return false;
      if (state.refuseVerifications > 0) {
        state.refuseVerifications -= 1;
        return false;
      }
      return (JSON.parse(text) as { verification?: unknown }).verification === challenge;
    } catch {
      return false;
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' || req.method === 'PUT' ? await readJsonOrFormBody(req) : {};
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return fail(res, failure.status, failure.status === 429 ? 'E0000047' : 'E0000009', failure.summary, [], failure.headers);
      const m = /^\/([^/]+)\/api\/v1(\/.*)$/.exec(url.pathname);
      if (!m || m[1] !== state.orgSubdomain) return fail(res, 404, 'E0000022', 'The endpoint does not support the provided HTTP method');
      if (req.headers.authorization !== `SSWS ${state.apiToken}`) return fail(res, 401, 'E0000011', 'Invalid token provided');
      const path = m[2]!;
      if (req.method === 'POST' && path === '/eventHooks') {
        const problems: string[] = [];
        if (typeof body.name !== 'string' || body.name === '' || body.name.length > 255) problems.push('name: must be 1 to 255 characters');
        if ([...state.hooks.values()].some((h) => h.name === body.name)) problems.push('name: An object with this field already exists');
        const items: unknown = body.events?.items;
        if (body.events?.type !== 'EVENT_TYPE' || !Array.isArray(items) || items.length === 0 || !items.every((e) => typeof e === 'string' && ELIGIBLE.has(e))) problems.push('events: must be event-hook-eligible event types');
        const ch = body.channel;
        const config = ch?.config;
        if (ch?.type !== 'HTTP' || ch?.version !== '1.0.0') problems.push('channel: type HTTP, version 1.0.0');
        if (typeof config?.uri !== 'string' || !/^https?:\/\//.test(config.uri) || config.uri.length > 1024) problems.push('channel.config.uri: must be a valid URL');
        const scheme = config?.authScheme;
        if (scheme && (scheme.type !== 'HEADER' || typeof scheme.key !== 'string' || typeof scheme.value !== 'string' || scheme.value === '')) problems.push('channel.config.authScheme: type HEADER with key and value');
        if (problems.length > 0) return fail(res, 400, 'E0000001', 'Api validation failed: eventHook', problems);
        const hook: OktaHook = {
          id: `who${String(seq++).padStart(3, '0')}${randomBytes(6).toString('hex')}`, name: body.name, status: 'ACTIVE', verificationStatus: 'UNVERIFIED',
          events: items as string[], uri: config.uri, headers: Array.isArray(config.headers) ? config.headers : [], auth: { key: scheme?.key ?? 'Authorization', value: scheme?.value ?? '' },
        };
        state.hooks.set(hook.id, hook);
        return reply(res, 200, view(hook));
      }
      const one = /^\/eventHooks\/([^/]+)(\/lifecycle\/(verify|activate|deactivate))?$/.exec(path);
      if (one) {
        const hook = state.hooks.get(decodeURIComponent(one[1]!));
        if (!hook) return fail(res, 404, 'E0000007', `Not found: Resource not found: ${one[1]} (EventHook)`);
        const action = one[3];
        if (req.method === 'POST' && action === 'verify') {
          if (!(await verify(hook))) return fail(res, 400, 'E0000001', 'Api validation failed: Verification failed', ['Unable to verify the event hook: the endpoint did not answer the challenge']);
          hook.verificationStatus = 'VERIFIED';
          return reply(res, 200, view(hook));
        }
        if (req.method === 'POST' && action === 'activate') { hook.status = 'ACTIVE'; return reply(res, 200, view(hook)); }
        if (req.method === 'POST' && action === 'deactivate') { hook.status = 'INACTIVE'; return reply(res, 200, view(hook)); }
        if (!action && req.method === 'GET') return reply(res, 200, view(hook));
        if (!action && req.method === 'DELETE') {
          if (hook.status !== 'INACTIVE') return fail(res, 403, 'E0000149', 'Only inactive event hooks can be deleted');
          state.hooks.delete(hook.id);
          state.deletedHooks.push(hook);
          res.writeHead(204).end();
          return;
        }
      }
      return fail(res, 404, 'E0000022', 'The endpoint does not support the provided HTTP method');
    })().catch((err: unknown) => fail(res, 500, 'E0000009', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    apiBaseTemplate: `${base}/{orgSubdomain}/api/v1`,
    failNext(count: number, status: number, summary = 'Internal Server Error', headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, summary, headers }))];
    },
    async deliver(id: string, events: unknown[], o: { authorization?: string | null; eventId?: string } = {}) {
      const hook = state.hooks.get(id);
      if (!hook) throw new Error(`fake okta: no event hook ${id}`);
      if (hook.status !== 'ACTIVE' || hook.verificationStatus !== 'VERIFIED') throw new Error(`fake okta: event hook ${id} is ${hook.status}/${hook.verificationStatus}`);
      const body = JSON.stringify({
        eventType: 'com.okta.event_hook', eventTypeVersion: '1.0', cloudEventsVersion: '0.1', contentType: 'application/json',
        eventId: o.eventId ?? randomBytes(16).toString('hex'), eventTime: new Date().toISOString(),
        source: `https://${state.orgSubdomain}.okta.com/api/v1/eventHooks/${hook.id}`, data: { events },
      });
      const auth = o.authorization === undefined ? hook.auth.value : o.authorization;
      const res = await request(hook.uri, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json', ...(auth === null ? {} : { [hook.auth.key.toLowerCase()]: auth }) },
        body,
      });
      await res.body.text();
      return { status: res.statusCode };
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
}
