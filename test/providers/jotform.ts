// A fake Jotform API v1 over real HTTP: what the integration uses — `GET /user`, `GET /user/forms` and
// `GET /user/submissions` (limit, offset, `filter` as a JSON object with `created_at:gt`, `orderby=created_at`,
// `direction`), the form webhook list `GET|POST /form/{id}/webhooks` (POST takes a form-encoded `webhookURL` and
// answers the whole list `{"0": url, …}`) and `DELETE /form/{id}/webhooks/{index}` (by position; later entries
// move up) — with the API key in the `APIKEY` header (or `apiKey` query), answers in Jotform's envelope
// `{responseCode, message, content, limit-left}`, 401 for a wrong key, 404 for an unknown form, and scripted
// failures. And Jotform's side of webhooks: an unsigned `multipart/form-data` POST of the submission's fields
// (`rawRequest` as a JSON string) to every URL of the form's list, exactly as registered (query included).
//
// Docs followed: https://api.jotform.com/docs/ (user, user-forms, user-submissions, form-id-webhooks),
// https://www.jotform.com/help/245-how-to-setup-a-webhook-with-jotform/,
// https://www.jotform.com/help/406-daily-api-call-limits/
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FormData, request } from 'undici';
import { readJsonOrFormBody } from '../helpers/request-body.js';

export interface JotformRow {
  id: string;
  created_at: string;
  status: string;
  [k: string]: unknown;
}

export interface FakeJotform {
  url: string;
  username: string;
  validKeys: Set<string>;
  forms: JotformRow[];
  submissions: JotformRow[];
  /** Each form's webhook list, in order. */
  hooks: Map<string, string[]>;
  requests: Array<{ method: string; path: string; query: Record<string, string>; apiKey: string | undefined; body: any }>;
  failNext(count: number, status: number, message?: string, headers?: Record<string, string>): void;
  addForm(createdAt: string, extra?: Record<string, unknown>): JotformRow;
  addSubmission(formId: string, createdAt: string, extra?: Record<string, unknown>): JotformRow;
  /** POST a submission as Jotform's webhook does to every URL of the form (or to `url`); the answers' statuses. */
  deliver(formId: string, fields: Record<string, unknown>, opts?: { url?: string }): Promise<number[]>;
  close(): Promise<void>;
}

/** A Jotform time `YYYY-MM-DD HH:MM:SS` for a Date (the fake's account time zone is UTC). */
export const jotformTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

export async function startFakeJotform(): Promise<FakeJotform> {
  let failures: Array<{ status: number; message: string; headers: Record<string, string> }> = [];
  let nextId = 5308741572752112119n;
  let nextForm = 230583697150159n;
  const state = {
    username: 'johnsmith',
    validKeys: new Set<string>(),
    forms: [] as JotformRow[],
    submissions: [] as JotformRow[],
    hooks: new Map<string, string[]>(),
    requests: [] as FakeJotform['requests'],
  };

  const send = (res: ServerResponse, status: number, content: unknown, message = status < 400 ? 'success' : 'error', headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ responseCode: status, message, content, duration: '12ms', 'limit-left': 998 }));
  };

  const list = (rows: JotformRow[], q: URLSearchParams) => {
    let out = [...rows];
    const filter = q.get('filter');
    if (filter) {
      const f = JSON.parse(filter) as Record<string, string>;
      for (const [k, v] of Object.entries(f)) {
        if (k === 'created_at:gt') out = out.filter((r) => r.created_at > v);
        else if (k === 'form_id') out = out.filter((r) => r.form_id === v);
        else throw new Error(`fake jotform: unsupported filter ${k}`);
      }
    }
    if (q.get('orderby') === 'created_at') {
      const asc = (q.get('direction') ?? 'DESC').toUpperCase() === 'ASC';
      out = [...out].sort((a, b) => (a.created_at === b.created_at ? 0 : (a.created_at < b.created_at) === asc ? -1 : 1));
    }
    const offset = Number(q.get('offset') ?? 0);
    const limit = Math.min(Number(q.get('limit') ?? 20), 1000);
    return out.slice(offset, offset + limit);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = req.method === 'POST' ? await readJsonOrFormBody(req) : {};
      const apiKey = (req.headers.apikey as string | undefined) ?? url.searchParams.get('apiKey') ?? undefined;
      state.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), apiKey, body });

      const failure = failures.shift();
      if (failure) return send(res, failure.status, '', failure.message, failure.headers);
      if (!apiKey || !state.validKeys.has(apiKey)) return send(res, 401, '', `You're not authorized to use (${url.pathname}) `);

      if (req.method === 'GET' && url.pathname === '/user') return send(res, 200, { username: state.username, name: 'John Smith', email: 'john@example.com', account_type: 'https://api.jotform.com/system/plan/FREE' });
      if (req.method === 'GET' && url.pathname === '/user/forms') return send(res, 200, list(state.forms, url.searchParams));
      if (req.method === 'GET' && url.pathname === '/user/submissions') return send(res, 200, list(state.submissions, url.searchParams));

      const hooks = /^\/form\/([^/]+)\/webhooks(?:\/([^/]+))?$/.exec(url.pathname);
      if (hooks) {
        const formId = decodeURIComponent(hooks[1]!);
        if (!state.forms.some((f) => f.id === formId)) return send(res, 404, '', 'Form not found');
        const entries = state.hooks.get(formId) ?? [];
        const asObject = () => Object.fromEntries(entries.map((u, i) => [String(i), u]));
        if (!hooks[2] && req.method === 'GET') return send(res, 200, asObject());
        if (!hooks[2] && req.method === 'POST') {
          if (typeof body.webhookURL !== 'string' || !/^https?:\/\//.test(body.webhookURL)) return send(res, 400, '', 'webhookURL is missing or invalid');
          entries.push(body.webhookURL);
          state.hooks.set(formId, entries);
          return send(res, 200, asObject());
        }
        if (hooks[2] && req.method === 'DELETE') {
          const index = Number(hooks[2]);
          if (!Number.isInteger(index) || index < 0 || index >= entries.length) return send(res, 404, '', 'Webhook not found');
          entries.splice(index, 1);
          return send(res, 200, asObject());
        }
      }
      return send(res, 404, '', 'Requested URL is not available');
    })().catch((err: unknown) => send(res, 500, '', String(err)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeJotform = Object.assign(state, {
    url: base,
    failNext(count: number, status: number, message = 'error', headers: Record<string, string> = {}) {
      failures = [...failures, ...Array.from({ length: count }, () => ({ status, message, headers }))];
    },
    addForm(createdAt: string, extra: Record<string, unknown> = {}) {
      const form: JotformRow = { id: String(nextForm++), username: state.username, title: 'Contact Us', status: 'ENABLED', created_at: createdAt, updated_at: createdAt, new: '0', count: '0', type: 'LEGACY', ...extra };
      form.url = `https://form.jotform.com/${form.id}`;
      state.forms.push(form);
      return form;
    },
    addSubmission(formId: string, createdAt: string, extra: Record<string, unknown> = {}) {
      const s: JotformRow = { id: String(nextId++), form_id: formId, ip: '203.0.113.7', created_at: createdAt, status: 'ACTIVE', new: '1', updated_at: null, answers: {}, ...extra };
      state.submissions.push(s);
      return s;
    },
    async deliver(formId: string, fields: Record<string, unknown>, o: { url?: string } = {}) {
      const targets = o.url ? [o.url] : (state.hooks.get(formId) ?? []);
      const statuses: number[] = [];
      for (const target of targets) {
        const form = new FormData();
        for (const [k, v] of Object.entries(fields)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
        const r = await request(target, { method: 'POST', body: form, headers: { 'user-agent': 'JotForm' } });
        await r.body.text();
        statuses.push(r.statusCode);
      }
      return statuses;
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
  return fake;
}
