// The public surface of the SDK: integrations import from here only.
export * from './types.js';
export * from './define.js';
export * from './verify/index.js';
export { evaluateCondition, validateCondition } from './filters.js';
