// Someone joined a meeting (meeting.participant_joined).
import { hostIdParameter, meetingIdParameter } from '../events.js';
import example from '../fixtures/participant-joined.json' with { type: 'json' };
import { zoomEventTrigger } from './zoom-event.js';

export const participantJoined = zoomEventTrigger({
  type: 'ZOOM_TRIGGER_MEETING_PARTICIPANT_JOINED',
  event: 'meeting.participant_joined',
  title: 'Meeting Participant Joined',
  description: 'Trigger when a participant joins a meeting in the connected Zoom account (each join, rejoins included).',
  parameters: [meetingIdParameter, hostIdParameter],
  example,
  docsUrl: 'https://developers.zoom.us/docs/api/meetings/events/#tag/meeting/POSTmeeting.participant_joined',
});
