import { defineTrigger } from '../../../sdk/index.js';
import commentCreated from '../fixtures/comment-created.json' with { type: 'json' };
import { boxWebhook, type BoxParams } from '../webhooks.js';
import { folderIdParameter } from './params.js';

export const commentCreatedTrigger = defineTrigger<BoxParams>({
  type: 'BOX_TRIGGER_COMMENT_CREATED',
  title: 'Comment created',
  description:
    "Fires when someone comments on a file in the folder or one of its subfolders (Box `COMMENT.CREATED`). Delivers Box's webhook event with the comment as `source` (its `item` is the file).",
  parameters: [folderIdParameter],
  examplePayload: commentCreated,
  docsUrl: 'https://developer.box.com/guides/webhooks/triggers/',
  source: boxWebhook('COMMENT.CREATED'),
});
