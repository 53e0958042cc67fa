// A fake DocuSign eSignature REST API v2.1 over real HTTP, for what the integration uses: Envelopes:
// listStatusChanges, `GET /restapi/v2.1/accounts/{accountId}/envelopes`, served under `/{server}` so that tests
// see which API server (the `server` account parameter) a call went to. Query: `from_date` (required here; an
// ISO 8601 date/time), `from_to_status` (the status the date range applies to; default `changed`), `count`
// (≤ 100 here) and `start_position`. Answer: `{resultSetSize, totalSetSize, startPosition, endPosition, nextUri,
// envelopes}` with sizes and positions as strings and times with seven fractional digits, as DocuSign's examples
// show. Auth is `Authorization: Bearer <token>`; anything else is 401 `USER_AUTHENTICATION_FAILED`. Errors are
// `{errorCode, message}`; a scripted rate limit answers 429 `HOURLY_APIINVOCATION_LIMIT_EXCEEDED` with
// X-RateLimit-Reset (Unix seconds) and X-RateLimit-Limit / -Remaining.
//
// Docs followed: https://developers.docusign.com/docs/esign-rest-api/reference/envelopes/envelopes/liststatuschanges/,
// https://developers.docusign.com/platform/resource-limits.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import envelopeExample from '../../src/integrations/docusign/fixtures/envelope.json' with { type: 'json' };

export const DOCUSIGN_ACCOUNT = 'f0f5e9b2-1c3d-4e5f-8a9b-0c1d2e3f4a5b';
export const DOCUSIGN_SERVER = 'na3';

type Status = 'sent' | 'delivered' | 'completed' | 'declined' | 'voided';
const FIELD: Record<Status, string> = { sent: 'sentDateTime', delivered: 'deliveredDateTime', completed: 'completedDateTime', declined: 'declinedDateTime', voided: 'voidedDateTime' };

export interface FakeEnvelope {
  envelopeId: string;
  emailSubject: string;
  status: Status | 'created';
  createdAt: number;
  /** When the envelope reached each status. */
  at: Partial<Record<Status, number>>;
}

export interface DocuSignRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: string | undefined;
}

export interface FakeDocuSign {
  url: string;
  validTokens: Set<string>;
  envelopes: FakeEnvelope[];
  requests: DocuSignRequest[];
  /** A new envelope in `created` status. */
  addEnvelope(e?: Partial<Pick<FakeEnvelope, 'emailSubject' | 'createdAt'>>): FakeEnvelope;
  /** The envelope reaches `status` at `at`. */
  transition(envelopeId: string, status: Status, at: number): FakeEnvelope;
  failNext(count: number, status: number, body?: unknown, headers?: Record<string, string>): void;
  lists(): DocuSignRequest[];
  close(): Promise<void>;
}

/** `2026-03-02T15:22:09.2670000Z`: DocuSign's seven fractional digits. */
export const docuSignTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');

export async function startFakeDocuSign(): Promise<FakeDocuSign> {
  let failures: Array<{ status: number; body: unknown; headers: Record<string, string> }> = [];
  let n = 0;
  const state = { validTokens: new Set<string>(['ds-token-1']), envelopes: [] as FakeEnvelope[], requests: [] as DocuSignRequest[] };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-limit': '3000', 'x-ratelimit-remaining': '2999', ...headers });
    res.end(JSON.stringify(body));
  };
  const invalid = (res: ServerResponse, message: string) => send(res, 400, { errorCode: 'INVALID_REQUEST_PARAMETER', message });
  const render = (e: FakeEnvelope) => {
    const times = Object.fromEntries(Object.entries(e.at).map(([s, t]) => [FIELD[s as Status], docuSignTime(t)]));
    const changed = Math.max(e.createdAt, ...Object.values(e.at));
    return {
      ...Object.fromEntries(Object.entries(envelopeExample).filter(([k]) => !k.endsWith('DateTime'))),
      envelopeId: e.envelopeId, envelopeUri: `/envelopes/${e.envelopeId}`, status: e.status, emailSubject: e.emailSubject,
      createdDateTime: docuSignTime(e.createdAt), statusChangedDateTime: docuSignTime(changed), ...times,
    };
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'x'}`);
    const query = Object.fromEntries(url.searchParams.entries());
    state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, auth: req.headers.authorization });
    const failure = failures.shift();
    if (failure) return send(res, failure.status, failure.body, failure.headers);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !state.validTokens.has(token)) return send(res, 401, { errorCode: 'USER_AUTHENTICATION_FAILED', message: 'The access token provided is expired, revoked or malformed.' });
    if (req.method === 'GET' && url.pathname === `/${DOCUSIGN_SERVER}/restapi/v2.1/accounts/${DOCUSIGN_ACCOUNT}/envelopes`) {
      const rawFrom = url.searchParams.get('from_date');
      if (rawFrom === null) return invalid(res, 'from_date, envelope_ids, folder_ids or transaction_ids is required.');
      const from = Date.parse(rawFrom);
      if (!Number.isFinite(from)) return invalid(res, 'from_date is not a valid date/time.');
      const fts = url.searchParams.get('from_to_status') ?? 'changed';
      if (fts !== 'changed' && !(fts in FIELD)) return invalid(res, `from_to_status ${fts} is not supported.`);
      const count = Number(url.searchParams.get('count') ?? '100');
      const start = Number(url.searchParams.get('start_position') ?? '0');
      if (!Number.isInteger(count) || count < 1 || count > 100 || !Number.isInteger(start) || start < 0) return invalid(res, 'count or start_position is invalid.');
      const timeOf = (e: FakeEnvelope) => (fts === 'changed' ? Math.max(e.createdAt, ...Object.values(e.at)) : e.at[fts as Status]);
      const list = state.envelopes.filter((e) => (timeOf(e) ?? -1) >= from).sort((a, b) => timeOf(a)! - timeOf(b)!);
      const page = list.slice(start, start + count);
      const body: Record<string, unknown> = {
        resultSetSize: String(page.length), totalSetSize: String(list.length), startPosition: String(start), endPosition: String(start + Math.max(page.length, 1) - 1),
        ...(page.length ? { envelopes: page.map(render) } : {}),
      };
      if (start + page.length < list.length) {
        const next = new URL(url.toString());
        next.searchParams.set('start_position', String(start + page.length));
        body.nextUri = `/envelopes${next.search}`;
      }
      return send(res, 200, body);
    }
    send(res, 404, { errorCode: 'RESOURCE_NOT_FOUND', message: 'The URL provided does not resolve to a resource.' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    ...state,
    addEnvelope(e = {}) {
      const createdAt = e.createdAt ?? Date.now();
      const env: FakeEnvelope = { envelopeId: `93be49ab-2e6b-4f2a-a7a3-${String(++n).padStart(12, '0')}`, emailSubject: e.emailSubject ?? 'Please sign', status: 'created', createdAt, at: {} };
      state.envelopes.push(env);
      return env;
    },
    transition(envelopeId, status, at) {
      const e = state.envelopes.find((x) => x.envelopeId === envelopeId);
      if (!e) throw new Error(`no envelope ${envelopeId}`);
      e.status = status;
      e.at[status] = at;
      return e;
    },
    failNext(count, status, body = { errorCode: 'INTERNAL_SERVER_ERROR', message: 'scripted failure' }, headers = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, body, headers }))];
    },
    lists: () => state.requests.filter((r) => r.path.endsWith('/envelopes')),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
