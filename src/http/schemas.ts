// Shared JSON schemas: they validate requests and generate the OpenAPI document, so the two never drift.
export const errorSchema = {
  type: 'object',
  properties: {
    message: { type: 'string' },
    code: { type: 'string' },
    status: { type: 'integer' },
    meta: { type: 'object', properties: { requestId: { type: 'string' } }, additionalProperties: true },
  },
} as const;

export const uuidParam = { type: 'string', format: 'uuid' } as const;

export const webhookOverrideSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: { type: 'string', minLength: 1, maxLength: 2048 },
    headers: {
      type: 'object',
      maxProperties: 50,
      additionalProperties: { type: 'string', maxLength: 4096 },
      propertyNames: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$" },
    },
    metadata: { type: 'object', maxProperties: 100 },
  },
} as const;

export const subscriptionSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'string' },
    integration: { type: 'string' },
    type: { type: 'string' },
    parameters: { type: 'object', additionalProperties: true },
    status: { type: 'string', enum: ['ACTIVE', 'ERRORED'] },
    error: { type: 'string' },
    dateCreated: { type: 'string' },
    dateLastReceivedEvent: { type: ['string', 'null'] },
    credentialId: { type: ['string', 'null'] },
    webhookOverride: { type: 'object', additionalProperties: true },
  },
} as const;

// Typed loosely on purpose: literal keys would make Fastify restrict reply.status() to these codes.
export const errorResponses: Record<string, unknown> = {
  400: errorSchema,
  401: errorSchema,
  404: errorSchema,
};

export const bearerSecurity = [{ bearerAuth: [] }];
