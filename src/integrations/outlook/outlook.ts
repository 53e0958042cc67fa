// Reading Outlook resources through Microsoft Graph v1.0: the message or event a thin notification names, and
// the catch-up reads run after a lifecycle notification (message delta query with a stored deltaLink; for
// events a createdDateTime window).
import { ProviderError, type HttpClient, type Item, type ParameterDefinition } from '../../sdk/index.js';
import { graphId, readAllPages, relativeGraphLink, stripODataContext, type ChangeNotification } from '../../sdk/providers/microsoft-graph.js';

export interface MailboxParams {
  userId: string;
}
export interface MailFolderParams extends MailboxParams {
  mailFolder: string;
}

/** After an expired delta token, mail received this long before the last sync is read again. */
export const RESYNC_OVERLAP_MS = 60 * 60_000;
/** Page size of delta rounds (`Prefer: odata.maxpagesize`). */
const DELTA_PAGE = { prefer: 'odata.maxpagesize=50' };

export const userIdParameter: ParameterDefinition = {
  id: 'userId', title: 'Mailbox user', type: 'TEXT', required: false, defaultValue: 'me',
  description: '`me` (the connected account) or the id / userPrincipalName of a mailbox shared with it.',
  validate: graphId,
};
export const mailFolderParameter: ParameterDefinition = {
  id: 'mailFolder', title: 'Mail folder', type: 'TEXT', required: false, defaultValue: 'inbox',
  description: 'A well-known folder name (inbox, archive, sentitems, junkemail, …) or a mail folder id.',
  validate: graphId,
};

const enc = encodeURIComponent;
const isMe = (userId: string) => userId.toLowerCase() === 'me';
/** The mailbox as a request path. */
export const mailboxPath = (p: MailboxParams) => (isMe(p.userId) ? '/me' : `/users/${enc(p.userId)}`);
/** The mailbox as a subscription resource (Graph's documented forms, ids unencoded). */
export const mailboxResource = (p: MailboxParams) => (isMe(p.userId) ? '/me' : `/users/${p.userId}`);

/** OData DateTimeOffset literal, whole seconds. */
export const odataTime = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** The id a notification names: resourceData.id, else the last segment of `resource` (`…/Messages/{id}` or `…/Messages('{id}')`). */
export function notifiedId(n: ChangeNotification): string | null {
  if (typeof n.resourceData?.id === 'string' && n.resourceData.id !== '') return n.resourceData.id;
  const m = /\/(?:messages|events)(?:\/|\(')([^/']+)'?\)?$/i.exec(n.resource ?? '');
  return m?.[1] ?? null;
}

interface OutlookItem extends Record<string, unknown> {
  id: string;
  createdDateTime?: string;
  receivedDateTime?: string;
  '@removed'?: unknown;
}

const itemOf = (o: OutlookItem, at: string | undefined): Item => ({ key: o.id, payload: o, ...(at ? { occurredAt: Date.parse(at) } : {}) });
export const messageItem = (m: OutlookItem) => itemOf(m, m.receivedDateTime);
export const eventItem = (e: OutlookItem) => itemOf(e, e.createdDateTime);

async function fetchById(http: HttpClient, path: string): Promise<OutlookItem | null> {
  const res = await http.request<OutlookItem>({ path, allowStatus: [404] });
  // 404: deleted or moved away before we looked (a message id changes when it moves folders).
  if (res.status === 404 || typeof res.body?.id !== 'string') return null;
  return stripODataContext(res.body);
}

// ── mail ──────────────────────────────────────────────────────────────────────────────────────────────
export async function fetchMessage(http: HttpClient, params: MailboxParams, n: ChangeNotification): Promise<Item | null> {
  const id = notifiedId(n);
  if (!id) return null;
  const m = await fetchById(http, `${mailboxPath(params)}/messages/${enc(id)}`);
  return m ? messageItem(m) : null;
}

export interface MailCursor {
  /** Where the next delta round starts. */
  deltaLink: string | null;
  /** When the last round started. */
  syncedAt: number;
}

/** A new delta round of messages created in the folder, received at or after `fromMs` (https://learn.microsoft.com/graph/api/message-delta). */
function newMailRound(http: HttpClient, params: MailFolderParams, fromMs: number) {
  return readAllPages<OutlookItem>(http, {
    path: `${mailboxPath(params)}/mailFolders/${enc(params.mailFolder)}/messages/delta`,
    query: { changeType: 'created', $filter: `receivedDateTime ge ${odataTime(fromMs)}` },
    headers: DELTA_PAGE,
  });
}

/** Graph's answer to a delta token it no longer knows (410 Gone / SyncStateNotFound). */
const syncStateLost = (err: unknown) => err instanceof ProviderError && (err.status === 410 || /sync ?state/i.test(err.message));

/** The baseline delta round at subscribe time: its messages existed before the subscription and are dropped. */
export async function startMailCursor(http: HttpClient, params: MailFolderParams, baselineAt: number): Promise<MailCursor> {
  const r = await newMailRound(http, params, baselineAt - 60_000);
  return { deltaLink: r.deltaLink, syncedAt: baselineAt };
}

export async function mailCatchUp(http: HttpClient, params: MailFolderParams, cursor: unknown, baselineAt: number, now: number): Promise<{ items: Item[]; cursor: MailCursor }> {
  const c = (cursor ?? {}) as Partial<MailCursor>;
  let round: { values: OutlookItem[]; deltaLink: string | null } | null = null;
  if (typeof c.deltaLink === 'string') {
    try {
      round = await readAllPages<OutlookItem>(http, { path: relativeGraphLink(c.deltaLink), headers: DELTA_PAGE });
    } catch (err) {
      if (!syncStateLost(err)) throw err;
    }
  }
  let restarted = false;
  if (round === null) {
    // No usable token: start a new round from a while before the last sync; the keys drop what was already
    // delivered, and mail received before the subscription (the round's filter has whole seconds) is cut.
    round = await newMailRound(http, params, Math.max(baselineAt, (Number(c.syncedAt) || baselineAt) - RESYNC_OVERLAP_MS));
    restarted = true;
  }
  const items = round.values
    .filter((m) => m['@removed'] === undefined && typeof m.id === 'string')
    .filter((m) => !restarted || (typeof m.receivedDateTime === 'string' && Date.parse(m.receivedDateTime) >= baselineAt))
    .map((m) => messageItem(m));
  return { items, cursor: { deltaLink: round.deltaLink, syncedAt: now } };
}

// ── events ────────────────────────────────────────────────────────────────────────────────────────────
export async function fetchEvent(http: HttpClient, params: MailboxParams, n: ChangeNotification): Promise<Item | null> {
  const id = notifiedId(n);
  if (!id) return null;
  const e = await fetchById(http, `${mailboxPath(params)}/events/${enc(id)}`);
  return e ? eventItem(e) : null;
}

/** Events (single instances and series masters) created since the later of `since` and the baseline. */
export async function eventsCreatedSince(http: HttpClient, params: MailboxParams, since: number, baselineAt: number): Promise<Item[]> {
  const { values } = await readAllPages<OutlookItem>(http, {
    path: `${mailboxPath(params)}/events`,
    query: { $filter: `createdDateTime ge ${odataTime(Math.max(since, baselineAt))}`, $orderby: 'createdDateTime', $top: '50' },
  });
  return values
    .filter((e) => typeof e.id === 'string' && typeof e.createdDateTime === 'string' && Date.parse(e.createdDateTime) >= baselineAt)
    .map((e) => eventItem(e));
}
