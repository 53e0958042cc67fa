import { defineTrigger } from '../../../sdk/index.js';
import issue from '../fixtures/issue.json' with { type: 'json' };
import { pollIssues, type JiraParams } from '../issues.js';
import { parseJiraTime } from '../jql.js';
import { jqlQueryParameter } from './params.js';

export const issueUpdated = defineTrigger<JiraParams>({
  type: 'JIRA_TRIGGER_ISSUE_UPDATED',
  title: 'Issue updated',
  description:
    'Fires for each new version of an issue (its `updated` time changed), optionally only issues matching a JQL filter. ' +
    'The creation itself is not an update. Changes within the same millisecond are one event.',
  parameters: [jqlQueryParameter],
  examplePayload: { ...issue, fields: { ...issue.fields, updated: '2026-11-27T21:20:05.512+1100' } },
  docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollIssues(ctx, 'updated', (i) => {
        const updated = parseJiraTime(i.fields.updated);
        // A never-edited issue has updated == created: that version is the creation, not an update.
        if (updated === parseJiraTime(i.fields.created)) return null;
        // The version is the instant, not the string: Jira renders times in the account's zone, which can change.
        return { key: `${i.id}:${updated}`, payload: i, occurredAt: updated };
      }),
  },
});
