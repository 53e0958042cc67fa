import { defineTrigger } from '../../../sdk/index.js';
import page from '../fixtures/page.json' with { type: 'json' };
import { pageTime, pollPages, type ConfluenceParams } from '../pages.js';
import { spaceKeyParameter } from './params.js';

export const pageUpdated = defineTrigger<ConfluenceParams>({
  type: 'CONFLUENCE_TRIGGER_PAGE_UPDATED',
  title: 'Page updated',
  description:
    'Fires once for each new version of a page (optionally only in one space). Version 1 is the creation, not an update. ' +
    'Polls the CQL content search by last modification time; versions made between two polls are reported as the latest one.',
  parameters: [spaceKeyParameter],
  examplePayload: { ...page, version: { ...page.version, number: 2, when: '2026-11-27T10:20:05.512Z' } },
  docsUrl: 'https://developer.atlassian.com/cloud/confluence/rest/v1/api-group-content/#api-wiki-rest-api-content-search-get',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollPages(ctx, 'lastmodified', (p) => {
        const n = p.version?.number;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 2) return null;
        return { key: `${p.id}:${n}`, payload: p, occurredAt: pageTime(p, 'lastmodified') };
      }),
  },
});
