// Account parameters: values that name a connected account's own host (Shopify's store, Zendesk's
// subdomain), given by the connecting user and substituted into the integration's URL templates.
//
// Why one DNS label and nothing else: the value comes from the connected user, who is not trusted with the
// service's network. A label can only pick a host under the domain the template names
// (`https://{shop}.myshopify.com`), never another host, a port, a path or a scheme (ADR 0027).
import { AppError } from '../errors.js';
import { ProviderError, type IntegrationDefinition } from '../sdk/index.js';
import type { IntegrationConfig } from '../storage/port.js';
import { clientCredentialsOf, oauth2Of } from './auth-kinds.js';

export type AccountValues = Readonly<Record<string, string>>;

/** One DNS label (RFC 1123), lower case. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The normalized label, or null when the value cannot be one. */
function labelOf(value: unknown, acceptSuffix: string | undefined): string | null {
  if (typeof value !== 'string') return null;
  let v = value.trim().toLowerCase();
  if (acceptSuffix && v.endsWith(acceptSuffix.toLowerCase())) v = v.slice(0, -acceptSuffix.length);
  return LABEL.test(v) ? v : null;
}

/**
 * The URL templates in effect for a project: its configured apiBaseUrl, authorizationUrl, tokenUrl and
 * scopes where set, else the integration's. A parameter whose placeholder none of them holds is not needed
 * (a project pointed at one fixed account, or at a test double).
 */
export function templatesInEffect(integration: IntegrationDefinition, config: IntegrationConfig | null, kind?: 'apiKey'): string[] {
  const out = [config?.apiBaseUrl ?? integration.apiBaseUrl];
  // An API key reaches only the API: the OAuth endpoints' placeholders do not make a parameter required for it.
  if (kind === 'apiKey') return out;
  const oauth = oauth2Of(integration);
  if (oauth) out.push(config?.authorizationUrl ?? oauth.authorizationUrl, config?.tokenUrl ?? oauth.tokenUrl, ...(config?.scopes ?? oauth.scopes));
  const client = clientCredentialsOf(integration);
  if (client) out.push(config?.tokenUrl ?? client.tokenUrl);
  return out;
}

/**
 * The integration's account parameters from user input (`parameters` of the connect call, `extra` of a
 * credential), checked and normalized; `field` names where they came from, for the error message. A
 * parameter is required when a template in effect uses it; given ones are checked either way. Input names
 * that are not parameters are refused only when `strict` (a credential's `extra` holds other things too).
 */
export function accountValuesFromInput(
  integration: IntegrationDefinition,
  input: Record<string, unknown> | undefined,
  opts: { field: string; strict: boolean; templates: readonly string[] },
): Record<string, string> {
  const declared = integration.accountParameters ?? [];
  const { field } = opts;
  const values: Record<string, string> = {};
  if (opts.strict) {
    for (const name of Object.keys(input ?? {})) {
      if (!declared.some((p) => p.name === name)) {
        const known = declared.length === 0 ? `${integration.key} takes none` : `${integration.key} takes ${declared.map((p) => p.name).join(', ')}`;
        throw new AppError('VALIDATION_FAILED', `${field}.${name}: not an account parameter (${known})`, { parameter: `${field}.${name}` });
      }
    }
  }
  for (const p of declared) {
    const raw = input?.[p.name];
    const where = `${field}.${p.name}`;
    if (raw === undefined || raw === null || raw === '') {
      if (!opts.templates.some((t) => t.includes(`{${p.name}}`))) continue;
      throw new AppError('VALIDATION_FAILED', `${where}: required by ${integration.key}: ${p.description}`, { parameter: where });
    }
    const label = labelOf(raw, p.acceptSuffix);
    if (label === null) {
      throw new AppError('VALIDATION_FAILED', `${where}: must be a single host name label (letters, digits and inner hyphens, at most 63 characters): ${p.description}`, { parameter: where });
    }
    values[p.name] = label;
  }
  return values;
}

/**
 * The account parameters a stored credential holds (`extra[name]`). A value that is missing or no longer a
 * label leaves its placeholder unfilled; `fill` then refuses the URL, so the call fails with a message
 * instead of reaching a host nobody chose.
 */
export function accountValuesOf(integration: IntegrationDefinition, extra: Record<string, unknown> | undefined): AccountValues {
  const values: Record<string, string> = {};
  for (const p of integration.accountParameters ?? []) {
    const label = labelOf(extra?.[p.name], p.acceptSuffix);
    if (label !== null) values[p.name] = label;
  }
  return values;
}

/**
 * `template` with each `{name}` of a declared account parameter replaced by its value. A declared
 * placeholder without a value is an error (ProviderError `permanent`, naming the parameter): the credential
 * was made without it, and only reconnecting (or recreating it with `extra`) fixes that.
 */
export function fillAccountTemplate(integration: IntegrationDefinition, template: string, values: AccountValues): string {
  let out = template;
  for (const p of integration.accountParameters ?? []) {
    const placeholder = `{${p.name}}`;
    if (!out.includes(placeholder)) continue;
    const value = values[p.name];
    if (value === undefined) {
      throw new ProviderError('permanent', `the ${integration.key} credential has no ${p.name} (${p.description}); reconnect the account with it`);
    }
    out = out.split(placeholder).join(value);
  }
  return out;
}

/** Catalog view: what the connect call's `parameters` (or a credential's `extra`) must hold. */
export function describeAccountParameters(integration: IntegrationDefinition): Array<{ name: string; description: string }> {
  return (integration.accountParameters ?? []).map((p) => ({ name: p.name, description: p.description }));
}
