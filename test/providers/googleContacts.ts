// A fake Google People API v1 (people.connections.list) over real HTTP, on the shared Google fake (bearer
// auth, token endpoint, scripted failures).
//
// As documented (https://developers.google.com/people/api/rest/v1/people.connections/list):
// `GET /v1/people/me/connections` with `personFields` (required), `pageSize` (1–1000, default 100;
// `maxPageSize` lets a test force smaller pages), `pageToken`, `requestSyncToken` (nextSyncToken on the last
// page) and `syncToken` (the contacts changed since that token; deleted ones as a person with
// `metadata.deleted: true`). With a pageToken or a syncToken, the other parameters must match the first call
// (400 otherwise). A full sync lists live contacts only. Sync tokens expire 7 days after the full sync they
// come from (`syncTokenLifetimeMs`); an expired one answers HTTP 400 FAILED_PRECONDITION with an ErrorInfo
// reason EXPIRED_SYNC_TOKEN, as reported by users of the API (`expiredStatus` lets a test use 410).
import { googleError, startGoogleFake, type GoogleFake, type GoogleReply } from './google-calendar.js';

export interface FakePerson {
  resourceName: string;
  etag: string;
  metadata: { sources: Array<{ type: 'CONTACT'; id: string; etag: string; updateTime: string }>; deleted?: boolean; objectType?: string };
  names?: Array<Record<string, unknown>>;
  emailAddresses?: Array<Record<string, unknown>>;
  phoneNumbers?: Array<Record<string, unknown>>;
  organizations?: Array<Record<string, unknown>>;
}

interface Stored {
  person: FakePerson;
  /** The change sequence number of the contact's last write (creation, edit or deletion). */
  seq: number;
}

export interface FakeGoogleContacts extends GoogleFake {
  contacts: Map<string, Stored>;
  maxPageSize: number;
  syncTokenLifetimeMs: number;
  expiredStatus: 400 | 410;
  /** people.createContact: a new contact, updated now (or at `at`). */
  create(id: string, fields?: { name?: string; email?: string; phone?: string; org?: string }, at?: number): FakePerson;
  /** people.updateContact: new fields, a new etag and updateTime. */
  update(id: string, fields: { name?: string; email?: string; phone?: string; org?: string }, at?: number): FakePerson;
  /** people.deleteContact: listed by sync requests as deleted. */
  remove(id: string, at?: number): void;
  listCalls(): Array<Record<string, string>>;
}

/** Users report HTTP 400 for an expired sync token. */
const EXPIRED_DEFAULT: 400 | 410 = 400;
const FIELDS = new Set(['names', 'emailAddresses', 'phoneNumbers', 'organizations', 'metadata', 'addresses', 'birthdays', 'photos']);

export async function startFakeGoogleContacts(opts: { now: () => number }): Promise<FakeGoogleContacts> {
  let seq = 0;
  let etags = 0;
  /** Sync tokens: the change sequence they stand for and when the full sync they come from was made. */
  const tokens = new Map<string, { seq: number; fullSyncAt: number }>();
  const expired = (): GoogleReply => ({
    status: fake.expiredStatus,
    body: {
      error: {
        code: fake.expiredStatus,
        message: 'Sync token is expired. Clear local cache and retry call without the sync token.',
        status: 'FAILED_PRECONDITION',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'EXPIRED_SYNC_TOKEN', domain: 'people.googleapis.com' }],
      },
    },
  });
  const base = await startGoogleFake(({ method, url }) => {
    if (method !== 'GET' || url.pathname !== '/v1/people/me/connections') return undefined;
    const q = url.searchParams;
    const personFields = q.get('personFields');
    if (!personFields) return googleError(400, 'badRequest', 'personMask is required. Please specify one or more valid paths.');
    if (personFields.split(',').some((f) => !FIELDS.has(f))) return googleError(400, 'badRequest', `Invalid personFields mask path: "${personFields}".`);
    const pageSize = Number(q.get('pageSize') ?? 100) || 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) return googleError(400, 'badRequest', 'Invalid pageSize');
    const size = Math.min(pageSize, fake.maxPageSize);
    const syncToken = q.get('syncToken');
    const requestSyncToken = q.get('requestSyncToken') === 'true';
    const signature = JSON.stringify([personFields, pageSize, syncToken, requestSyncToken]);
    let offset = 0;
    let upTo = seq;
    const pageToken = q.get('pageToken');
    if (pageToken) {
      const t = JSON.parse(Buffer.from(pageToken, 'base64url').toString()) as { signature: string; offset: number; upTo: number };
      if (t.signature !== signature) return googleError(400, 'badRequest', 'Parameters provided with a page token must match the first call.');
      ({ offset, upTo } = t);
    }
    let fullSyncAt = opts.now();
    let rows: Stored[];
    if (syncToken !== null) {
      const known = tokens.get(syncToken);
      if (!known) return googleError(400, 'badRequest', 'Invalid sync token');
      if (opts.now() - known.fullSyncAt > fake.syncTokenLifetimeMs) return expired();
      fullSyncAt = known.fullSyncAt;
      rows = [...fake.contacts.values()].filter((c) => c.seq > known.seq && c.seq <= upTo);
    } else {
      rows = [...fake.contacts.values()].filter((c) => c.person.metadata.deleted !== true && c.seq <= upTo);
    }
    rows.sort((a, b) => a.seq - b.seq);
    const page = rows.slice(offset, offset + size);
    const body: Record<string, unknown> = { totalPeople: rows.length, totalItems: rows.length };
    if (page.length > 0) {
      body.connections = page.map((c) =>
        c.person.metadata.deleted === true
          ? { resourceName: c.person.resourceName, etag: c.person.etag, metadata: structuredClone(c.person.metadata) }
          : structuredClone(c.person),
      );
    }
    if (offset + size < rows.length) {
      body.nextPageToken = Buffer.from(JSON.stringify({ signature, offset: offset + size, upTo })).toString('base64url');
    } else if (requestSyncToken) {
      const token = `sync-${++etags}-${upTo}`;
      tokens.set(token, { seq: upTo, fullSyncAt });
      body.nextSyncToken = token;
    }
    return { status: 200, body };
  });
  const stored = (id: string) => {
    const c = fake.contacts.get(`people/${id}`);
    if (!c) throw new Error(`no contact ${id}`);
    return c;
  };
  const apply = (p: FakePerson, f: { name?: string; email?: string; phone?: string; org?: string }) => {
    const source = { type: 'CONTACT', id: p.metadata.sources[0]!.id };
    if (f.name !== undefined) p.names = [{ metadata: { primary: true, source }, displayName: f.name, unstructuredName: f.name }];
    if (f.email !== undefined) p.emailAddresses = [{ metadata: { primary: true, source }, value: f.email }];
    if (f.phone !== undefined) p.phoneNumbers = [{ metadata: { primary: true, source }, value: f.phone }];
    if (f.org !== undefined) p.organizations = [{ metadata: { primary: true, source }, name: f.org }];
  };
  const touch = (c: Stored, at?: number) => {
    c.seq = ++seq;
    c.person.etag = `%E${++etags}`;
    c.person.metadata.sources[0]!.etag = `#S${etags}`;
    c.person.metadata.sources[0]!.updateTime = new Date(at ?? opts.now()).toISOString();
  };
  const fake: FakeGoogleContacts = Object.assign(base, {
    contacts: new Map<string, Stored>(),
    maxPageSize: 1000,
    syncTokenLifetimeMs: 7 * 86_400_000,
    expiredStatus: EXPIRED_DEFAULT,
    create(id: string, fields: { name?: string; email?: string; phone?: string; org?: string } = {}, at?: number) {
      const person: FakePerson = {
        resourceName: `people/${id}`,
        etag: '',
        metadata: { sources: [{ type: 'CONTACT', id: `src-${id}`, etag: '', updateTime: '' }], objectType: 'PERSON' },
      };
      apply(person, { name: `Contact ${id}`, ...fields });
      const c: Stored = { person, seq: 0 };
      touch(c, at);
      fake.contacts.set(person.resourceName, c);
      return person;
    },
    update(id: string, fields: { name?: string; email?: string; phone?: string; org?: string }, at?: number) {
      const c = stored(id);
      apply(c.person, fields);
      touch(c, at);
      return c.person;
    },
    remove(id: string, at?: number) {
      const c = stored(id);
      c.person.metadata.deleted = true;
      touch(c, at);
    },
    listCalls() {
      return base.requests.filter((r) => r.path === '/v1/people/me/connections').map((r) => Object.fromEntries(r.query));
    },
  });
  return fake;
}
