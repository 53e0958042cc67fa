import type { ParameterDefinition } from '../../../sdk/index.js';

export const scopeParameter: ParameterDefinition = {
  id: 'scope',
  title: 'Scope',
  type: 'ENUM',
  required: false,
  defaultValue: 'user',
  description: "Whose bookings: the connected user's own (user), or everyone's in their organization (organization; Calendly admins and owners only).",
  options: [
    { label: 'My bookings', value: 'user' },
    { label: 'All bookings in my organization', value: 'organization' },
  ],
};
