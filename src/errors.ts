// One table of error codes → HTTP status. Every error body the API sends is
// {message, code, status, meta: {requestId}} (SPEC §3), built from an AppError.

export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  INVALID_PARAMETER: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PROVIDER_REFUSED: 422,
  NO_CREDENTIAL: 422,
  CREDENTIAL_INVALID: 422,
  INTEGRATION_NOT_CONFIGURED: 422,
  RATE_LIMITED: 429,
  PROVIDER_UNAVAILABLE: 502,
  INTERNAL: 500,
  NOT_READY: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_CODES[code];
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const badRequest = (message: string, details?: Record<string, unknown>) =>
  new AppError('VALIDATION_FAILED', message, details);
