// The catalog contract: every built-in trigger is well formed, its verification scheme is valid data
// that round-trips through the one signer and verifier, and the generated catalog doc is current.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/engine/catalog.js';
import { forgettableTriggerTypes } from '../../src/engine/retention.js';
import { validateParameters } from '../../src/engine/parameters.js';
import { integrations } from '../../src/integrations/index.js';
import { schemeProblems, signRequest, signatureForBody, verifyRequest, type VerificationScheme } from '../../src/sdk/index.js';
import { renderCatalog } from '../../scripts/catalog-doc.js';

/** Sets a dot path in a plain object, creating the objects on the way. */
const setPath = (root: Record<string, unknown>, path: string, value: unknown) => {
  const names = path.split('.');
  let node = root;
  for (const name of names.slice(0, -1)) node = (node[name] ??= {}) as Record<string, unknown>;
  node[names.at(-1)!] = value;
};

const roundTrip = (scheme: VerificationScheme) => {
  if (scheme.kind !== 'hmac') return;
  const req = { method: 'POST', url: '/hooks/x', headers: {} as Record<string, string>, rawBody: Buffer.from('{"id":"1","webhookTimestamp":0}'), publicUrl: 'https://ot.example/hooks/x' };
  const now = Date.now();
  const secret = scheme.secretEncoding === 'whsec' ? `whsec_${Buffer.from('k'.repeat(32)).toString('base64')}` : scheme.secretEncoding === 'hex' ? '6b'.repeat(32) : 'a-secret';
  // Body fields the signing string reads ({json:path}) must exist before signing.
  const bodyFields = [...(scheme.signingString ?? '').matchAll(/\{json:([^}]+)\}/g)].map((m) => String(m[1]));
  const fields: Record<string, unknown> = { id: '1' };
  if (scheme.timestampFrom) setPath(fields, scheme.timestampFrom.jsonPath, scheme.timestampFrom.unit === 'ms' ? now : Math.floor(now / 1000));
  for (const path of bodyFields) setPath(fields, path, 'test-value');
  // The JSON document as sent: the body itself, or one multipart field of it (jsonBody, Dropbox Sign).
  const field = scheme.jsonBody?.multipartField;
  const asBody = (json: string) => (field === undefined ? Buffer.from(json) : Buffer.from(`--B0\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${json}\r\n--B0--\r\n`));
  const contentType: Record<string, string> = field === undefined ? {} : { 'content-type': 'multipart/form-data; boundary=B0' };
  let body = scheme.timestampFrom || bodyFields.length > 0 ? asBody(JSON.stringify(fields)) : req.rawBody;
  // Headers the signing string reads (e.g. {header:webhook-id}) must exist before signing.
  const referenced = Object.fromEntries([...(scheme.signingString ?? '').matchAll(/\{header:([^}]+)\}/g)].map((m) => [String(m[1]).toLowerCase(), 'test-value']));
  const signed = { ...req, rawBody: body, headers: { ...contentType, ...referenced } as Record<string, string> };
  signed.headers = { ...contentType, ...referenced, ...signRequest(scheme, signed, { secret }, now) };
  if (scheme.signatureFrom) {
    // The signature is a body field (Lever): the sender writes it into the body it built.
    setPath(fields, scheme.signatureFrom.jsonPath, signatureForBody(scheme, signed, { secret }, now));
    body = asBody(JSON.stringify(fields));
    signed.rawBody = body;
  }
  expect(verifyRequest(scheme, signed, { secret }, now)).toEqual({ ok: true });
  // Tampering with what is signed fails: the body, or — when only body fields are signed — one of them.
  const tampered = scheme.signatureFrom && bodyFields[0] !== undefined
    ? (setPath(fields, bodyFields[0], 'changed'), asBody(JSON.stringify(fields)))
    : Buffer.concat([body, Buffer.from(' ')]);
  expect(verifyRequest(scheme, { ...signed, rawBody: tampered }, { secret }, now).ok).toBe(false);
};

describe('catalog contract', () => {
  it('builds without duplicate integrations or trigger types', () => {
    expect(() => new Catalog(integrations)).not.toThrow();
  });

  it('lets retention forget markers only of triggers whose provider sends no repeat after the period', () => {
    const catalog = new Catalog(integrations);
    const forgettable = (days: number) => [...forgettableTriggerTypes(catalog, days)].map((t) => catalog.trigger(t)!.integration.key);
    // Slack, Linear, Calendly: a week; Stripe: 30 days (a CLI resend). Nothing that polls, catches up or
    // keys items by object (Asana) is in.
    expect(new Set(forgettable(7))).toEqual(new Set(['slack', 'linear', 'calendly']));
    expect(new Set(forgettable(30))).toEqual(new Set(['slack', 'linear', 'calendly', 'stripe']));
    expect(forgettable(6)).toEqual([]);
  });

  for (const integration of integrations) {
    describe(integration.key, () => {
      it('declares auth, a default API base URL and verification that is valid data', () => {
        expect(integration.name).not.toBe('');
        expect(() => new URL(integration.apiBaseUrl)).not.toThrow();
        const auth = integration.auth;
        if (auth.kind === 'oauth2') {
          expect(() => new URL(auth.authorizationUrl)).not.toThrow();
          expect(() => new URL(auth.tokenUrl)).not.toThrow();
        }
        if (integration.appWebhook) {
          expect(schemeProblems(integration.appWebhook.verification)).toEqual([]);
          roundTrip(integration.appWebhook.verification);
        }
      });
      for (const trigger of integration.triggers) {
        it(`${trigger.type} is well formed`, () => {
          expect(trigger.type).toMatch(/^[A-Z][A-Z0-9_]*$/);
          expect(trigger.title).not.toBe('');
          expect(trigger.description).not.toBe('');
          expect(trigger.docsUrl, 'each trigger links the provider doc it follows').toMatch(/^https:\/\//);
          expect(typeof trigger.examplePayload).toBe('object');
          expect(trigger.examplePayload).not.toBeNull();
          // Defaults of every parameter satisfy the parameter's own type.
          const defaults = Object.fromEntries(trigger.parameters.filter((p) => p.defaultValue !== undefined).map((p) => [p.id, p.defaultValue]));
          const required = trigger.parameters.filter((p) => p.required && p.defaultValue === undefined);
          if (required.length === 0) expect(() => validateParameters(trigger.parameters, defaults)).not.toThrow();
          if (trigger.source.kind === 'webhook') {
            expect(schemeProblems(trigger.source.verification)).toEqual([]);
            roundTrip(trigger.source.verification);
          }
        });
      }
    });
  }

  it('docs/catalog.md is generated from the current catalog (npm run docs:catalog)', () => {
    expect(readFileSync(new URL('../../docs/catalog.md', import.meta.url), 'utf8')).toBe(renderCatalog(integrations));
  });
});
