// Provider webhook bodies as the load generator sends them, each carrying a benchmark marker
// `"bench":{"run":…,"seq":…,"sentAt":…}` that survives delivery byte for byte (OpenTriggers forwards the
// provider payload as the envelope's `payload`; the baseline forwarder forwards the body as it is), so the
// receiver can tell which event arrived and when it was sent without parsing the whole body.
import { createHmac, randomUUID } from 'node:crypto';
import githubIssueOpened from '../../src/integrations/github/fixtures/issues-opened.json' with { type: 'json' };
import slackEnvelope from '../../src/integrations/slack/fixtures/envelope-message-channels.json' with { type: 'json' };

export const MARKER = /"bench":\{"run":"([^"]*)","seq":(\d+),"sentAt":([0-9.eE+-]+)\}/;

export interface Marker {
  run: string;
  seq: number;
  sentAt: number;
}

export function readMarker(body: string): Marker | null {
  const m = MARKER.exec(body);
  if (!m) return null;
  return { run: m[1]!, seq: Number(m[2]), sentAt: Number(m[3]) };
}

const marker = (m: Marker) => `"bench":{"run":"${m.run}","seq":${m.seq},"sentAt":${m.sentAt}}`;

// GitHub's published `issues` / `opened` example (3.4 KB), serialised once; the marker goes in front.
const githubJson = JSON.stringify(githubIssueOpened);

export interface SignedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A GitHub repository-hook delivery: X-GitHub-Event, a fresh X-GitHub-Delivery GUID, X-Hub-Signature-256. */
export function githubDelivery(path: string, secret: string, m: Marker): SignedRequest {
  const body = `{${marker(m)},${githubJson.slice(1)}`;
  return {
    path,
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/bench',
      'x-github-event': 'issues',
      'x-github-delivery': randomUUID(),
      'x-github-hook-id': '1',
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
  };
}

/** A Slack Events API `message.channels` callback addressed to `teamId`, signed with the v0 scheme. */
export function slackEvent(path: string, signingSecret: string, teamId: string, m: Marker): SignedRequest {
  const envelope = {
    ...slackEnvelope,
    team_id: teamId,
    context_team_id: teamId,
    authorizations: [{ ...slackEnvelope.authorizations[0], team_id: teamId }],
    event_id: `Ev${m.run.replace(/[^A-Za-z0-9]/g, '')}${m.seq}`,
    event_time: Math.floor(m.sentAt / 1000),
    event: { ...slackEnvelope.event, ts: `${(m.sentAt / 1000).toFixed(6)}`, event_ts: `${(m.sentAt / 1000).toFixed(6)}` },
  };
  const json = JSON.stringify(envelope);
  // The marker goes inside `event`, which is what a message trigger delivers as its payload.
  const at = json.indexOf('"event":{') + '"event":{'.length;
  const body = `${json.slice(0, at)}${marker(m)},${json.slice(at)}`;
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(body).digest('hex');
  return {
    path,
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': `v0=${signature}`,
    },
  };
}
