import profile from '../fixtures/profile.json' with { type: 'json' };
import { audienceTrigger } from './factory.js';

export const profileUpdatedTrigger = audienceTrigger({
  type: 'MAILCHIMP_TRIGGER_PROFILE_UPDATED',
  title: 'Subscriber profile updated',
  description:
    "Fires when a member's profile (merge fields, interests, email type) is updated (webhook event `profile`). Delivers `{type: \"profile\", fired_at, data: {id, list_id, email, email_type, ip_opt, merges}}`.",
  events: ['profile'],
  examplePayload: profile,
});
