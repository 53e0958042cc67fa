import type { ParameterDefinition } from '../../../sdk/index.js';

export const storeIdParameter: ParameterDefinition = {
  id: 'storeId',
  title: 'Store ID',
  type: 'TEXT',
  required: true,
  description:
    'The Lemon Squeezy store whose events fire the trigger (its numeric id, shown under Settings → Stores next to the store URL, e.g. #12345). Lemon Squeezy webhooks belong to one store.',
  placeholder: '12345',
  validate: (value) =>
    (typeof value === 'string' && /^#?[1-9]\d{0,11}$/.test(value.trim())) || (typeof value === 'number' && Number.isInteger(value) && value > 0)
      ? null
      : 'must be a Lemon Squeezy store id (a positive whole number, e.g. 12345)',
};

export const lemonSqueezyParameters: ParameterDefinition[] = [storeIdParameter];
