// New calls hosted by chosen users: polls List calls with extensive data (`POST /v2/calls/extensive`, scope
// api:calls:read:extensive) with `filter.primaryUserIds`, asking for the parties too. The key is the call id.
// https://help.gong.io/apidocs/introduction-2 (Calls → Retrieve detailed call data by various filters)
import { defineTrigger } from '../../../sdk/index.js';
import extensiveCall from '../fixtures/extensive-call.json' with { type: 'json' };
import { isoTime, listPage, parseIdList } from '../api.js';
import { pollWindow } from '../poll.js';
import { CALL_LOOKBACK_MS, callItem, type GongCall } from './call-created.js';
import { primaryUserIdsParameter, workspaceIdParameter } from './params.js';

export interface HostParams {
  primaryUserIds: string;
  workspaceId?: string;
}

interface ExtensiveCall {
  metaData?: GongCall;
  parties?: unknown[];
}

export const callByHostsTrigger = defineTrigger<HostParams>({
  type: 'GONG_TRIGGER_CALL_CREATED_BY_USERS',
  title: 'New call hosted by users',
  description:
    'Fires once for each new call hosted by one of the chosen Gong users (the call\'s `primaryUserId`), optionally in one workspace. Polls List calls with extensive data; delivers `{metaData: {id, url, title, started, primaryUserId, scope, …}, parties: [{name, emailAddress, affiliation, userId, …}]}`.',
  parameters: [primaryUserIdsParameter, workspaceIdParameter],
  examplePayload: extensiveCall,
  docsUrl: 'https://help.gong.io/apidocs/introduction-2',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollWindow<ExtensiveCall>(ctx, {
        lookbackMs: CALL_LOOKBACK_MS,
        page: (from, to, cursor) =>
          listPage<ExtensiveCall>(ctx.http, {
            method: 'POST',
            path: '/v2/calls/extensive',
            field: 'calls',
            body: {
              filter: {
                fromDateTime: isoTime(from),
                toDateTime: isoTime(to),
                primaryUserIds: parseIdList(ctx.params.primaryUserIds),
                ...(ctx.params.workspaceId ? { workspaceId: ctx.params.workspaceId } : {}),
              },
              contentSelector: { exposedFields: { parties: true } },
            },
            cursor,
            now: ctx.now(),
          }),
        item: (c) => (c.metaData ? callItem(c.metaData, c) : null),
      }),
  },
});
