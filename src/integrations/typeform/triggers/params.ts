import type { ParameterDefinition } from '../../../sdk/index.js';
import { validateFormId } from '../api.js';

export const formIdParameter: ParameterDefinition = {
  id: 'formId',
  title: 'Form',
  type: 'TEXT',
  required: true,
  placeholder: 'u6nXL7',
  description: "The form's id: the part after /to/ in its URL (https://mysite.typeform.com/to/u6nXL7 → u6nXL7). The connected account must be able to manage the form's webhooks.",
  validate: validateFormId,
};
