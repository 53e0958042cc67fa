// The parameters of the Google Calendar triggers, as Paragon declares them (ids, input types, defaults).
import type { ParameterDefinition } from '../../sdk/index.js';

export const calendarIdParameter: ParameterDefinition = {
  id: 'calendarId',
  title: 'Calendar',
  type: 'TEXTAREA',
  required: false,
  defaultValue: 'primary',
  description: "The calendar to watch: a calendar id from calendarList.list, or `primary` (the user's primary calendar, the default).",
  validate: (v) => (typeof v === 'string' && v.length > 1024 ? 'must be at most 1024 characters' : null),
};

export const collapseParameter: ParameterDefinition = {
  id: 'collapseRecurringEventUpdates',
  title: 'Collapse recurring event updates',
  type: 'BOOLEAN_INPUT',
  required: false,
  defaultValue: true,
  description: 'If on, a recurring event is reported once for the whole series instead of once per instance.',
};

export const pastUpdatesParameter: ParameterDefinition = {
  id: 'shouldTriggerOnPastEventUpdates',
  title: 'Trigger on updates to past events',
  type: 'BOOLEAN_INPUT',
  required: false,
  defaultValue: false,
  description: 'If on, updates to events that have already ended are reported too.',
};
