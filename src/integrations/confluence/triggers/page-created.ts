import { defineTrigger } from '../../../sdk/index.js';
import page from '../fixtures/page.json' with { type: 'json' };
import { pageTime, pollPages, type ConfluenceParams } from '../pages.js';
import { spaceKeyParameter } from './params.js';

export const pageCreated = defineTrigger<ConfluenceParams>({
  type: 'CONFLUENCE_TRIGGER_PAGE_CREATED',
  title: 'Page created',
  description: 'Fires once for each new page (optionally only in one space). Polls the CQL content search by creation time.',
  parameters: [spaceKeyParameter],
  examplePayload: page,
  docsUrl: 'https://developer.atlassian.com/cloud/confluence/rest/v1/api-group-content/#api-wiki-rest-api-content-search-get',
  source: {
    kind: 'poll',
    poll: (ctx) => pollPages(ctx, 'created', (p) => ({ key: p.id, payload: p, occurredAt: pageTime(p, 'created') })),
  },
});
