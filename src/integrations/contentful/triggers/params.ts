import type { ParameterDefinition } from '../../../sdk/index.js';

// Contentful resource ids: 1 to 64 letters, digits, dots, hyphens or underscores (CMA "Resource IDs").
const RESOURCE_ID = /^[a-zA-Z0-9-_.]{1,64}$/;
const idCheck = (what: string) => (value: unknown) =>
  typeof value === 'string' && RESOURCE_ID.test(value.trim()) ? null : `must be a Contentful ${what} id (1–64 letters, digits, '.', '-' or '_')`;

export const spaceIdParameter: ParameterDefinition = {
  id: 'spaceId',
  title: 'Space ID',
  type: 'TEXT',
  required: true,
  description: 'The space whose changes fire the trigger (Settings → General settings → Space ID). The token must be able to manage its webhooks (a space admin).',
  placeholder: 'yadj1kx9rmg0',
  validate: idCheck('space'),
};

export const environmentIdParameter: ParameterDefinition = {
  id: 'environmentId',
  title: 'Environment ID',
  type: 'TEXT',
  required: false,
  description: 'Only changes in this environment or environment alias (e.g. master). Leave empty for every environment of the space.',
  placeholder: 'master',
  validate: idCheck('environment'),
};

export const contentTypeIdParameter: ParameterDefinition = {
  id: 'contentTypeId',
  title: 'Content type ID',
  type: 'TEXT',
  required: false,
  description: "Only entries of this content type (its API identifier, shown in the content model). Leave empty for every entry.",
  placeholder: 'blogPost',
  validate: idCheck('content type'),
};

export const entryParameters: ParameterDefinition[] = [spaceIdParameter, environmentIdParameter, contentTypeIdParameter];
export const assetParameters: ParameterDefinition[] = [spaceIdParameter, environmentIdParameter];

export const FILTERS_NOTE = 'Optionally only one environment (and, for entries, one content type), filtered by Contentful.';
