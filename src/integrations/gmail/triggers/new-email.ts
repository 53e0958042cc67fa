// GMAIL_TRIGGER_NEW_EMAIL (polling): users.history.list since the stored historyId.
//
// Detection is the mailbox's own change log, never a time window: history.list with
// historyTypes=messageAdded lists exactly the messages added since the stored historyId, whatever their
// dates. Each candidate is fetched (messages.get, format=full: headers and body parts) before delivery,
// then filtered:
//   - labels (`labelIds`, comma-separated): the message must carry all of them; drafts, spam and trash
//     are never reported unless asked for by label; without labels and query, sent mail is not "new email";
//   - query (`query`, Gmail search syntax): decided by Gmail itself, intersecting the query with the
//     message (`(<query>) rfc822msgid:<Message-ID>`). Gmail's search index can lag a message's arrival,
//     so a candidate that does not match yet stays queued and is asked again at the next polls, for
//     QUERY_GRACE_MS, before it is dropped as not matching.
// Keys are message ids, so a message is delivered once per subscription whatever re-reads happen.
//
// Cursor: `{ historyId, baselineAt, lastPollAt, queue }`. The baseline poll stores the profile's current
// historyId and reports nothing. `queue` holds candidates still to examine: more than MAX_FETCH_PER_POLL new
// messages are spread over several polls instead of exhausting the per-user quota in one.
//
// An expired historyId (history.list answers 404; ids usually live a week, sometimes hours) is recovered
// without loss or duplicates: the profile's current historyId is taken FIRST, then messages.list (with
// the query, if any) lists what arrived since the last successful poll minus RECOVERY_OVERLAP_MS (never
// before the baseline); those ids join the queue (already known to match the query) and the engine's
// dedupe by message id drops any the history had already delivered. Mail whose internalDate lies before
// that window (e.g. imported with an old date) cannot be found this way.
import { defineTrigger } from '../../../sdk/index.js';
import {
  GMAIL_HISTORY_DOCS,
  currentHistoryId,
  getMessage,
  matchesQuery,
  messagesAddedSince,
  parseLabelIds,
  passesLabels,
  searchMessageIds,
  wantsSpamOrTrash,
  type GmailMessage,
  type GmailParams,
} from '../gmail.js';
import { messageExample } from '../fixtures/examples.js';

/** messages.get calls per poll (5 quota units each): ~250/min keeps well inside the per-user quota. */
export const MAX_FETCH_PER_POLL = 250;
/** Candidates kept waiting at most; history is not read further while the queue is this long. */
export const MAX_QUEUE = 2000;
/** How long a message that does not match the query yet is asked again (search index lag). */
export const QUERY_GRACE_MS = 10 * 60_000;
/** After an expired historyId, mail this long before the last successful poll is listed again. */
export const RECOVERY_OVERLAP_MS = 60 * 60_000;
const MAX_HISTORY_PAGES = 20;
const MAX_RECOVERY_PAGES = 20;

interface Queued {
  id: string;
  /** When the message was first seen, epoch ms. */
  since: number;
  /** Already known to match the query (listed by a search with it). */
  matched?: boolean;
  /** Listed by a recovery search (a time window): only mail from after the baseline counts. */
  recovered?: boolean;
}

interface Cursor {
  historyId: string;
  /** When the subscription started (the baseline poll). */
  baselineAt: number;
  lastPollAt: number;
  queue: Queued[];
}

function readCursor(c: unknown): Cursor | null {
  if (!c || typeof c !== 'object') return null;
  const o = c as Partial<Cursor>;
  if (typeof o.historyId !== 'string') return null;
  const queue = Array.isArray(o.queue) ? o.queue.filter((q): q is Queued => !!q && typeof q.id === 'string' && typeof q.since === 'number') : [];
  const lastPollAt = typeof o.lastPollAt === 'number' ? o.lastPollAt : 0;
  return { historyId: o.historyId, baselineAt: typeof o.baselineAt === 'number' ? o.baselineAt : lastPollAt, lastPollAt, queue };
}

export const newEmail = defineTrigger<GmailParams>({
  type: 'GMAIL_TRIGGER_NEW_EMAIL',
  title: 'New Email',
  description: 'Trigger when a new email is received in Gmail (optionally with labels or matching a search query).',
  parameters: [
    {
      id: 'labelIds',
      title: 'Label IDs',
      type: 'TEXTAREA',
      required: false,
      description: 'Comma-separated label ids (e.g. INBOX,IMPORTANT or Label_123); a message must carry all of them.',
      validate: (v) => (typeof v === 'string' && parseLabelIds(v).length > 20 ? 'at most 20 labels' : null),
    },
    {
      id: 'query',
      title: 'Search query',
      type: 'TEXTAREA',
      required: false,
      description: 'Only emails matching this Gmail search, e.g. `from:billing@example.com has:attachment`.',
      validate: (v) => (typeof v === 'string' && v.length > 1000 ? 'must be at most 1000 characters' : null),
    },
  ],
  examplePayload: messageExample,
  docsUrl: GMAIL_HISTORY_DOCS,
  source: {
    kind: 'poll',
    async poll(ctx) {
      const startedAt = ctx.now();
      const cursor = readCursor(ctx.cursor);
      if (cursor === null) {
        const { historyId } = await currentHistoryId(ctx.http);
        return { items: [], cursor: { historyId, baselineAt: startedAt, lastPollAt: startedAt, queue: [] } };
      }
      const wanted = parseLabelIds(ctx.params.labelIds);
      const query = ctx.params.query?.trim() ?? '';
      const includeSpamTrash = wantsSpamOrTrash(wanted);
      const queue = [...cursor.queue];
      const known = new Set(queue.map((q) => q.id));
      const enqueue = (id: string, recovered: boolean) => {
        if (known.has(id)) return;
        known.add(id);
        queue.push({ id, since: startedAt, ...(recovered ? { matched: true, recovered: true } : {}) });
      };

      let historyId = cursor.historyId;
      if (queue.length < MAX_QUEUE) {
        const history = await messagesAddedSince(ctx.http, cursor.historyId, {
          ...(wanted[0] !== undefined ? { labelId: wanted[0] } : {}),
          maxIds: MAX_QUEUE - queue.length,
          maxPages: MAX_HISTORY_PAGES,
        });
        if (history.kind === 'ok') {
          for (const id of history.messageIds) enqueue(id, false);
          historyId = history.historyId;
        } else {
          ctx.log.info('Gmail historyId expired (404); recovering with messages.list');
          // Current position first: anything arriving during the recovery is in the next history read.
          historyId = (await currentHistoryId(ctx.http)).historyId;
          // Never before the baseline: mail that was there when the subscription started is not new.
          const from = Math.max(cursor.baselineAt, cursor.lastPollAt - RECOVERY_OVERLAP_MS);
          const afterSeconds = Math.floor(from / 1000) - 1;
          const q = `${query ? `(${query}) ` : ''}after:${afterSeconds}`;
          const ids = await searchMessageIds(ctx.http, q, { labelIds: wanted, includeSpamTrash, maxPages: MAX_RECOVERY_PAGES });
          // Listed newest first; queue them oldest first.
          for (const id of ids.reverse()) enqueue(id, true);
        }
      }

      const items: Array<{ key: string; payload: GmailMessage; occurredAt?: number }> = [];
      const later: Queued[] = [];
      let fetched = 0;
      for (const q of queue) {
        if (fetched >= MAX_FETCH_PER_POLL) {
          later.push(q);
          continue;
        }
        fetched++;
        const message = await getMessage(ctx.http, q.id);
        // Deleted since it arrived, or not what this subscription wants: done with it.
        if (!message || !passesLabels(message, wanted, query !== '')) continue;
        const internalDate = Number(message.internalDate);
        // Search windows have second granularity; the baseline is exact to the millisecond.
        if (q.recovered && !(internalDate > cursor.baselineAt)) continue;
        if (query && !q.matched && !(await matchesQuery(ctx.http, message, query, includeSpamTrash))) {
          if (startedAt - q.since < QUERY_GRACE_MS) later.push(q);
          continue;
        }
        items.push({ key: message.id, payload: message, ...(Number.isFinite(internalDate) ? { occurredAt: internalDate } : {}) });
      }
      return { items, cursor: { historyId, baselineAt: cursor.baselineAt, lastPollAt: startedAt, queue: later } };
    },
  },
});
