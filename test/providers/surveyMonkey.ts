// A fake SurveyMonkey (API v3) over real HTTP: what the integration uses — `POST /v3/webhooks` (JSON {name,
// event_type, object_type, object_ids, subscription_url}; SurveyMonkey first sends a HEAD request to the
// subscription URL, which must answer 200; 400 for a missing field, an unknown event type, or object_type/object_ids
// on a response event left out), `GET` and `DELETE /v3/webhooks/{id}`, `GET /v3/users/me`, `GET /v3/surveys/{id}`,
// `GET /v3/surveys/{id}/responses/{id}/details` — with `Authorization: bearer <token>` (401 error 1011 otherwise),
// errors in SurveyMonkey's `{"error": {id, name, message, docs, http_status_code}}` body, and scripted failures.
// Callbacks are signed as SurveyMonkey documents: `Sm-Apikey` = the app's client id, `Sm-Signature` = base64 of
// HMAC-SHA1(body, key "{client id}&{client secret}").
//
// Docs followed: https://api.surveymonkey.com/v3/docs (Webhooks, Error Codes, Authentication), mirrored in
// https://github.com/SurveyMonkey/public_api_docs (includes/_webhooks.md, _overview.md).
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface SurveyMonkeyHook {
  id: string;
  name: string;
  event_type: string;
  object_type: string | null;
  object_ids: string[];
  subscription_url: string;
  token: string;
}

export interface FakeSurveyMonkey {
  url: string;
  /** The API base the integration is configured with (`{url}/v3`). */
  apiBaseUrl: string;
  clientId: string;
  clientSecret: string;
  /** `{client id}&{client secret}`: the key SurveyMonkey signs callbacks with. */
  signingKey: string;
  validTokens: Map<string, string>;
  surveys: Map<string, Record<string, unknown>>;
  /** Response details by `${surveyId}/${responseId}`. */
  responses: Map<string, Record<string, unknown>>;
  hooks: Map<string, SurveyMonkeyHook>;
  deletedHooks: SurveyMonkeyHook[];
  headChecks: Array<{ url: string; status: number }>;
  requests: Array<{ method: string; path: string; auth: string | undefined; body: unknown }>;
  failNext(count: number, status: number, error?: { id: string; name: string; message: string }, headers?: Record<string, string>): void;
  /** POST a signed callback to a webhook's subscription URL. */
  deliver(hookId: string, body: unknown, opts?: { key?: string; apiKey?: string }): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/** base64(HMAC-SHA1(body, key)), as SurveyMonkey computes Sm-Signature (key = "{client id}&{client secret}"). */
export function surveyMonkeySignature(key: string, body: string): string {
  return createHmac('sha1', key).update(body).digest('base64');
}

const EVENT_TYPES = new Set([
  'response_completed', 'response_updated', 'response_disqualified', 'response_created', 'response_deleted', 'response_overquota',
  'collector_created', 'collector_updated', 'collector_deleted', 'survey_created', 'survey_updated', 'survey_deleted',
]);

let nextId = 5_000_000;

export async function startFakeSurveyMonkey(): Promise<FakeSurveyMonkey> {
  let failures: Array<{ status: number; error: { id: string; name: string; message: string }; headers: Record<string, string> }> = [];
  const clientId = `client${randomBytes(6).toString('hex')}`;
  const clientSecret = randomBytes(24).toString('hex');
  const state = {
    clientId,
    clientSecret,
    signingKey: `${clientId}&${clientSecret}`,
    validTokens: new Map<string, string>(),
    surveys: new Map<string, Record<string, unknown>>(),
    responses: new Map<string, Record<string, unknown>>(),
    hooks: new Map<string, SurveyMonkeyHook>(),
    deletedHooks: [] as SurveyMonkeyHook[],
    headChecks: [] as FakeSurveyMonkey['headChecks'],
    requests: [] as FakeSurveyMonkey['requests'],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, id: string, name: string, message: string, headers: Record<string, string> = {}) =>
    json(res, status, { error: { id, name, message, docs: 'https://developer.surveymonkey.com/api/v3/#error-codes', http_status_code: status } }, headers);
  const view = ({ token: _t, ...hook }: SurveyMonkeyHook, base: string) => ({ ...hook, href: `${base}/v3/webhooks/${hook.id}` });

  let base = '';
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      let raw = '';
      for await (const chunk of req) raw += String(chunk);
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        return error(res, 400, '1001', 'Bad Request', 'The body provided was not a proper JSON string.');
      }
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, auth: req.headers.authorization, body });
      const failure = failures.shift();
      if (failure) return error(res, failure.status, failure.error.id, failure.error.name, failure.error.message, failure.headers);
      const m = /^bearer (.+)$/i.exec(req.headers.authorization ?? '');
      if (!m) return error(res, 401, '1010', 'Authorization Error', 'The authorization token was not provided.');
      const userId = state.validTokens.get(m[1]!);
      if (!userId) return error(res, 401, '1011', 'Authorization Error', 'The authorization token provided was invalid.');

      if (req.method === 'GET' && url.pathname === '/v3/users/me') return json(res, 200, { id: userId, username: 'acme-research', href: `${base}/v3/users/me` });
      if (req.method === 'POST' && url.pathname === '/v3/webhooks') {
        const b = (body ?? {}) as Record<string, unknown>;
        for (const field of ['name', 'event_type', 'subscription_url']) {
          if (typeof b[field] !== 'string' || b[field] === '') return error(res, 400, '1002', 'Bad Request', `Invalid schema in the body provided: '${field}' is a required property`);
        }
        const eventType = b.event_type as string;
        if (!EVENT_TYPES.has(eventType)) return error(res, 400, '1002', 'Bad Request', `Invalid schema in the body provided: '${eventType}' is not a valid event_type`);
        const isResponse = eventType.startsWith('response_');
        if (isResponse && (b.object_type !== 'survey' && b.object_type !== 'collector')) return error(res, 400, '1002', 'Bad Request', "Invalid schema in the body provided: 'object_type' is a required property");
        if (eventType === 'survey_created' && b.object_type !== undefined && b.object_type !== 'survey') return error(res, 400, '1002', 'Bad Request', 'object_type must be survey');
        const ids = Array.isArray(b.object_ids) ? b.object_ids.filter((x): x is string => typeof x === 'string') : [];
        if (isResponse && ids.length === 0) return error(res, 400, '1002', 'Bad Request', "Invalid schema in the body provided: 'object_ids' is a required property");
        if (b.object_type === 'survey' && ids.some((id) => !state.surveys.has(id))) return error(res, 404, '1020', 'Resource Not Found', 'There was an error retrieving the requested resource.');
        // SurveyMonkey's check: the subscription URL must accept a HEAD request and return a 200.
        const head = await request(b.subscription_url as string, { method: 'HEAD' });
        await head.body.text();
        state.headChecks.push({ url: b.subscription_url as string, status: head.statusCode });
        if (head.statusCode !== 200) return error(res, 400, '1000', 'Bad Request', `subscription_url did not return 200 to a HEAD request (got ${head.statusCode})`);
        const hook: SurveyMonkeyHook = {
          id: String(nextId++), name: b.name as string, event_type: eventType, object_type: typeof b.object_type === 'string' ? b.object_type : null,
          object_ids: ids, subscription_url: b.subscription_url as string, token: m[1]!,
        };
        state.hooks.set(hook.id, hook);
        return json(res, 201, view(hook, base));
      }
      const one = /^\/v3\/webhooks\/([^/]+)$/.exec(url.pathname);
      if (one && (req.method === 'GET' || req.method === 'DELETE')) {
        const hook = state.hooks.get(one[1]!);
        if (!hook || hook.token !== m[1]) return error(res, 404, '1020', 'Resource Not Found', 'There was an error retrieving the requested resource.');
        if (req.method === 'GET') return json(res, 200, view(hook, base));
        state.hooks.delete(hook.id);
        state.deletedHooks.push(hook);
        return json(res, 200, view(hook, base));
      }
      const survey = /^\/v3\/surveys\/(\d+)$/.exec(url.pathname);
      if (survey && req.method === 'GET') {
        const s = state.surveys.get(survey[1]!);
        return s ? json(res, 200, s) : error(res, 404, '1020', 'Resource Not Found', 'There was an error retrieving the requested resource.');
      }
      const details = /^\/v3\/surveys\/(\d+)\/responses\/(\d+)\/details$/.exec(url.pathname);
      if (details && req.method === 'GET') {
        const r = state.responses.get(`${details[1]}/${details[2]}`);
        return r ? json(res, 200, r) : error(res, 404, '1020', 'Resource Not Found', 'There was an error retrieving the requested resource.');
      }
      return error(res, 404, '1020', 'Resource Not Found', `No route ${req.method ?? 'GET'} ${url.pathname}`);
    })().catch((err: unknown) => error(res, 500, '1050', 'Internal Server Error', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return Object.assign(state, {
    url: base,
    apiBaseUrl: `${base}/v3`,
    failNext(count: number, status: number, err = { id: '1050', name: 'Internal Server Error', message: "Oh bananas! We couldn't process your request." }, headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, error: err, headers }))];
    },
    async deliver(hookId: string, payload: unknown, o: { key?: string; apiKey?: string } = {}) {
      const hook = state.hooks.get(hookId);
      if (!hook) throw new Error(`fake surveymonkey: no webhook ${hookId}`);
      const text = JSON.stringify(payload);
      const res = await request(hook.subscription_url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'sm-apikey': o.apiKey ?? state.clientId,
          'sm-signature': surveyMonkeySignature(o.key ?? state.signingKey, text),
        },
        body: text,
      });
      return { status: res.statusCode, text: await res.body.text() };
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  });
}
