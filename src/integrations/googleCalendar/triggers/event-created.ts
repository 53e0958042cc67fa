// GOOGLE_CALENDAR_TRIGGER_EVENT_CREATED (polling): incremental sync with the stored syncToken.
//
// Cursor: `{ syncToken }`. The baseline poll lists the calendar in full (every page) and returns every
// event it found, so the engine records their keys as seen; later polls list only what changed since the
// token and report the events whose key was never seen — i.e. events new to this calendar, including
// invitations to events someone else created earlier. On 410 Gone the calendar is listed in full again
// and every event is returned: the ones already seen (baseline or delivered) are dropped by the engine's
// dedupe on the key, so a resync re-emits nothing.
import { defineTrigger, type Item } from '../../../sdk/index.js';
import { CALENDAR_EVENTS_LIST_DOCS, createdKey, fullList, listEvents, listTarget, type CalendarParams } from '../calendar.js';
import { eventExample } from '../fixtures/examples.js';
import { calendarIdParameter, collapseParameter } from '../parameters.js';

interface Cursor {
  syncToken: string;
}

const readCursor = (c: unknown): Cursor | null =>
  c && typeof c === 'object' && typeof (c as Cursor).syncToken === 'string' ? { syncToken: (c as Cursor).syncToken } : null;

export const eventCreated = defineTrigger<CalendarParams>({
  type: 'GOOGLE_CALENDAR_TRIGGER_EVENT_CREATED',
  title: 'New Event',
  description: 'Trigger when a new Google Calendar Event is created (polling).',
  parameters: [calendarIdParameter, collapseParameter],
  examplePayload: eventExample,
  docsUrl: CALENDAR_EVENTS_LIST_DOCS,
  source: {
    kind: 'poll',
    async poll(ctx) {
      const target = listTarget(ctx.params);
      const collapse = ctx.params.collapseRecurringEventUpdates !== false;
      const cursor = readCursor(ctx.cursor);
      if (cursor === null) {
        const all = await fullList(ctx.http, target);
        // Recorded as seen, never delivered: only the key matters, so keep the stored payload small.
        const seen = new Map<string, Item>();
        for (const e of all.events) seen.set(createdKey(e, collapse), { key: createdKey(e, collapse), payload: { id: e.id } });
        return { items: [...seen.values()], cursor: { syncToken: all.nextSyncToken } };
      }
      let r = await listEvents(ctx.http, target, cursor.syncToken);
      if (r.kind === 'gone') {
        ctx.log.info('sync token expired (410); listing the calendar in full again');
        r = await listEvents(ctx.http, target, null);
        if (r.kind === 'gone') throw new Error('unreachable: a full list cannot be Gone');
      }
      const items = new Map<string, Item>();
      for (const e of r.events) {
        if (e.status === 'cancelled') continue;
        const key = createdKey(e, collapse);
        // Collapsed: a new series and an exception of it share a key; the series itself is the payload.
        if (items.has(key) && typeof e.recurringEventId === 'string') continue;
        const created = typeof e.created === 'string' ? Date.parse(e.created) : Number.NaN;
        items.set(key, { key, payload: e, ...(Number.isNaN(created) ? {} : { occurredAt: created }) });
      }
      return { items: [...items.values()], cursor: { syncToken: r.nextSyncToken } };
    },
  },
});
