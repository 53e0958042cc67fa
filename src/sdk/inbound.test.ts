import { describe, expect, it } from 'vitest';
import { inboundHeader, inboundJson } from './inbound.js';
import type { InboundRequest } from './types.js';

const req = (body: unknown, raw: string, headers: Record<string, string | undefined> = {}): InboundRequest =>
  ({ method: 'POST', url: '/hooks/s/1', headers, rawBody: Buffer.from(raw), body });

describe('inbound request helpers', () => {
  it('reads a header, treating an empty one as missing', () => {
    expect(inboundHeader(req(null, '', { 'x-event': 'push' }), 'x-event')).toBe('push');
    expect(inboundHeader(req(null, '', { 'x-event': '' }), 'x-event')).toBeUndefined();
    expect(inboundHeader(req(null, ''), 'x-event')).toBeUndefined();
  });

  it('gives the parsed JSON object, parses raw JSON sent under another content type, and nothing else', () => {
    expect(inboundJson(req({ a: 1 }, '{"a":1}'))).toEqual({ a: 1 });
    expect(inboundJson(req('{"a":2}', '{"a":2}'))).toEqual({ a: 2 });
    expect(inboundJson(req([1], '[1]'))).toBeNull();
    expect(inboundJson(req('not json', 'not json'))).toBeNull();
    expect(inboundJson(req(null, ''))).toBeNull();
  });
});
