// A meeting was scheduled (meeting.created).
import { hostIdParameter } from '../events.js';
import example from '../fixtures/meeting-created.json' with { type: 'json' };
import { zoomEventTrigger } from './zoom-event.js';

export const meetingCreated = zoomEventTrigger({
  type: 'ZOOM_TRIGGER_MEETING_CREATED',
  event: 'meeting.created',
  title: 'Meeting Created',
  description: 'Trigger when a meeting is scheduled in the connected Zoom account.',
  parameters: [hostIdParameter],
  example,
  docsUrl: 'https://developers.zoom.us/docs/api/meetings/events/#tag/meeting/POSTmeeting.created',
});
