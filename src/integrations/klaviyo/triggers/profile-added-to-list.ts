// Profiles added to a list: polls Get Profiles for List (`GET /api/lists/{id}/profiles`, scopes lists:read and
// profiles:read) by `joined_group_at`, oldest first, 100 a page. The key is the profile id and its join time, so a
// profile that leaves the list and joins again fires again. https://developers.klaviyo.com/en/reference/get_profiles_for_list
import { defineTrigger } from '../../../sdk/index.js';
import listProfile from '../fixtures/list-profile.json' with { type: 'json' };
import { validateId } from '../api.js';
import { pollTimestampList } from '../poll.js';

export const LIST_OVERLAP_MS = 2 * 60_000;

export interface ListParams {
  listId: string;
}

export const profileAddedToListTrigger = defineTrigger<ListParams>({
  type: 'KLAVIYO_TRIGGER_PROFILE_ADDED_TO_LIST',
  title: 'Profile added to list',
  description:
    'Fires once each time a profile joins the chosen list. Polls the list\'s profiles by join time (`joined_group_at`); delivers the profile resource, `attributes.joined_group_at` included.',
  parameters: [
    {
      id: 'listId',
      title: 'List',
      type: 'TEXT',
      required: true,
      placeholder: 'Y6nRLr',
      description: 'The list id: the last part of the list\'s URL in Klaviyo (…/list/Y6nRLr), or `id` from Get Lists.',
      validate: validateId('list'),
    },
  ],
  examplePayload: listProfile,
  docsUrl: 'https://developers.klaviyo.com/en/reference/get_profiles_for_list',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollTimestampList(ctx, {
        path: `/api/lists/${encodeURIComponent(ctx.params.listId)}/profiles`,
        field: 'joined_group_at',
        pageSize: 100,
        overlapMs: LIST_OVERLAP_MS,
        key: (r, at) => `${r.id}:${at}`,
      }),
  },
});
