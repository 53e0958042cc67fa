import type { IntegrationDefinition, TriggerDefinition } from './types.js';

/** Declare an integration. Identity function with checks: it catches mistakes at load time, not at runtime. */
export function defineIntegration(def: IntegrationDefinition): IntegrationDefinition {
  if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(def.key)) throw new Error(`integration key "${def.key}" must be alphanumeric`);
  const types = new Set<string>();
  for (const t of def.triggers) {
    if (types.has(t.type)) throw new Error(`${def.key}: duplicate trigger type ${t.type}`);
    types.add(t.type);
    if (t.source.kind === 'appWebhook' && !def.appWebhook) {
      throw new Error(`${def.key}: trigger ${t.type} uses an app webhook but the integration declares none`);
    }
  }
  const alt = def.alternativeAuth;
  if (alt && (alt.kind === def.auth.kind || def.auth.kind === 'clientCredentials')) {
    throw new Error(`${def.key}: alternativeAuth must be of the other kind (OAuth 2 besides an API key, or the reverse)`);
  }
  for (const p of def.accountParameters ?? []) {
    if (!/^[a-zA-Z][a-zA-Z0-9]*$/.test(p.name)) throw new Error(`${def.key}: account parameter "${p.name}" must be alphanumeric`);
  }
  return def;
}

export function defineTrigger<P = Record<string, unknown>>(def: TriggerDefinition<P>): TriggerDefinition<P> {
  if (!/^[A-Z][A-Z0-9_]*$/.test(def.type)) throw new Error(`trigger type "${def.type}" must be UPPER_SNAKE_CASE`);
  const ids = new Set<string>();
  for (const p of def.parameters) {
    if (ids.has(p.id)) throw new Error(`${def.type}: duplicate parameter ${p.id}`);
    ids.add(p.id);
    if (p.type === 'ENUM' && (!p.options || p.options.length === 0)) throw new Error(`${def.type}: ENUM parameter ${p.id} needs options`);
  }
  const s = def.source;
  if (s.kind !== 'poll' && s.redeliveryDays !== undefined) {
    if (!Number.isInteger(s.redeliveryDays) || s.redeliveryDays < 1) throw new Error(`${def.type}: redeliveryDays must be a positive integer`);
    // A catch-up lists changes again: its items can come back whatever the provider's retries.
    if (s.kind === 'webhook' && s.catchUp) throw new Error(`${def.type}: a source with catchUp cannot declare redeliveryDays`);
  }
  return def;
}
