import type { ParameterDefinition } from '../../../sdk/index.js';
import { WEBFLOW_ID } from '../api.js';

const idCheck = (what: string) => (value: unknown) =>
  typeof value === 'string' && WEBFLOW_ID.test(value) ? null : `${what} must be a Webflow id (24 hexadecimal characters)`;

export const siteIdParameter: ParameterDefinition = {
  id: 'siteId',
  title: 'Site ID',
  type: 'TEXT',
  required: true,
  description: 'The Webflow site to watch (Site settings → General → Site ID, or `GET /v2/sites`). The connected app must be authorized for it.',
  placeholder: '65427cf400e02b306eaa049c',
  validate: idCheck('siteId'),
};

export const formNameParameter: ParameterDefinition = {
  id: 'formName',
  title: 'Form name',
  type: 'TEXT',
  required: false,
  description: "Only submissions of the form with this name (the form's name in the Designer). Empty: every form of the site.",
  validate: (value) => (value === undefined || value === '' || (typeof value === 'string' && value.length <= 256) ? null : 'formName must be a text of at most 256 characters'),
};

export const collectionIdParameter: ParameterDefinition = {
  id: 'collectionId',
  title: 'Collection ID',
  type: 'TEXT',
  required: false,
  description: 'Only items of this CMS collection. Empty: every collection of the site.',
  validate: (value) => (value === undefined || value === '' ? null : idCheck('collectionId')(value)),
};
