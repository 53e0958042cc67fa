// A fake Google Forms API v1 over real HTTP (on the shared Google fake: bearer auth, token endpoint,
// scripted failures).
//
// As documented: forms.get (404 NOT_FOUND for an unknown form) and forms.responses.list with
// `filter=timestamp >= T` or `timestamp > T` (RFC 3339 Zulu), `pageSize` (at most 5000; `maxPageSize` lets a
// test force smaller pages) and `pageToken` (valid only with the same form and filter). The filter applies to
// lastSubmittedTime here — Google says "submitted", which field it is exactly is not documented. Responses
// come in insertion order (Google documents no order); list responses leave out `formId`.
import { startGoogleFake, type GoogleFake, type GoogleReply } from './google-calendar.js';

export interface FakeFormResponse {
  responseId: string;
  createTime: string;
  lastSubmittedTime: string;
  answers?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface FakeGoogleForms extends GoogleFake {
  forms: Map<string, { title: string; responses: FakeFormResponse[] }>;
  maxPageSize: number;
  addForm(id: string, title: string): void;
  submit(formId: string, r: Partial<FakeFormResponse> & { responseId: string; createTime: string }): FakeFormResponse;
  listCalls(): Array<{ formId: string; filter: string | null; pageSize: string | null; pageToken: string | null }>;
}

const v1Error = (code: number, status: string, message: string): GoogleReply => ({ status: code, body: { error: { code, message, status } } });

/** Nanoseconds since the epoch of an RFC 3339 Zulu timestamp (0–9 fractional digits), as a bigint. */
function nanos(ts: string): bigint | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(ts);
  if (!m) return null;
  const s = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(s)) return null;
  return BigInt(s) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

export async function startFakeGoogleForms(): Promise<FakeGoogleForms> {
  const base = await startGoogleFake(({ method, url }) => {
    if (method !== 'GET') return undefined;
    const list = /^\/v1\/forms\/([^/]+)\/responses$/.exec(url.pathname);
    if (list) {
      const form = fake.forms.get(decodeURIComponent(list[1]!));
      if (!form) return v1Error(404, 'NOT_FOUND', 'Requested entity was not found.');
      const filter = url.searchParams.get('filter') ?? '';
      let keep: (r: FakeFormResponse) => boolean = () => true;
      if (filter !== '') {
        const m = /^timestamp\s*(>=|>)\s*(\S+)$/.exec(filter.trim());
        const bound = m ? nanos(m[2]!) : null;
        if (!m || bound === null) return v1Error(400, 'INVALID_ARGUMENT', `Invalid filter: ${filter}`);
        keep = (r) => (m[1] === '>=' ? nanos(r.lastSubmittedTime)! >= bound : nanos(r.lastSubmittedTime)! > bound);
      }
      const size = Math.min(Number(url.searchParams.get('pageSize') || 5000) || 5000, 5000, fake.maxPageSize);
      const token = url.searchParams.get('pageToken');
      let offset = 0;
      if (token) {
        const t = JSON.parse(Buffer.from(token, 'base64url').toString()) as { filter: string; offset: number };
        if (t.filter !== filter) return v1Error(400, 'INVALID_ARGUMENT', 'The page token does not match the request.');
        offset = t.offset;
      }
      const all = form.responses.filter(keep);
      const page = all.slice(offset, offset + size);
      const body: Record<string, unknown> = {};
      if (page.length > 0) body.responses = page;
      if (offset + size < all.length) body.nextPageToken = Buffer.from(JSON.stringify({ filter, offset: offset + size })).toString('base64url');
      return { status: 200, body };
    }
    const get = /^\/v1\/forms\/([^/]+)$/.exec(url.pathname);
    if (get) {
      const id = decodeURIComponent(get[1]!);
      const form = fake.forms.get(id);
      if (!form) return v1Error(404, 'NOT_FOUND', 'Requested entity was not found.');
      return { status: 200, body: { formId: id, info: { title: form.title, documentTitle: form.title }, revisionId: '00000001' } };
    }
    return undefined;
  });
  const fake: FakeGoogleForms = Object.assign(base, {
    forms: new Map<string, { title: string; responses: FakeFormResponse[] }>(),
    maxPageSize: 5000,
    addForm(id: string, title: string) {
      fake.forms.set(id, { title, responses: [] });
    },
    submit(formId: string, r: Partial<FakeFormResponse> & { responseId: string; createTime: string }) {
      const form = fake.forms.get(formId);
      if (!form) throw new Error(`no form ${formId}`);
      const full: FakeFormResponse = { lastSubmittedTime: r.createTime, answers: {}, ...r };
      form.responses.push(full);
      return full;
    },
    listCalls() {
      return base.requests.flatMap((q) => {
        const m = /^\/v1\/forms\/([^/]+)\/responses$/.exec(q.path);
        return m ? [{ formId: m[1]!, filter: q.query.get('filter'), pageSize: q.query.get('pageSize'), pageToken: q.query.get('pageToken') }] : [];
      });
    },
  });
  return fake;
}
