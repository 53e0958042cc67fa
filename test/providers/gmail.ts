// A fake Gmail API v1 over real HTTP (on the shared Google fake: auth, token endpoint, failures).
//
// As documented: users.getProfile (current historyId), users.history.list (startHistoryId required,
// records after it, historyTypes/labelId filters, pageToken paging, the mailbox historyId on the last
// page, HTTP 404 for a start id older than the retained history), users.messages.list (`q` search with a
// small Gmail-syntax matcher, repeated labelIds, includeSpamTrash, newest first, paging), users.messages.get
// (format full/metadata/minimal, 404 when gone). The search index can be made to lag new messages.
import { randomBytes } from 'node:crypto';
import message from '../../src/integrations/gmail/fixtures/message.json' with { type: 'json' };
import { googleError, startGoogleFake, type GoogleFake, type GoogleReply } from './google-calendar.js';

export interface FakeMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  snippet: string;
  historyId: string;
  internalDate: string;
  sizeEstimate: number;
  payload: { headers: Array<{ name: string; value: string }>; [field: string]: unknown };
  [field: string]: unknown;
}

interface HistoryRecord {
  id: number;
  messagesAdded?: Array<{ message: { id: string; threadId: string; labelIds: string[] } }>;
  labelsAdded?: Array<{ message: { id: string; threadId: string }; labelIds: string[] }>;
}

export interface FakeGmail extends GoogleFake {
  emailAddress: string;
  messages: Map<string, FakeMessage>;
  history: HistoryRecord[];
  historyId: number;
  /** Items per history/messages page at most. */
  pageSize: number;
  /** When on, new messages are not found by searches until `indexAll()`. */
  indexLag: boolean;
  /** Adds a message (labels default INBOX, UNREAD) with a messageAdded history record. */
  receive(opts?: { from?: string; subject?: string; body?: string; labelIds?: string[]; messageId?: string | null; internalDate?: number }): FakeMessage;
  addLabels(id: string, labelIds: string[]): void;
  deleteMessage(id: string): void;
  /** History before the current historyId is no longer retained: older start ids answer 404. */
  expireHistory(): void;
  indexAll(): void;
}

const header = (m: FakeMessage, name: string) => m.payload.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value ?? '';

/** A small Gmail search matcher: terms AND-ed, parentheses, `-` negation, the operators the tests use. */
export function matchesSearch(m: FakeMessage, q: string): boolean {
  const tokens: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of q) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (/\s/.test(ch) && depth === 0) {
      if (cur) tokens.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) tokens.push(cur);
  const seconds = (v: string) => (/^\d+$/.test(v) ? Number(v) : Date.parse(v.replace(/\//g, '-')) / 1000);
  const term = (t: string): boolean => {
    if (t.startsWith('-')) return !term(t.slice(1));
    if (t.startsWith('(') && t.endsWith(')')) return matchesSearch(m, t.slice(1, -1));
    const [op, ...rest] = t.split(':');
    const v = rest.join(':').replace(/^"|"$/g, '').toLowerCase();
    const date = Number(m.internalDate) / 1000;
    switch (rest.length > 0 ? op!.toLowerCase() : '') {
      case 'from': return header(m, 'From').toLowerCase().includes(v);
      case 'to': return header(m, 'To').toLowerCase().includes(v);
      case 'subject': return header(m, 'Subject').toLowerCase().includes(v);
      case 'rfc822msgid': return header(m, 'Message-ID').toLowerCase() === v || header(m, 'Message-ID').toLowerCase() === `<${v}>`;
      case 'after': return date > seconds(v);
      case 'before': return date < seconds(v);
      case 'label': case 'in': return m.labelIds.some((l) => l.toLowerCase() === v);
      case 'is': return v === 'unread' ? m.labelIds.includes('UNREAD') : m.labelIds.some((l) => l.toLowerCase() === v);
      default: {
        const word = t.toLowerCase();
        return header(m, 'Subject').toLowerCase().includes(word) || m.snippet.toLowerCase().includes(word);
      }
    }
  };
  return tokens.every(term);
}

export async function startFakeGmail(opts: { now?: () => number; emailAddress?: string } = {}): Promise<FakeGmail> {
  const now = opts.now ?? Date.now;
  const searchable = new Set<string>();
  let oldestHistoryId = 0;
  const pageTokens = new Map<string, { items: unknown[]; offset: number; extra: Record<string, unknown> }>();

  const page = (key: string, all: unknown[], q: URLSearchParams, extra: Record<string, unknown>, max: number): GoogleReply => {
    const pageToken = q.get('pageToken');
    let snap = { items: all, offset: 0, extra };
    if (pageToken !== null) {
      const s = pageTokens.get(pageToken);
      if (!s) return googleError(400, 'invalid', 'Invalid pageToken');
      snap = s;
    }
    const size = Math.max(1, Math.min(Number(q.get('maxResults') ?? String(max)) || max, 500, fake.pageSize));
    const items = snap.items.slice(snap.offset, snap.offset + size);
    const body: Record<string, unknown> = { ...(items.length > 0 ? { [key]: items } : {}) };
    if (snap.offset + size < snap.items.length) {
      const next = randomBytes(8).toString('hex');
      pageTokens.set(next, { ...snap, offset: snap.offset + size });
      body.nextPageToken = next;
    } else Object.assign(body, snap.extra);
    return { status: 200, body };
  };

  const base = await startGoogleFake(({ method, url }) => {
    const p = url.pathname;
    const q = url.searchParams;
    if (!p.startsWith('/gmail/v1/users/me/')) return undefined;
    const rest = p.slice('/gmail/v1/users/me/'.length);
    if (method === 'GET' && rest === 'profile') {
      return { status: 200, body: { emailAddress: fake.emailAddress, messagesTotal: fake.messages.size, threadsTotal: fake.messages.size, historyId: String(fake.historyId) } };
    }
    if (method === 'GET' && rest === 'history') {
      const start = Number(q.get('startHistoryId'));
      if (!q.get('startHistoryId') || !Number.isFinite(start)) return googleError(400, 'invalidArgument', 'Invalid startHistoryId');
      if (start < oldestHistoryId) return googleError(404, 'notFound', 'Requested entity was not found.');
      const types = q.getAll('historyTypes');
      const labelId = q.get('labelId');
      const records = fake.history
        .filter((r) => r.id > start)
        .map((r) => ({
          id: String(r.id),
          ...(r.messagesAdded && (types.length === 0 || types.includes('messageAdded'))
            ? { messagesAdded: r.messagesAdded.filter((a) => !labelId || a.message.labelIds.includes(labelId)) }
            : {}),
          ...(r.labelsAdded && (types.length === 0 || types.includes('labelAdded')) ? { labelsAdded: r.labelsAdded } : {}),
        }))
        .filter((r) => (r.messagesAdded?.length ?? 0) + (r.labelsAdded?.length ?? 0) > 0)
        .map((r) => ({ ...r, messages: [...(r.messagesAdded ?? []), ...(r.labelsAdded ?? [])].map((a) => ({ id: a.message.id, threadId: a.message.threadId })) }));
      return page('history', records, q, { historyId: String(fake.historyId) }, 100);
    }
    if (method === 'GET' && rest === 'messages') {
      const search = q.get('q');
      const labelIds = q.getAll('labelIds');
      const includeSpamTrash = q.get('includeSpamTrash') === 'true';
      const found = [...fake.messages.values()]
        .filter((m) => includeSpamTrash || !m.labelIds.some((l) => l === 'SPAM' || l === 'TRASH'))
        .filter((m) => labelIds.every((l) => m.labelIds.includes(l)))
        .filter((m) => !search || (searchable.has(m.id) && matchesSearch(m, search)))
        .sort((a, b) => Number(b.internalDate) - Number(a.internalDate))
        .map((m) => ({ id: m.id, threadId: m.threadId }));
      return page('messages', found, q, { resultSizeEstimate: found.length }, 100);
    }
    const get = /^messages\/([^/]+)$/.exec(rest);
    if (method === 'GET' && get) {
      const m = fake.messages.get(get[1]!);
      if (!m) return googleError(404, 'notFound', 'Requested entity was not found.');
      const format = q.get('format') ?? 'full';
      if (format === 'minimal') {
        const { payload: _p, ...minimal } = m;
        return { status: 200, body: minimal };
      }
      if (format === 'metadata') return { status: 200, body: { ...m, payload: { ...m.payload, parts: undefined, body: undefined } } };
      return { status: 200, body: structuredClone(m) };
    }
    return undefined;
  });

  let seq = 0;
  const fake: FakeGmail = Object.assign(base, {
    emailAddress: opts.emailAddress ?? 'me@example.com',
    messages: new Map<string, FakeMessage>(),
    history: [] as HistoryRecord[],
    historyId: 4210,
    pageSize: 500,
    indexLag: false,
    receive(o: { from?: string; subject?: string; body?: string; labelIds?: string[]; messageId?: string | null; internalDate?: number } = {}) {
      const id = (BigInt(now()) * 1000n + BigInt(++seq)).toString(16);
      fake.historyId += 1 + Math.floor(Math.random() * 3);
      const subject = o.subject ?? `Message ${seq}`;
      const headers = (message.payload.headers as Array<{ name: string; value: string }>)
        .filter((h) => !['From', 'Subject', 'Message-ID'].includes(h.name))
        .concat(
          { name: 'From', value: o.from ?? 'Some User <someuser@example.com>' },
          { name: 'Subject', value: subject },
          ...(o.messageId === null ? [] : [{ name: 'Message-ID', value: o.messageId ?? `<${id}@mail.example.com>` }]),
        );
      const m: FakeMessage = {
        ...structuredClone(message),
        id, threadId: id, labelIds: o.labelIds ?? ['UNREAD', 'INBOX'], snippet: o.body ?? `${subject} body`,
        historyId: String(fake.historyId), internalDate: String(o.internalDate ?? now()),
        payload: { ...structuredClone(message.payload), headers },
      };
      fake.messages.set(id, m);
      fake.history.push({ id: fake.historyId, messagesAdded: [{ message: { id, threadId: id, labelIds: [...m.labelIds] } }] });
      if (!fake.indexLag) searchable.add(id);
      return structuredClone(m);
    },
    addLabels(id: string, labelIds: string[]) {
      const m = fake.messages.get(id);
      if (!m) throw new Error(`no message ${id}`);
      m.labelIds = [...new Set([...m.labelIds, ...labelIds])];
      fake.historyId += 1;
      fake.history.push({ id: fake.historyId, labelsAdded: [{ message: { id, threadId: m.threadId }, labelIds }] });
    },
    deleteMessage(id: string) {
      fake.messages.delete(id);
      fake.historyId += 1;
    },
    expireHistory() {
      oldestHistoryId = fake.historyId;
    },
    indexAll() {
      for (const id of fake.messages.keys()) searchable.add(id);
    },
  });
  return fake;
}
