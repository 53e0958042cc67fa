import type { ParameterDefinition } from '../../../sdk/index.js';

const ID = /^[1-9]\d{0,15}$/;

function idParameter(id: 'formId' | 'tagId', what: 'form' | 'tag', where: string, placeholder: string): ParameterDefinition {
  return {
    id,
    title: what === 'form' ? 'Form ID' : 'Tag ID',
    type: 'TEXT',
    required: false,
    description: `Only this ${what} (its numeric id, ${where}). Leave empty for every ${what}.`,
    placeholder,
    validate: (value) => (typeof value === 'string' && ID.test(value.trim())) || (typeof value === 'number' && ID.test(String(value)))
      ? null
      : `must be a Kit ${what} id (a positive whole number, e.g. ${placeholder})`,
  };
}

export const formIdParameter = idParameter('formId', 'form', "shown in the form's URL in Kit, /forms/<id>/edit", '4521');
export const tagIdParameter = idParameter('tagId', 'tag', "shown in the URL when you open the tag's subscribers in Kit", '77120');
