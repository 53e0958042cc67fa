// Reading an inbound provider request in `toItems` / `parse`: its headers and its JSON body.
import type { InboundRequest } from './types.js';

/** A header's value (names are lower case), or undefined when it is missing or empty. */
export function inboundHeader(req: InboundRequest, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The body as a JSON object, or null when it is not one (an array, a scalar, not JSON). The engine has
 * usually parsed it already; a provider that sends JSON under another content type is parsed from the raw
 * bytes here.
 */
export function inboundJson(req: InboundRequest): Record<string, unknown> | null {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
  if (isObject(req.body)) return req.body;
  try {
    const parsed: unknown = JSON.parse(req.rawBody.toString('utf8'));
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}
