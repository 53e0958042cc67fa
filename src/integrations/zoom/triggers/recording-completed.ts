// A meeting's cloud recording is ready (recording.completed). The body's download_token (valid 24 hours,
// per Zoom) is delivered with it: the receiving product needs it to download the files.
import { hostIdParameter, meetingIdParameter } from '../events.js';
import example from '../fixtures/recording-completed.json' with { type: 'json' };
import { zoomEventTrigger } from './zoom-event.js';

export const recordingCompleted = zoomEventTrigger({
  type: 'ZOOM_TRIGGER_RECORDING_COMPLETED',
  event: 'recording.completed',
  title: 'Recording Completed',
  description: 'Trigger when a cloud recording of a meeting in the connected Zoom account is ready to download.',
  parameters: [meetingIdParameter, hostIdParameter],
  example,
  docsUrl: 'https://developers.zoom.us/docs/api/meetings/events/#tag/recording/POSTrecording.completed',
});
