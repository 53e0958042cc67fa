import type { ParameterDefinition } from '../../../sdk/index.js';

export const eventTypeIdParameter: ParameterDefinition = {
  id: 'eventTypeId',
  title: 'Event type ID',
  type: 'TEXT',
  required: false,
  description:
    "Only bookings of this event type (its numeric id, shown in the event type's URL in Cal.com). Leave empty for every booking of the connected user.",
  placeholder: '1234',
  validate: (value) =>
    typeof value === 'string' && /^[1-9]\d{0,11}$/.test(value.trim()) ? null : 'must be a Cal.com event type id (a positive whole number, e.g. 1234)',
};

export const calcomParameters: ParameterDefinition[] = [eventTypeIdParameter];
