// A meeting ended (meeting.ended).
import { hostIdParameter, meetingIdParameter } from '../events.js';
import example from '../fixtures/meeting-ended.json' with { type: 'json' };
import { zoomEventTrigger } from './zoom-event.js';

export const meetingEnded = zoomEventTrigger({
  type: 'ZOOM_TRIGGER_MEETING_ENDED',
  event: 'meeting.ended',
  title: 'Meeting Ended',
  description: 'Trigger when a meeting ends in the connected Zoom account.',
  parameters: [meetingIdParameter, hostIdParameter],
  example,
  docsUrl: 'https://developers.zoom.us/docs/api/meetings/events/#tag/meeting/POSTmeeting.ended',
});
