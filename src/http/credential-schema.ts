export const credentialBodySchema = {
  type: 'object',
  required: ['integration'],
  additionalProperties: false,
  properties: {
    integration: { type: 'string', minLength: 1, maxLength: 100 },
    accessToken: { type: 'string', minLength: 1, maxLength: 8192 },
    refreshToken: { type: 'string', minLength: 1, maxLength: 8192 },
    apiKey: { type: 'string', minLength: 1, maxLength: 8192 },
    clientId: { type: 'string', minLength: 1, maxLength: 1024 },
    clientSecret: { type: 'string', minLength: 1, maxLength: 8192 },
    expiresAt: { type: ['string', 'integer'] },
    providerAccountId: { type: 'string', minLength: 1, maxLength: 255 },
    extra: { type: 'object', maxProperties: 50 },
  },
} as const;
