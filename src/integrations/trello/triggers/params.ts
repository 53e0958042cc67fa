import type { ParameterDefinition } from '../../../sdk/index.js';
import { TRELLO_ID } from '../webhooks.js';

const idOf = (what: string) => (value: unknown) =>
  typeof value === 'string' && TRELLO_ID.test(value) ? null : `must be the ${what}'s 24-character Trello id (hex), not its name or short link`;

export const boardIdParameter: ParameterDefinition = {
  id: 'boardId',
  title: 'Board',
  type: 'TEXT',
  required: true,
  description: "The board to watch: its 24-character id (from GET /1/members/me/boards, or a board URL's short link with GET /1/boards/{shortLink}?fields=id).",
  placeholder: '5abbe4b7ddc1b351ef961414',
  validate: idOf('board'),
};

export const listIdParameter: ParameterDefinition = {
  id: 'listId',
  title: 'To list',
  type: 'TEXT',
  required: false,
  description: 'Only moves into this list (its 24-character id). Empty: moves into any list of the board.',
  placeholder: '5abbe4b7ddc1b351ef961416',
  validate: (value) => (value === undefined || value === null || value === '' ? null : idOf('list')(value)),
};
