// Custom triggers (issue 4 item 6; docs/custom-triggers.md): a project declares its own polling or webhook
// trigger as JSON through the admin API. Definitions are validated strictly here (every message names the
// field), stored as data, and compiled into ordinary TriggerDefinitions, so the engine (subscribe, poll,
// ingest, renew) treats them exactly like built-in ones. `ProjectCatalogs` merges them into each project's
// catalog, cached per project and rebuilt when they change.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../errors.js';
import {
  ProviderError,
  schemeProblems,
  type AnyTriggerDefinition,
  type HttpRequest,
  type IntegrationDefinition,
  type Item,
  type ParameterDefinition,
  type PollSource,
  type VerificationScheme,
  type WebhookSource,
} from '../sdk/index.js';
import type { CustomTrigger, Storage } from '../storage/port.js';
import { Catalog } from './catalog.js';

// ── the definition, as data ──────────────────────────────────────────────────────────────────────────
const MAX_DEFINITION_BYTES = 64 * 1024;
const INPUT_TYPES = ['TEXT', 'TEXT_NO_VARS', 'TEXTAREA', 'NUMBER', 'BOOLEAN_INPUT', 'SWITCH', 'ENUM', 'CONDITIONAL', 'EMAIL', 'URL', 'DATE'] as const;
/** Placeholder names the engine fills in; parameters may not use them. */
const RESERVED = ['hookUrl', 'secret', 'hookId'] as const;
export const CUSTOM_TYPE_PATTERN = /^[A-Z][A-Z0-9_]{2,99}$/;
const INTEGRATION_KEY = /^[a-zA-Z][a-zA-Z0-9]{0,63}$/;

const text = (max: number) => z.string().max(max);
const nonEmpty = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const dotPath = z.string().max(200).regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'must be a dot path such as data.items or id');
const optionalDotPath = z.union([z.literal(''), dotPath]);
const relativePath = z.string().max(2048).regex(/^\/[^\s]*$/, 'must be a path starting with / (relative to the integration apiBaseUrl)');
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'must be an HTTP header name').transform((h) => h.toLowerCase());
const httpUrl = z.string().max(2048).url('must be a URL').refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

const parameterSchema = z.object({
  id: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, 'must start with a letter and contain only letters, digits and _')
    .refine((id) => !(RESERVED as readonly string[]).includes(id), `is reserved (${RESERVED.join(', ')})`),
  title: nonEmpty(200),
  type: z.enum(INPUT_TYPES),
  required: z.boolean().default(false),
  description: text(2000).optional(),
  placeholder: text(500).optional(),
  defaultValue: z.union([z.string().max(10_000), z.number(), z.boolean()]).optional(),
  options: z.array(z.object({ label: nonEmpty(200), value: nonEmpty(500) }).strict()).max(200).optional(),
}).strict().superRefine((p, ctx) => {
  if (p.type === 'ENUM' && (!p.options || p.options.length === 0)) ctx.addIssue({ code: 'custom', path: ['options'], message: 'an ENUM parameter needs options' });
  if (p.type !== 'ENUM' && p.options) ctx.addIssue({ code: 'custom', path: ['options'], message: 'only ENUM parameters take options' });
});

const signedBase = {
  header: headerName,
  prefix: text(100).optional(),
  encoding: z.enum(['hex', 'base64']),
  signingString: text(500).optional(),
  timestampHeader: headerName.optional(),
  timestampUnit: z.enum(['s', 'ms']).optional(),
  timestampFrom: z.object({ jsonPath: dotPath, unit: z.enum(['s', 'ms']) }).strict().optional(),
  toleranceSeconds: z.number().positive().max(86_400).optional(),
  multiple: z.object({ separator: z.string().min(1).max(5) }).strict().optional(),
  decodeUrlSequences: z.array(z.string()).max(50).optional(),
};
const verificationSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('hmac'),
    algorithm: z.enum(['sha256', 'sha1', 'sha512']),
    secretEncoding: z.enum(['utf8', 'base64', 'whsec', 'hex']).optional(),
    structuredHeader: z.object({ timestampKey: nonEmpty(20), signatureKey: nonEmpty(20), pairSeparator: z.string().min(1).max(5), kvSeparator: z.string().min(1).max(5) }).strict().optional(),
    ...signedBase,
  }).strict(),
  z.object({
    kind: z.literal('asymmetric'),
    algorithm: z.enum(['ed25519', 'ecdsa-p256-sha256', 'rsa-sha256']),
    dsaEncoding: z.enum(['der', 'ieee-p1363']).optional(),
    ...signedBase,
  }).strict(),
  z.object({
    kind: z.literal('sharedSecret'),
    header: headerName.optional(),
    prefix: text(100).optional(),
    jsonPath: z.string().max(200).optional(),
    queryParam: z.string().max(100).optional(),
  }).strict(),
  z.object({
    kind: z.literal('jwt'),
    algorithm: z.literal('HS256'),
    header: headerName,
    leewaySeconds: z.number().int().min(0).max(300).optional(),
  }).strict(),
  // Accepted by the parser only to refuse it with a clear message below.
  z.object({ kind: z.literal('none'), reason: z.string().optional() }).strict(),
]);

const requestTemplate = (methods: [string, ...string[]]) => z.object({
  method: z.enum(methods),
  path: relativePath,
  query: z.record(z.string().max(500)).optional(),
  body: z.unknown().optional(),
}).strict();

const pollSourceSchema = z.object({
  kind: z.literal('poll'),
  path: relativePath,
  query: z.record(z.string().max(500)).optional(),
  itemsPath: optionalDotPath,
  keyField: dotPath,
  timestampField: dotPath,
  timestampFormat: z.enum(['iso', 'unixSeconds', 'unixMs']).optional(),
  since: z.object({ param: nonEmpty(100), format: z.enum(['iso', 'unixSeconds', 'unixMs']) }).strict().optional(),
  paging: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('cursor'), param: nonEmpty(100), cursorPath: dotPath }).strict(),
    z.object({ kind: z.literal('page'), param: nonEmpty(100), start: z.number().int().min(0).max(1_000_000).default(1) }).strict(),
  ]).optional(),
  maxPages: z.number().int().min(1).max(50).default(10),
}).strict();

const webhookSourceSchema = z.object({
  kind: z.literal('webhook'),
  verification: verificationSchema,
  secret: z.enum(['generated', 'setupResponse', 'integrationConfig']),
  setup: requestTemplate(['POST', 'PUT', 'PATCH']).extend({ idPath: dotPath.optional(), secretPath: dotPath.optional() }).strict().optional(),
  teardown: requestTemplate(['DELETE', 'POST', 'PUT', 'PATCH']).optional(),
  itemsPath: optionalDotPath.default(''),
  keyField: dotPath,
  timestampField: dotPath.optional(),
  timestampFormat: z.enum(['iso', 'unixSeconds', 'unixMs']).optional(),
  deliveryIdHeader: headerName.optional(),
}).strict();

const definitionSchema = z.object({
  integration: z.string().regex(INTEGRATION_KEY, 'must be an integration key: a letter, then letters and digits'),
  integrationName: nonEmpty(200).optional(),
  auth: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('apiKey'), header: headerName, prefix: text(100).optional() }).strict(),
    z.object({ kind: z.literal('bearer') }).strict(),
  ]).optional(),
  apiBaseUrl: httpUrl.optional(),
  title: nonEmpty(200),
  description: text(2000).default(''),
  parameters: z.array(parameterSchema).max(30).default([]),
  examplePayload: z.unknown().optional(),
  source: z.discriminatedUnion('kind', [pollSourceSchema, webhookSourceSchema]),
}).strict();

export type CustomTriggerDefinition = z.infer<typeof definitionSchema>;
type PollDef = z.infer<typeof pollSourceSchema>;
type WebhookDef = z.infer<typeof webhookSourceSchema>;

const invalid = (field: string, message: string) => new AppError('VALIDATION_FAILED', `${field}: ${message}`, { parameter: field });

function issuePath(path: Array<string | number>): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`), '');
}

// ── templates ────────────────────────────────────────────────────────────────────────────────────────
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

function placeholdersIn(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') for (const m of value.matchAll(PLACEHOLDER)) out.add(m[1] ?? '');
  else if (Array.isArray(value)) for (const v of value) placeholdersIn(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) placeholdersIn(v, out);
  return out;
}

type Values = Record<string, unknown>;
const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** A path segment value: URL-encoded, and never `.`/`..` (which URL resolution would walk). */
function pathValue(v: unknown): string {
  const s = encodeURIComponent(asText(v));
  return s === '.' || s === '..' ? s.replace(/\./g, '%2E') : s;
}

function fillPath(template: string, values: Values): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    const v = values[name];
    if (v === undefined || v === null || v === '') throw new ProviderError('permanent', `the URL needs {${name}}, which has no value`);
    return pathValue(v);
  });
}

/** Query values: `"{x}"` alone is dropped when x has no value; mixed text gets the value as text. */
function fillQuery(template: Record<string, string> | undefined, values: Values): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(template ?? {})) {
    const whole = /^\{([A-Za-z][A-Za-z0-9_]*)\}$/.exec(t);
    if (whole) {
      const v = values[whole[1] ?? ''];
      if (v !== undefined && v !== null && v !== '') out[k] = asText(v);
      continue;
    }
    out[k] = t.replace(PLACEHOLDER, (_m, name: string) => {
      const v = values[name];
      return v === undefined || v === null ? '' : asText(v);
    });
  }
  return out;
}

/** JSON body: a string that is exactly `"{x}"` becomes x's value (any JSON type); others interpolate. */
function fillBody(template: unknown, values: Values): unknown {
  if (typeof template === 'string') {
    const whole = /^\{([A-Za-z][A-Za-z0-9_]*)\}$/.exec(template);
    if (whole) return values[whole[1] ?? ''] ?? null;
    return template.replace(PLACEHOLDER, (_m, name: string) => {
      const v = values[name];
      return v === undefined || v === null ? '' : asText(v);
    });
  }
  if (Array.isArray(template)) return template.map((t) => fillBody(t, values));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillBody(v, values)]));
  }
  return template;
}

export function getPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let cur: unknown = value;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? (/^\d+$/.test(seg) ? cur[Number(seg)] : undefined) : (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

export type TimestampFormat = 'iso' | 'unixSeconds' | 'unixMs';

/**
 * Epoch ms from an item's timestamp. With a declared format the value is read that way; without one, a
 * number (or numeric string) below 1e11 is taken as seconds and above as milliseconds (1e11 s is the
 * year 5138, 1e11 ms is 1973), and any other string as an ISO-8601 date.
 */
export function parseTimestamp(v: unknown, format?: TimestampFormat): number | undefined {
  const numeric = typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : undefined;
  if (format === 'unixSeconds' || format === 'unixMs') {
    if (numeric === undefined || !Number.isFinite(numeric)) return undefined;
    return Math.round(format === 'unixSeconds' ? numeric * 1000 : numeric);
  }
  if (numeric !== undefined && format === undefined) return Number.isFinite(numeric) ? Math.round(numeric < 1e11 ? numeric * 1000 : numeric) : undefined;
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

function formatSince(ms: number, format: 'iso' | 'unixSeconds' | 'unixMs'): string {
  if (format === 'iso') return new Date(ms).toISOString();
  return String(format === 'unixSeconds' ? Math.floor(ms / 1000) : ms);
}

function itemKey(item: unknown, keyField: string): string | undefined {
  const k = getPath(item, keyField);
  return typeof k === 'string' && k !== '' ? k : typeof k === 'number' && Number.isFinite(k) ? String(k) : undefined;
}

// ── validation ───────────────────────────────────────────────────────────────────────────────────────
export interface ValidationContext {
  /** The built-in catalog (custom triggers never shadow built-in integrations' triggers). */
  builtin: Catalog;
  /** The project's other custom triggers (same type excluded). */
  others: readonly CustomTrigger[];
}

/** Parse and check a definition; throws a 400 naming the first bad field. */
export function validateCustomTrigger(type: string, body: unknown, vc: ValidationContext): CustomTriggerDefinition {
  if (!CUSTOM_TYPE_PATTERN.test(type)) throw invalid('type', 'must be UPPER_SNAKE_CASE, 3 to 100 characters (e.g. ACME_TRIGGER_ORDER_CREATED)');
  if (vc.builtin.trigger(type)) throw new AppError('CONFLICT', `type: ${type} is a built-in trigger; choose another type name`, { parameter: 'type' });
  if (JSON.stringify(body ?? null).length > MAX_DEFINITION_BYTES) throw invalid('body', `definition must be at most ${MAX_DEFINITION_BYTES} bytes of JSON`);
  const parsed = definitionSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(issue ? issuePath(issue.path) || 'body' : 'body', issue?.message ?? 'is invalid');
  }
  const def = parsed.data;
  const builtin = vc.builtin.integration(def.integration);
  if (builtin) {
    for (const f of ['auth', 'apiBaseUrl', 'integrationName'] as const) {
      if (def[f] !== undefined) throw invalid(f, `${def.integration} is a built-in integration: its custom triggers use its own ${f === 'integrationName' ? 'name' : f} (apiBaseUrl can be overridden per project in the integration configuration)`);
    }
  } else {
    if (!def.auth) throw invalid('auth', `${def.integration} is not a built-in integration, so declare how its credential is sent: {"kind":"apiKey","header":"x-api-key"} or {"kind":"bearer"}`);
    if (!def.apiBaseUrl) throw invalid('apiBaseUrl', `${def.integration} is not a built-in integration, so its apiBaseUrl is required`);
    const sibling = vc.others.find((o) => o.integration === def.integration);
    if (sibling) {
      const s = sibling.definition as Partial<CustomTriggerDefinition>;
      for (const f of ['auth', 'apiBaseUrl', 'integrationName'] as const) {
        if (JSON.stringify(s[f] ?? null) !== JSON.stringify(def[f] ?? null)) {
          throw invalid(f, `differs from custom trigger ${sibling.type} of the same integration ${def.integration}; all custom triggers of one integration share auth, apiBaseUrl and integrationName`);
        }
      }
    }
  }
  const ids = new Set<string>();
  def.parameters.forEach((p, i) => {
    if (ids.has(p.id)) throw invalid(`parameters[${i}].id`, `duplicate parameter ${p.id}`);
    ids.add(p.id);
  });
  const params = new Map(def.parameters.map((p) => [p.id, p]));
  const checkPlaceholders = (field: string, value: unknown, allowed: readonly string[], mustHaveValue = false) => {
    for (const name of placeholdersIn(value)) {
      if (allowed.includes(name)) continue;
      const p = params.get(name);
      if (!p) throw invalid(field, `unknown placeholder {${name}} (declare a parameter with id ${name}${allowed.length > 0 ? `, or use one of ${allowed.map((a) => `{${a}}`).join(', ')}` : ''})`);
      if (mustHaveValue && !p.required && p.defaultValue === undefined) throw invalid(field, `{${name}} is in the path, so parameter ${name} must be required or have a defaultValue`);
    }
  };
  if (def.source.kind === 'poll') {
    const s = def.source;
    checkPlaceholders('source.path', s.path, [], true);
    checkPlaceholders('source.query', s.query, []);
    if (s.since && s.query?.[s.since.param] !== undefined) throw invalid('source.since.param', `${s.since.param} is also set in source.query`);
    if (s.paging && (s.query?.[s.paging.param] !== undefined || s.paging.param === s.since?.param)) throw invalid('source.paging.param', `${s.paging.param} is already used by source.query or source.since`);
  } else {
    const s = def.source;
    if (s.verification.kind === 'none') throw invalid('source.verification.kind', 'custom webhook triggers must verify inbound requests (hmac, asymmetric, sharedSecret or jwt)');
    const problems = schemeProblems(s.verification);
    if (problems.length > 0) throw invalid('source.verification', problems.join('; '));
    if (s.secret === 'generated') {
      if (s.verification.kind === 'asymmetric') throw invalid('source.secret', 'an asymmetric scheme verifies with the provider\'s public key: use "integrationConfig" (or "setupResponse")');
      if (!s.setup || !placeholdersIn(s.setup).has('secret')) throw invalid('source.secret', '"generated" needs a setup request that sends {secret} to the provider');
    }
    if (s.secret === 'setupResponse' && !s.setup?.secretPath) throw invalid('source.setup.secretPath', 'is required with secret "setupResponse"');
    if (s.setup) {
      const allowed = s.secret === 'generated' ? ['hookUrl', 'secret'] : ['hookUrl'];
      checkPlaceholders('source.setup.path', s.setup.path, allowed, true);
      checkPlaceholders('source.setup.query', s.setup.query, allowed);
      checkPlaceholders('source.setup.body', s.setup.body, allowed);
    }
    if (s.teardown) {
      const allowed = s.setup?.idPath ? ['hookUrl', 'hookId'] : ['hookUrl'];
      checkPlaceholders('source.teardown.path', s.teardown.path, allowed, true);
      checkPlaceholders('source.teardown.query', s.teardown.query, allowed);
      checkPlaceholders('source.teardown.body', s.teardown.body, allowed);
      if (!s.setup) throw invalid('source.teardown', 'a teardown request needs a setup request');
    }
  }
  return def;
}

// ── compilation ──────────────────────────────────────────────────────────────────────────────────────
function compilePoll(def: PollDef): PollSource<Values> {
  return {
    kind: 'poll',
    async poll(ctx) {
      const cursor = ctx.cursor !== null && typeof ctx.cursor === 'object' ? (ctx.cursor as { since?: unknown }) : {};
      const since = typeof cursor.since === 'number' ? cursor.since : undefined;
      const path = fillPath(def.path, ctx.params);
      const baseQuery: HttpRequest['query'] = {
        ...fillQuery(def.query, ctx.params),
        ...(def.since && since !== undefined ? { [def.since.param]: formatSince(since, def.since.format) } : {}),
      };
      const items: Item[] = [];
      const seen = new Set<string>();
      let newest = since;
      let page: string | number | undefined = def.paging?.kind === 'page' ? def.paging.start : undefined;
      for (let n = 0; n < def.maxPages; n++) {
        const query = { ...baseQuery, ...(def.paging && page !== undefined ? { [def.paging.param]: page } : {}) };
        const body = await ctx.http.get<unknown>(path, query);
        const list = getPath(body, def.itemsPath);
        if (!Array.isArray(list)) throw new ProviderError('permanent', `the response has no array at itemsPath "${def.itemsPath}"`);
        for (const raw of list) {
          const key = itemKey(raw, def.keyField);
          if (key === undefined) {
            ctx.log.warn('custom trigger item without a key skipped', { keyField: def.keyField });
            continue;
          }
          const at = parseTimestamp(getPath(raw, def.timestampField), def.timestampFormat);
          if (at !== undefined) newest = Math.max(newest ?? at, at);
          if (seen.has(key)) continue;
          seen.add(key);
          items.push({ key, payload: raw, ...(at !== undefined ? { occurredAt: at } : {}) });
        }
        if (!def.paging) break;
        if (def.paging.kind === 'page') {
          if (list.length === 0) break;
          page = Number(page) + 1;
        } else {
          const next = getPath(body, def.paging.cursorPath);
          if (next === undefined || next === null || next === '' || next === false) break;
          page = asText(next);
        }
      }
      return { items, cursor: { since: newest ?? null } };
    },
  };
}

function compileWebhook(def: WebhookDef): WebhookSource<Values> {
  const toItemList = (body: unknown): Item[] => {
    const value = getPath(body, def.itemsPath);
    const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
    return list.map((raw) => {
      // Without a key the item's own bytes identify it, so a provider retry still dedupes.
      const key = itemKey(raw, def.keyField) ?? `sha256:${createHash('sha256').update(JSON.stringify(raw)).digest('hex')}`;
      const at = def.timestampField ? parseTimestamp(getPath(raw, def.timestampField), def.timestampFormat) : undefined;
      return { key, payload: raw, ...(at !== undefined ? { occurredAt: at } : {}) };
    });
  };
  return {
    kind: 'webhook',
    verification: def.verification as VerificationScheme,
    // One secret for the whole integration: the engine refuses to register without it and verifies every
    // request with its current value, so changing it in the configuration applies at once.
    ...(def.secret === 'integrationConfig' ? { appSigningKey: { required: true, description: "the provider's signing secret (or public key)" } } : {}),
    async register(ctx) {
      let secret = def.secret === 'generated' ? ctx.secret : undefined;
      const state: Record<string, unknown> = { hookUrl: ctx.hookUrl };
      if (def.setup) {
        const values: Values = { ...ctx.params, hookUrl: ctx.hookUrl, ...(def.secret === 'generated' ? { secret: ctx.secret } : {}) };
        const res = await ctx.http.request<unknown>({
          method: def.setup.method as 'POST',
          path: fillPath(def.setup.path, values),
          query: fillQuery(def.setup.query, values),
          ...(def.setup.body !== undefined ? { json: fillBody(def.setup.body, values) } : {}),
        });
        if (def.setup.idPath) {
          const id = getPath(res.body, def.setup.idPath);
          if (typeof id !== 'string' && typeof id !== 'number') throw new ProviderError('permanent', `the setup response has no id at "${def.setup.idPath}"`);
          state.hookId = String(id);
        }
        if (def.secret === 'setupResponse') {
          const s = getPath(res.body, def.setup.secretPath ?? '');
          if (typeof s !== 'string' || s === '') throw new ProviderError('permanent', `the setup response has no secret at "${def.setup.secretPath}"`);
          secret = s;
        }
      }
      return { state, ...(secret !== undefined ? { secret } : {}) };
    },
    async unregister(ctx) {
      if (!def.teardown) return;
      const values: Values = { ...ctx.params, hookUrl: ctx.state.hookUrl, hookId: ctx.state.hookId };
      await ctx.http.request({
        method: def.teardown.method as 'DELETE',
        path: fillPath(def.teardown.path, values),
        query: fillQuery(def.teardown.query, values),
        ...(def.teardown.body !== undefined ? { json: fillBody(def.teardown.body, values) } : {}),
        allowStatus: [404, 410],
      });
    },
    ...(def.deliveryIdHeader ? { deliveryId: (req) => req.headers[def.deliveryIdHeader ?? ''] } : {}),
    toItems: (req) => toItemList(req.body),
  };
}

export function compileCustomTrigger(type: string, def: CustomTriggerDefinition): AnyTriggerDefinition {
  const parameters: ParameterDefinition[] = def.parameters.map((p) => ({
    id: p.id, title: p.title, type: p.type, required: p.required,
    ...(p.description !== undefined ? { description: p.description } : {}),
    ...(p.placeholder !== undefined ? { placeholder: p.placeholder } : {}),
    ...(p.defaultValue !== undefined ? { defaultValue: p.defaultValue } : {}),
    ...(p.options !== undefined ? { options: p.options } : {}),
  }));
  return {
    type,
    title: def.title,
    description: def.description,
    parameters,
    examplePayload: def.examplePayload ?? {},
    source: def.source.kind === 'poll' ? compilePoll(def.source) : compileWebhook(def.source),
  };
}

/**
 * The project's integrations: built-in ones (with the project's custom triggers of that integration
 * appended) plus integrations declared only by custom triggers. A stored definition that no longer
 * compiles (e.g. its type became built-in in a newer release) is skipped with a warning, never fatal.
 */
export function buildProjectIntegrations(builtin: Catalog, rows: readonly CustomTrigger[], logger?: Logger): IntegrationDefinition[] {
  const extra = new Map<string, AnyTriggerDefinition[]>();
  const declared = new Map<string, IntegrationDefinition>();
  for (const row of rows) {
    let def: CustomTriggerDefinition;
    try {
      def = validateCustomTrigger(row.type, row.definition, { builtin, others: [] });
    } catch (err) {
      logger?.warn({ projectId: row.projectId, type: row.type, reason: (err as Error).message }, 'custom trigger skipped: its stored definition is no longer valid');
      continue;
    }
    const trigger = compileCustomTrigger(row.type, def);
    if (!builtin.integration(def.integration) && !declared.has(def.integration)) {
      const auth = def.auth?.kind === 'apiKey'
        ? { kind: 'apiKey' as const, header: def.auth.header, ...(def.auth.prefix !== undefined ? { prefix: def.auth.prefix } : {}) }
        : { kind: 'apiKey' as const, header: 'authorization', prefix: 'Bearer ' };
      declared.set(def.integration, { key: def.integration, name: def.integrationName ?? def.integration, auth, apiBaseUrl: def.apiBaseUrl ?? '', triggers: [] });
    }
    extra.set(def.integration, [...(extra.get(def.integration) ?? []), trigger]);
  }
  const out: IntegrationDefinition[] = builtin.integrations().map((i) => (extra.has(i.key) ? { ...i, triggers: [...i.triggers, ...(extra.get(i.key) ?? [])] } : i));
  for (const [key, integration] of declared) out.push({ ...integration, triggers: extra.get(key) ?? [] });
  return out;
}

// ── per-project catalogs ─────────────────────────────────────────────────────────────────────────────
/** How long a process trusts its cached project catalog before checking the version (other processes' changes). */
const RECHECK_MS = 2000;
const versionKey = (projectId: string) => `custom_triggers_version:${projectId}`;

interface CacheEntry {
  catalog: Promise<Catalog>;
  version: string | null;
  checkedAt: number;
}

/**
 * Built-in catalog + each project's custom triggers. Cached per project; a change made in this process
 * invalidates at once, and other processes notice within RECHECK_MS through a version stamp in `meta`
 * (one primary-key read every few seconds per project, instead of a list-and-compile per request).
 */
export class ProjectCatalogs {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    readonly builtin: () => Catalog | Promise<Catalog>,
    private readonly storage: Storage,
    private readonly logger?: Logger,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  async get(projectId: string): Promise<Catalog> {
    const cached = this.cache.get(projectId);
    if (cached && this.clock() - cached.checkedAt < RECHECK_MS) return cached.catalog;
    const version = await this.storage.meta.get(versionKey(projectId));
    if (cached && cached.version === version) {
      cached.checkedAt = this.clock();
      return cached.catalog;
    }
    const entry: CacheEntry = { catalog: this.build(projectId), version, checkedAt: this.clock() };
    this.cache.set(projectId, entry);
    entry.catalog.catch(() => this.cache.delete(projectId));
    return entry.catalog;
  }

  /** After a custom trigger of this project changed: new version for every process, rebuild here now. */
  async changed(projectId: string): Promise<void> {
    await this.storage.meta.set(versionKey(projectId), crypto.randomUUID());
    this.cache.delete(projectId);
  }

  private async build(projectId: string): Promise<Catalog> {
    const builtin = await this.builtin();
    const rows = await this.storage.customTriggers.list(projectId);
    if (rows.length === 0) return builtin;
    return new Catalog(buildProjectIntegrations(builtin, rows, this.logger));
  }
}
