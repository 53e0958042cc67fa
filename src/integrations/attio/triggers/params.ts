import type { ParameterDefinition } from '../../../sdk/index.js';

/** The Attio object a record trigger watches: its API slug (people, companies, deals, a custom object) or id. */
export const objectParameter: ParameterDefinition = {
  id: 'object',
  title: 'Object',
  type: 'TEXT',
  required: true,
  description: 'The object to watch: its API slug (people, companies, deals, or a custom object\'s slug) or its id.',
  placeholder: 'people',
  validate: (value) =>
    typeof value === 'string' && /^[A-Za-z0-9_-]{1,100}$/.test(value)
      ? null
      : 'object must be an Attio object API slug (e.g. people, companies, deals) or object id: letters, digits, "_" or "-", at most 100 characters',
};
