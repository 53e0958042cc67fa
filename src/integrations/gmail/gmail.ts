// Gmail API v1 calls used by the triggers: the profile (current historyId), history.list since a
// historyId, messages.list with a search query, messages.get — and the rules that decide whether a new
// message is "new email" for a subscription.
import { ProviderError, type HttpClient } from '../../sdk/index.js';
import { googleRequest } from '../../sdk/providers/google.js';

export const GMAIL_HISTORY_DOCS = 'https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.history/list';

const USER = '/gmail/v1/users/me';
/** history.list and messages.list allow at most 500 per page. */
const PAGE_SIZE = 500;

export interface GmailParams {
  /** Comma-separated label ids; a message must carry all of them. */
  labelIds?: string;
  /** Gmail search syntax, e.g. `from:billing@example.com has:attachment`. */
  query?: string;
}

export interface MessagePartHeader {
  name: string;
  value: string;
}

/** The Message resource (format=full); the fields read here, the rest passes through. */
export interface GmailMessage {
  id: string;
  threadId?: string;
  labelIds?: string[];
  snippet?: string;
  historyId?: string;
  /** Epoch ms, as a string. */
  internalDate?: string;
  payload?: { headers?: MessagePartHeader[]; [field: string]: unknown };
  [field: string]: unknown;
}

interface HistoryPage {
  history?: Array<{ id?: string; messagesAdded?: Array<{ message?: { id?: string } }> }>;
  nextPageToken?: string;
  historyId?: string;
}

interface MessagesPage {
  messages?: Array<{ id?: string; threadId?: string }>;
  nextPageToken?: string;
}

export function parseLabelIds(value: string | undefined): string[] {
  return (value ?? '').split(',').map((l) => l.trim()).filter((l) => l !== '');
}

export async function currentHistoryId(http: HttpClient): Promise<{ historyId: string; emailAddress?: string }> {
  const res = await googleRequest<{ historyId?: unknown; emailAddress?: unknown }>(http, { path: `${USER}/profile` });
  const historyId = res.body?.historyId;
  if (typeof historyId !== 'string' && typeof historyId !== 'number') throw new ProviderError('permanent', 'Gmail answered users.getProfile without a historyId');
  return { historyId: String(historyId), ...(typeof res.body?.emailAddress === 'string' ? { emailAddress: res.body.emailAddress } : {}) };
}

export type HistoryOutcome =
  | { kind: 'ok'; messageIds: string[]; historyId: string; complete: boolean }
  /** The start id is too old or invalid (HTTP 404): a full sync is needed. */
  | { kind: 'expired' };

/**
 * The ids of messages added since `startHistoryId`, oldest first, reading pages until the end or until
 * `maxIds` ids were collected. When stopped early, `historyId` is the last record read (records come in
 * order, and re-reading from there is harmless), and `complete` is false.
 */
export async function messagesAddedSince(http: HttpClient, startHistoryId: string, opts: { labelId?: string; maxIds: number; maxPages: number }): Promise<HistoryOutcome> {
  const ids: string[] = [];
  const seen = new Set<string>();
  let pageToken: string | undefined;
  let lastRecordId: string | undefined;
  for (let page = 0; page < opts.maxPages; page++) {
    const res = await googleRequest<HistoryPage>(http, {
      path: `${USER}/history`,
      query: { startHistoryId, historyTypes: 'messageAdded', maxResults: PAGE_SIZE, labelId: opts.labelId, pageToken },
      allowStatus: [404],
    });
    if (res.status === 404) return { kind: 'expired' };
    for (const record of res.body?.history ?? []) {
      if (typeof record.id === 'string' || typeof record.id === 'number') lastRecordId = String(record.id);
      for (const added of record.messagesAdded ?? []) {
        const id = added.message?.id;
        if (typeof id === 'string' && !seen.has(id)) {
          seen.add(id);
          ids.push(id);
        }
      }
    }
    const next = res.body?.nextPageToken;
    if (!next) {
      const historyId = res.body?.historyId;
      if (typeof historyId !== 'string' && typeof historyId !== 'number') throw new ProviderError('permanent', 'Gmail answered history.list without a historyId');
      return { kind: 'ok', messageIds: ids, historyId: String(historyId), complete: true };
    }
    if (ids.length >= opts.maxIds && lastRecordId !== undefined) return { kind: 'ok', messageIds: ids, historyId: lastRecordId, complete: false };
    pageToken = next;
  }
  if (lastRecordId === undefined) throw new ProviderError('transient', 'Gmail history.list did not end');
  return { kind: 'ok', messageIds: ids, historyId: lastRecordId, complete: false };
}

/** messages.list ids for a search query (newest first, as Gmail lists them), up to `maxPages` pages. */
export async function searchMessageIds(http: HttpClient, q: string, opts: { labelIds?: string[]; includeSpamTrash?: boolean; maxPages: number; pageSize?: number }): Promise<string[]> {
  const ids: string[] = [];
  let pageToken: string | undefined;
  // labelIds is a repeated parameter: it goes in the path's query string (the client's query map holds one value per name).
  const labelQuery = (opts.labelIds ?? []).map((l) => `labelIds=${encodeURIComponent(l)}`).join('&');
  for (let page = 0; page < opts.maxPages; page++) {
    const res = await googleRequest<MessagesPage>(http, {
      path: `${USER}/messages${labelQuery ? `?${labelQuery}` : ''}`,
      query: { q, maxResults: opts.pageSize ?? PAGE_SIZE, includeSpamTrash: opts.includeSpamTrash ? true : undefined, pageToken },
    });
    for (const m of res.body?.messages ?? []) if (typeof m.id === 'string') ids.push(m.id);
    if (!res.body?.nextPageToken) break;
    pageToken = res.body.nextPageToken;
  }
  return ids;
}

/** messages.get format=full; null when the message is gone (deleted since it was listed). */
export async function getMessage(http: HttpClient, id: string): Promise<GmailMessage | null> {
  const res = await googleRequest<GmailMessage>(http, { path: `${USER}/messages/${encodeURIComponent(id)}`, query: { format: 'full' }, allowStatus: [404] });
  if (res.status === 404 || !res.body || typeof res.body.id !== 'string') return null;
  return res.body;
}

export function header(message: GmailMessage, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return message.payload?.headers?.find((h) => typeof h?.name === 'string' && h.name.toLowerCase() === wanted)?.value;
}

const SPAM_OR_TRASH = ['SPAM', 'TRASH'];

/**
 * Whether a new message counts for the subscription's labels. Always excluded unless asked for by
 * label: drafts (every autosave is a new message), spam and trash. Without labels and query, mail the
 * user sent (SENT without INBOX) is excluded too: "new email" is received mail.
 */
export function passesLabels(message: GmailMessage, wanted: string[], hasQuery: boolean): boolean {
  const labels = new Set(message.labelIds ?? []);
  if (labels.has('DRAFT') && !wanted.includes('DRAFT')) return false;
  if (SPAM_OR_TRASH.some((l) => labels.has(l) && !wanted.includes(l))) return false;
  if (wanted.length > 0) return wanted.every((l) => labels.has(l));
  if (!hasQuery && labels.has('SENT') && !labels.has('INBOX')) return false;
  return true;
}

export const wantsSpamOrTrash = (wanted: string[]) => wanted.some((l) => SPAM_OR_TRASH.includes(l));

/**
 * Whether the message matches the subscription's search query, asked of Gmail itself (Gmail's search
 * syntax cannot be re-implemented faithfully): the query is AND-ed with `rfc822msgid:` of the message's
 * Message-ID header, which names exactly that message. Without a Message-ID, a ±1 day `after:`/`before:`
 * window around the message's internalDate is searched for its id.
 */
export async function matchesQuery(http: HttpClient, message: GmailMessage, query: string, includeSpamTrash: boolean): Promise<boolean> {
  const messageId = header(message, 'Message-ID');
  if (messageId && !/\s/.test(messageId)) {
    const ids = await searchMessageIds(http, `(${query}) rfc822msgid:${messageId}`, { includeSpamTrash, maxPages: 1, pageSize: 50 });
    return ids.includes(message.id);
  }
  const at = Math.floor(Number(message.internalDate) / 1000);
  if (!Number.isFinite(at)) return false;
  const ids = await searchMessageIds(http, `(${query}) after:${at - 86_400} before:${at + 86_400}`, { includeSpamTrash, maxPages: 5 });
  return ids.includes(message.id);
}
