// Maps anything thrown in a route to the contract's error body {message, code, status, meta: {requestId}}.
import type { FastifyError, FastifyReply } from 'fastify';
import { AppError, ERROR_CODES, type ErrorCode } from '../errors.js';

export interface ErrorBody {
  message: string;
  code: string;
  status: number;
  meta: { requestId: string } & Record<string, unknown>;
}

export function errorBody(code: ErrorCode, message: string, requestId: string, details?: Record<string, unknown>): ErrorBody {
  return { message, code, status: ERROR_CODES[code], meta: { requestId, ...(details ?? {}) } };
}

function describeValidation(err: FastifyError): string {
  const v = err.validation?.[0];
  if (!v) return err.message;
  const where = err.validationContext ?? 'body';
  // instancePath is "/parameters/owner" → "body.parameters.owner"; a missing property names itself.
  const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = (v.params as { missingProperty?: string }).missingProperty;
  const extra = (v.params as { additionalProperty?: string }).additionalProperty;
  const field = [where, path, missing ?? extra].filter((s) => s !== undefined && s !== '').join('.');
  if (extra !== undefined) return `${field}: unknown field`;
  return `${field}: ${v.message ?? 'is invalid'}`;
}

export function toErrorResponse(err: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (err instanceof AppError) {
    return { status: err.status, body: errorBody(err.code, err.message, requestId, err.details) };
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    return { status: 400, body: errorBody('VALIDATION_FAILED', describeValidation(fe), requestId) };
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: errorBody('INVALID_JSON', 'request body is not valid JSON', requestId) };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: errorBody('PAYLOAD_TOO_LARGE', 'request body is too large', requestId) };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, body: errorBody('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json', requestId) };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: errorBody('VALIDATION_FAILED', 'invalid content-length', requestId) };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: { message: fe.message, code: 'VALIDATION_FAILED', status: fe.statusCode, meta: { requestId } } };
  }
  return { status: 500, body: errorBody('INTERNAL', 'internal error', requestId) };
}

export function sendError(reply: FastifyReply, err: unknown) {
  const { status, body } = toErrorResponse(err, reply.request.id);
  if (status >= 500) reply.request.log.error({ err }, 'request failed');
  return reply.status(status).send(body);
}
