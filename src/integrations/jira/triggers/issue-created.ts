import { defineTrigger } from '../../../sdk/index.js';
import issue from '../fixtures/issue.json' with { type: 'json' };
import { pollIssues, type JiraParams } from '../issues.js';
import { parseJiraTime } from '../jql.js';
import { jqlQueryParameter } from './params.js';

export const issueCreated = defineTrigger<JiraParams>({
  type: 'JIRA_TRIGGER_ISSUE_CREATED',
  title: 'Issue created',
  description: 'Fires once for each new issue (optionally only issues matching a JQL filter). Polls the JQL search by creation time.',
  parameters: [jqlQueryParameter],
  examplePayload: issue,
  docsUrl: 'https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post',
  source: {
    kind: 'poll',
    poll: (ctx) => pollIssues(ctx, 'created', (i) => ({ key: i.id, payload: i, occurredAt: parseJiraTime(i.fields.created) })),
  },
});
