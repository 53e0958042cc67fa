import { userCreated, userDeactivated, userSessionStarted } from '../fixtures/events.js';
import { oktaTrigger } from './okta-trigger.js';

export const userCreatedTrigger = oktaTrigger({
  type: 'OKTA_TRIGGER_USER_CREATED',
  title: 'User created',
  description: 'Fires when a user is created in the Okta org (`user.lifecycle.create`); the new user is the `User` in `target`.',
  eventType: 'user.lifecycle.create',
  examplePayload: userCreated,
});

export const userDeactivatedTrigger = oktaTrigger({
  type: 'OKTA_TRIGGER_USER_DEACTIVATED',
  title: 'User deactivated',
  description: 'Fires when a user is deactivated in the Okta org (`user.lifecycle.deactivate`); the user is the `User` in `target`.',
  eventType: 'user.lifecycle.deactivate',
  examplePayload: userDeactivated,
});

export const userSessionStartedTrigger = oktaTrigger({
  type: 'OKTA_TRIGGER_USER_SIGNED_IN',
  title: 'User signed in',
  description:
    'Fires when a user signs in to Okta (`user.session.start`), successful or not: `outcome.result` is `SUCCESS` or `FAILURE` (filter on it to keep one). The user is the `actor`.',
  eventType: 'user.session.start',
  examplePayload: userSessionStarted,
});
