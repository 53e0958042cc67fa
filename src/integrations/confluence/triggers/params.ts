import type { ParameterDefinition } from '../../../sdk/index.js';
import { validateSpaceKey } from '../pages.js';

/** Optional space key narrowing the pages (ANDed into the CQL as `space = "KEY"`). */
export const spaceKeyParameter: ParameterDefinition = {
  id: 'spaceKey',
  title: 'Space key',
  type: 'TEXT',
  required: false,
  description: 'Only pages in this space (its key, e.g. DOCS). Leave empty for every space the user can see.',
  placeholder: 'DOCS',
  validate: validateSpaceKey,
};
