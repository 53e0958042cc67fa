// The public surface of the SDK: integrations import from here, and integrations of one provider family also
// from providers/<provider>.js (helpers only they need; see docs/adding-an-integration.md).
export * from './types.js';
export * from './define.js';
export * from './verify/index.js';
export { evaluateCondition, validateCondition } from './filters.js';
export * from './polling.js';
export { inboundHeader, inboundJson } from './inbound.js';
export { providerErrorFor, retryAfterMs } from './http-failures.js';
export { hookUrlWithToken, URL_TOKEN } from './url-token.js';
