import meeting from '../fixtures/meeting.json' with { type: 'json' };
import { salesloftTrigger } from './factory.js';

export const meetingBookedTrigger = salesloftTrigger({
  type: 'SALESLOFT_TRIGGER_MEETING_BOOKED',
  event: 'meeting_booked',
  title: 'Meeting booked',
  description: 'Fires when a meeting is booked through Salesloft — webhook event `meeting_booked`, once per meeting. Delivers the Meeting object.',
  examplePayload: meeting,
});
