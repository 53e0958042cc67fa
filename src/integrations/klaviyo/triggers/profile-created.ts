// New profiles: polls Get Profiles (`GET /api/profiles`, scope profiles:read) by `created`, oldest first, 100 a page
// (the endpoint's maximum page[size]). https://developers.klaviyo.com/en/reference/get_profiles
import { defineTrigger } from '../../../sdk/index.js';
import profile from '../fixtures/profile.json' with { type: 'json' };
import { pollTimestampList } from '../poll.js';

export const PROFILE_OVERLAP_MS = 2 * 60_000;

export const profileCreatedTrigger = defineTrigger<Record<string, never>>({
  type: 'KLAVIYO_TRIGGER_PROFILE_CREATED',
  title: 'Profile created',
  description:
    'Fires once for each new profile in the Klaviyo account. Polls Get Profiles by creation time; delivers the JSON:API profile resource `{type, id, attributes, links}`.',
  parameters: [],
  examplePayload: profile,
  docsUrl: 'https://developers.klaviyo.com/en/reference/get_profiles',
  source: {
    kind: 'poll',
    poll: (ctx) => pollTimestampList(ctx, { path: '/api/profiles', field: 'created', pageSize: 100, overlapMs: PROFILE_OVERLAP_MS, key: (r) => r.id }),
  },
});
