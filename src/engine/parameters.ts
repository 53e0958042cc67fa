// Subscription parameters are checked against the trigger's declared parameters before anything is
// stored or sent to a provider. Every message names the parameter.
import { AppError } from '../errors.js';
import type { ParameterDefinition } from '../sdk/index.js';
import { validateCondition } from '../sdk/index.js';

const MAX_STRING = 10_000;

function checkType(p: ParameterDefinition, value: unknown): string | null {
  switch (p.type) {
    case 'NUMBER':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'BOOLEAN_INPUT':
    case 'SWITCH':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'ENUM': {
      const allowed = (p.options ?? []).map((o) => o.value);
      return typeof value === 'string' && allowed.includes(value) ? null : `must be one of: ${allowed.join(', ')}`;
    }
    case 'CONDITIONAL': {
      const r = validateCondition(value);
      return r.ok ? null : r.message;
    }
    default:
      if (typeof value !== 'string') return 'must be a string';
      if (value.length > MAX_STRING) return `must be at most ${MAX_STRING} characters`;
      return null;
  }
}

/** Returns the parameters with defaults applied, or throws a 400 naming the first bad parameter. */
export function validateParameters(defs: readonly ParameterDefinition[], input: Record<string, unknown>): Record<string, unknown> {
  const known = new Set(defs.map((d) => d.id));
  for (const key of Object.keys(input)) {
    if (!known.has(key)) {
      throw new AppError('INVALID_PARAMETER', `parameters.${key}: unknown parameter (expected one of: ${[...known].join(', ') || 'none'})`, { parameter: key });
    }
  }
  const out: Record<string, unknown> = {};
  for (const p of defs) {
    let value = input[p.id];
    if (value === undefined || value === null || value === '') {
      if (p.defaultValue !== undefined) value = p.defaultValue;
      else if (p.required) throw new AppError('INVALID_PARAMETER', `parameters.${p.id}: is required`, { parameter: p.id });
      else continue;
    }
    const typeError = checkType(p, value);
    if (typeError) throw new AppError('INVALID_PARAMETER', `parameters.${p.id}: ${typeError}`, { parameter: p.id });
    const customError = p.validate?.(value) ?? null;
    if (customError) throw new AppError('INVALID_PARAMETER', `parameters.${p.id}: ${customError}`, { parameter: p.id });
    out[p.id] = value;
  }
  return out;
}
