// Paragon CONDITIONAL parameters are filters over the event payload, applied by the engine for every
// trigger so integrations never re-implement them.
import { evaluateCondition, type AnyTriggerDefinition, type Item } from '../sdk/index.js';

export function applyParameterFilters(trigger: AnyTriggerDefinition, params: Record<string, unknown>, items: Item[]): Item[] {
  const conditions = trigger.parameters.filter((p) => p.type === 'CONDITIONAL' && params[p.id] !== undefined && params[p.id] !== null).map((p) => params[p.id]);
  if (conditions.length === 0) return items;
  return items.filter((it) => conditions.every((c) => evaluateCondition(c, it.payload)));
}
