import type { ParameterDefinition } from '../../../sdk/index.js';
import type { RecurlyRecord } from '../poll.js';

// Recurly plan codes: up to 50 characters of letters, digits, `@`, `-`, `_` and `.`.
const PLAN_CODE = /^[A-Za-z0-9@\-_.]{1,50}$/;

export interface PlanParams {
  planCode?: string;
}

export const planCodeParameter: ParameterDefinition = {
  id: 'planCode',
  title: 'Plan code',
  type: 'TEXT',
  required: false,
  description: 'Only subscriptions to this plan (its code, e.g. gold). Leave empty for all plans.',
  validate: (value) => {
    if (value === undefined || value === null || value === '') return null;
    return typeof value === 'string' && PLAN_CODE.test(value.trim()) ? null : 'must be a Recurly plan code (letters, digits, @ - _ . ; at most 50)';
  },
};

export function planMatches(params: PlanParams): (r: RecurlyRecord) => boolean {
  const code = typeof params.planCode === 'string' ? params.planCode.trim() : '';
  if (!code) return () => true;
  return (r) => (r.plan && typeof r.plan === 'object' ? (r.plan as { code?: unknown }).code === code : false);
}

export const TRANSACTION_TYPES = ['authorization', 'capture', 'purchase', 'refund', 'verify'] as const;

export interface TransactionParams {
  transactionType?: string;
}

export const transactionTypeParameter: ParameterDefinition = {
  id: 'transactionType',
  title: 'Transaction type',
  type: 'ENUM',
  required: false,
  description: 'Only transactions of this type (purchase, refund, …). Leave empty for all types.',
  options: TRANSACTION_TYPES.map((t) => ({ label: t, value: t })),
};

export function typeMatches(params: TransactionParams): (r: RecurlyRecord) => boolean {
  const t = typeof params.transactionType === 'string' ? params.transactionType : '';
  return t ? (r) => r.type === t : () => true;
}
