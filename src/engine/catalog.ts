// The catalog: every trigger the service knows, built-in (from src/integrations, passed in by main.ts)
// and per-project custom ones. Core code looks triggers up here and never imports an integration.
import type { AnyTriggerDefinition, IntegrationDefinition, ParameterDefinition } from '../sdk/index.js';

export interface CatalogEntry {
  integration: IntegrationDefinition;
  trigger: AnyTriggerDefinition;
}

/** The Paragon TriggerDefinition shape returned by GET /triggers. */
export interface TriggerDefinitionJson {
  type: string;
  triggerModel: 'POLLING' | 'WEBHOOK';
  title: string;
  description: string;
  parameters: Array<{
    id: string;
    type: string;
    title: string;
    label: string;
    required: boolean;
    description?: string;
    placeholder?: string;
    defaultValue?: unknown;
    values?: Array<{ label: string; value: string }>;
  }>;
}

export class Catalog {
  private readonly byIntegration = new Map<string, IntegrationDefinition>();
  private readonly byType = new Map<string, CatalogEntry>();

  constructor(integrations: readonly IntegrationDefinition[]) {
    for (const integration of integrations) {
      if (this.byIntegration.has(integration.key)) throw new Error(`duplicate integration ${integration.key}`);
      this.byIntegration.set(integration.key, integration);
      for (const trigger of integration.triggers) {
        if (this.byType.has(trigger.type)) throw new Error(`duplicate trigger type ${trigger.type}`);
        this.byType.set(trigger.type, { integration, trigger });
      }
    }
  }

  integrations(): IntegrationDefinition[] {
    return [...this.byIntegration.values()];
  }

  integration(key: string): IntegrationDefinition | undefined {
    return this.byIntegration.get(key);
  }

  trigger(type: string): CatalogEntry | undefined {
    return this.byType.get(type);
  }

  /** Every trigger of every integration. */
  triggers(): AnyTriggerDefinition[] {
    return [...this.byType.values()].map((e) => e.trigger);
  }
}

export function triggerModel(t: AnyTriggerDefinition): 'POLLING' | 'WEBHOOK' {
  return t.source.kind === 'poll' ? 'POLLING' : 'WEBHOOK';
}

export function toTriggerDefinitionJson(t: AnyTriggerDefinition): TriggerDefinitionJson {
  return {
    type: t.type,
    triggerModel: triggerModel(t),
    title: t.title,
    description: t.description,
    parameters: t.parameters.map((p: ParameterDefinition) => ({
      id: p.id,
      type: p.type,
      // Paragon clients read either name; both carry the display name (SPEC §3).
      title: p.title,
      label: p.title,
      required: p.required,
      ...(p.description !== undefined ? { description: p.description } : {}),
      ...(p.placeholder !== undefined ? { placeholder: p.placeholder } : {}),
      ...(p.defaultValue !== undefined ? { defaultValue: p.defaultValue } : {}),
      ...(p.options !== undefined ? { values: p.options } : {}),
    })),
  };
}
