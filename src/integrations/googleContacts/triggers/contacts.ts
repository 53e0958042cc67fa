// The polling source shared by the Google Contacts triggers: people.connections.list with sync tokens.
//
// Cursor: { syncToken?, pageToken?, floor?, syncedAt }
//   syncToken  the token to ask for the changes since the last completed read; absent while a full read is
//              in progress;
//   pageToken  the next page of the read in progress (a read longer than one poll's pages carries on);
//   floor      during a full read that is not the baseline (after an expired token, or a baseline too large
//              for one poll): contacts whose contact source was last updated before it are old and are not
//              delivered;
//   syncedAt   when the last read completed.
//
// Baseline: a full sync, every page (up to BASELINE_MAX_PAGES), every contact recorded as seen and none
// delivered; its last page's nextSyncToken starts the incremental reads. Afterwards each poll reads the
// changes since the token: new and changed contacts, and deleted ones (metadata.deleted). A contact is
// "created" when its resourceName is first seen, "updated" per version of its contact source (updateTime, or
// the person's etag when there is none), "deleted" once.
//
// Expired token (7 days after the full sync, e.g. polling paused that long): Google asks for a full sync.
// The full list is read again, and only contacts updated since the last completed read (minus OVERLAP_MS,
// Google warns of propagation delays of several minutes) can be delivered: old contacts are not. Deletions
// made while the token was dead are not listed by a full sync and are lost (documented).
import { ProviderError, type Item, type PollContext, type PollResult, type PollSource } from '../../../sdk/index.js';
import { contactUpdateTime, listConnections, timeOf, type Person } from '../api.js';

export const MAX_PAGES = 10;
export const BASELINE_MAX_PAGES = 100;
export const OVERLAP_MS = 10 * 60_000;

export type ContactEvent = 'created' | 'updated' | 'deleted';

interface Cursor {
  syncToken?: string;
  pageToken?: string;
  floor?: number;
  syncedAt: number;
}

const optString = (v: unknown) => v === undefined || (typeof v === 'string' && v !== '');

function readCursor(c: unknown): Cursor | null {
  if (c === null || c === undefined) return null;
  const o = c as Partial<Cursor>;
  const valid =
    typeof o === 'object' &&
    typeof o.syncedAt === 'number' &&
    optString(o.syncToken) &&
    optString(o.pageToken) &&
    (o.floor === undefined || typeof o.floor === 'number') &&
    (o.syncToken !== undefined || typeof o.floor === 'number');
  if (!valid) throw new ProviderError('permanent', 'Google Contacts: stored cursor is not valid');
  const out: Cursor = { syncedAt: o.syncedAt! };
  if (o.syncToken !== undefined) out.syncToken = o.syncToken;
  if (o.pageToken !== undefined) out.pageToken = o.pageToken;
  if (o.floor !== undefined) out.floor = o.floor;
  return out;
}

/** The item an event makes of a listed person, or null when the person is not such an event. */
export function itemFor(event: ContactEvent, p: Person): Item | null {
  const deleted = p.metadata?.deleted === true;
  const updateTime = contactUpdateTime(p);
  const at = timeOf(updateTime);
  const when = at !== null ? { occurredAt: at } : {};
  switch (event) {
    case 'created':
      return deleted ? null : { key: p.resourceName, payload: p, ...when };
    case 'updated': {
      const version = updateTime ?? p.etag;
      if (deleted || typeof version !== 'string' || version === '') return null;
      return { key: `${p.resourceName}:${version}`, payload: p, ...when };
    }
    case 'deleted':
      return deleted ? { key: p.resourceName, payload: p, ...when } : null;
  }
}

const done = (syncToken: string, now: number): Cursor => ({ syncToken, syncedAt: now });

/** A full read (baseline, or after an expired token): every contact, old ones filtered out unless baseline. */
async function readFull(ctx: PollContext, event: ContactEvent, cursor: Cursor, baseline: boolean, items: Item[] = []): Promise<PollResult> {
  let pageToken = cursor.pageToken;
  const bound = baseline ? BASELINE_MAX_PAGES : MAX_PAGES;
  for (let pages = 0; pages < bound; pages++) {
    const r = await listConnections(ctx.http, pageToken !== undefined ? { pageToken } : {});
    if (r.kind !== 'ok') throw new ProviderError('transient', 'Google Contacts reported an expired sync token on a full sync');
    for (const p of r.page.people) {
      const item = itemFor(event, p);
      if (item === null) continue;
      if (!baseline && !((timeOf(contactUpdateTime(p)) ?? -Infinity) >= cursor.floor!)) continue;
      items.push(item);
    }
    pageToken = r.page.nextPageToken;
    if (pageToken === undefined) {
      if (r.page.nextSyncToken === undefined) throw new ProviderError('transient', 'Google Contacts: the last page of a full sync carried no nextSyncToken');
      return { items, cursor: done(r.page.nextSyncToken, ctx.now()) };
    }
  }
  ctx.log.warn('Google Contacts: more contacts than one poll reads; the full read carries on from its page token next poll (contacts updated before it are not delivered)', {
    pages: bound,
  });
  return { items, cursor: { pageToken: pageToken!, floor: cursor.floor ?? ctx.now(), syncedAt: cursor.syncedAt } satisfies Cursor };
}

/** The changes since the sync token. */
async function readChanges(ctx: PollContext, event: ContactEvent, cursor: Cursor & { syncToken: string }): Promise<PollResult> {
  const items: Item[] = [];
  let pageToken = cursor.pageToken;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const r = await listConnections(ctx.http, { syncToken: cursor.syncToken, ...(pageToken !== undefined ? { pageToken } : {}) });
    if (r.kind === 'expired') {
      ctx.log.info('Google Contacts: sync token expired; reading all contacts again (only those updated since the last read are delivered)', {});
      return readFull(ctx, event, { floor: cursor.syncedAt - OVERLAP_MS, syncedAt: cursor.syncedAt }, false, items);
    }
    for (const p of r.page.people) {
      const item = itemFor(event, p);
      if (item) items.push(item);
    }
    pageToken = r.page.nextPageToken;
    if (pageToken === undefined) return { items, cursor: done(r.page.nextSyncToken ?? cursor.syncToken, ctx.now()) };
  }
  ctx.log.info('Google Contacts: more changed contacts than one poll reads; continuing from the page token next poll', { pages: MAX_PAGES });
  return { items, cursor: { syncToken: cursor.syncToken, pageToken: pageToken!, syncedAt: cursor.syncedAt } satisfies Cursor };
}

export function contactsSource(event: ContactEvent): PollSource {
  return {
    kind: 'poll',
    async poll(ctx) {
      const cursor = readCursor(ctx.cursor);
      if (cursor === null) return readFull(ctx, event, { syncedAt: ctx.now() }, true);
      if (cursor.syncToken === undefined) return readFull(ctx, event, cursor, false);
      return readChanges(ctx, event, cursor as Cursor & { syncToken: string });
    },
  };
}
