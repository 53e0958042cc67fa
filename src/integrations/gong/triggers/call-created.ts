// New calls: polls List calls (`GET /v2/calls`, scope api:calls:read:basic) by `fromDateTime`/`toDateTime`, optionally
// for one workspace. The key is the call id. https://help.gong.io/apidocs/retrieve-call-data-by-date-range-v2calls-2
import { defineTrigger } from '../../../sdk/index.js';
import call from '../fixtures/call.json' with { type: 'json' };
import { isoTime, listPage } from '../api.js';
import { pollWindow, timeOf } from '../poll.js';
import { workspaceIdParameter } from './params.js';

/** How long after its start time a call may first be listed (recording plus processing) and still be seen. */
export const CALL_LOOKBACK_MS = 12 * 60 * 60_000;

export interface CallParams {
  workspaceId?: string;
}

export interface GongCall {
  id?: unknown;
  started?: unknown;
}

export function callItem(c: GongCall, payload: unknown = c) {
  if (typeof c.id !== 'string' || c.id === '') return null;
  const at = timeOf(c.started);
  return { key: c.id, payload, ...(at !== undefined ? { occurredAt: at } : {}) };
}

export const callCreatedTrigger = defineTrigger<CallParams>({
  type: 'GONG_TRIGGER_CALL_CREATED',
  title: 'New call',
  description:
    'Fires once for each new call Gong has recorded and processed, optionally in one workspace. Polls List calls; delivers the call `{id, url, title, scheduled, started, duration, primaryUserId, direction, system, scope, media, language, workspaceId, …}`. A call appears once Gong has processed it, so after it ends.',
  parameters: [workspaceIdParameter],
  examplePayload: call,
  docsUrl: 'https://help.gong.io/apidocs/retrieve-call-data-by-date-range-v2calls-2',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollWindow<GongCall>(ctx, {
        lookbackMs: CALL_LOOKBACK_MS,
        page: (from, to, cursor) =>
          listPage<GongCall>(ctx.http, {
            method: 'GET',
            path: '/v2/calls',
            field: 'calls',
            query: { fromDateTime: isoTime(from), toDateTime: isoTime(to), workspaceId: ctx.params.workspaceId || undefined },
            cursor,
            now: ctx.now(),
          }),
        item: (c) => callItem(c),
      }),
  },
});
