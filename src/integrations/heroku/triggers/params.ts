import type { ParameterDefinition } from '../../../sdk/index.js';
import { APP_NAME_OR_ID } from '../webhooks.js';

export const appParameter: ParameterDefinition = {
  id: 'app',
  title: 'App',
  type: 'TEXT',
  required: true,
  description: "The Heroku app whose events to receive: its name (as in the Dashboard and `heroku apps`) or its id (a UUID). The connected account must be allowed to manage the app's webhooks.",
  placeholder: 'sample-app-0084',
  validate: (value) => (typeof value === 'string' && APP_NAME_OR_ID.test(value) ? null : 'must be a Heroku app name (lower-case letters, digits and dashes) or app id (UUID)'),
};

export const appParameters: ParameterDefinition[] = [appParameter];
