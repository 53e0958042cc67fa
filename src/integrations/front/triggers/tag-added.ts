import type { ParameterDefinition } from '../../../sdk/index.js';
import example from '../fixtures/event-tag.json' with { type: 'json' };
import { frontId } from '../api.js';
import { frontEventTrigger } from './event-trigger.js';

const tagIdParameter: ParameterDefinition = {
  id: 'tagId',
  title: 'Tag',
  type: 'TEXT',
  required: false,
  placeholder: 'tag_2oxhvy',
  description: 'Only when this tag is added (its id, `tag_…`, from `GET /tags`). Leave empty for every tag.',
  validate: frontId('tag', 'tag'),
};

export const tagAddedTrigger = frontEventTrigger({
  type: 'FRONT_TRIGGER_TAG_ADDED',
  frontType: 'tag',
  title: 'Tag added to conversation',
  description: 'Fires once each time a tag is added to a conversation (by a teammate or a rule); `target.data` is the tag.',
  example,
  extraParameters: [tagIdParameter],
  keep: (e, params) => !params.tagId || (e.target?.data as { id?: unknown } | undefined)?.id === params.tagId,
});
