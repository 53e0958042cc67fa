// A meeting started (meeting.started).
import { hostIdParameter, meetingIdParameter } from '../events.js';
import example from '../fixtures/meeting-started.json' with { type: 'json' };
import { zoomEventTrigger } from './zoom-event.js';

export const meetingStarted = zoomEventTrigger({
  type: 'ZOOM_TRIGGER_MEETING_STARTED',
  event: 'meeting.started',
  title: 'Meeting Started',
  description: 'Trigger when a meeting starts in the connected Zoom account.',
  parameters: [meetingIdParameter, hostIdParameter],
  example,
  docsUrl: 'https://developers.zoom.us/docs/api/meetings/events/#tag/meeting/POSTmeeting.started',
});
