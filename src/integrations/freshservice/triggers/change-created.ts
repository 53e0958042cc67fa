// New changes: `GET /changes?updated_since=…` (https://api.freshservice.com/#list_all_changes). No sort order is
// documented for changes, so none is asked for; the sweep reads every page of the query (sweep.ts).
import { defineTrigger } from '../../../sdk/index.js';
import change from '../fixtures/change.json' with { type: 'json' };
import { parseTime } from '../api.js';
import { sweep } from '../sweep.js';
import { groupIdParameter, inGroup, type GroupParams } from './params.js';

export const changeCreatedTrigger = defineTrigger<GroupParams>({
  type: 'FRESHSERVICE_TRIGGER_CHANGE_CREATED',
  title: 'Change created',
  description:
    'Fires once for each new change request, optionally only of one agent group. Polls the change list by update time; ' +
    'a change counts as new when it was created after the subscription started.',
  parameters: [groupIdParameter],
  examplePayload: change,
  docsUrl: 'https://api.freshservice.com/#list_all_changes',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      sweep(ctx, { path: '/changes', member: 'changes' }, (c, cursor) => {
        const created = parseTime(c.created_at);
        if (!Number.isFinite(created) || created < cursor.createdSince || !inGroup(ctx.params, c.group_id)) return null;
        return { key: String(c.id), payload: c, occurredAt: created };
      }),
  },
});
