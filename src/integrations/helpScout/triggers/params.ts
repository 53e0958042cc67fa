import type { ParameterDefinition } from '../../../sdk/index.js';

export const mailboxIdParameter: ParameterDefinition = {
  id: 'mailboxId',
  title: 'Mailbox ID',
  type: 'TEXT',
  required: false,
  description: 'Only conversations in this Help Scout mailbox (inbox) — its id, the number in the mailbox URL. Empty: every mailbox the connected user can see.',
  validate: (value) => (typeof value === 'string' && /^\d{1,15}$/.test(value) ? null : 'must be a Help Scout mailbox id (digits)'),
};
