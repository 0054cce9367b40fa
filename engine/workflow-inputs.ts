/** The `inputs` context of a dispatched or called workflow: given values typed by their declarations. */
import { EngineUsageError } from './actions.js';
import { asString, evaluateToken, type ExpressionScope, type Value } from './expressions.js';
import type { CallInputSpec } from './workflow.js';

/** Type an input value by its declaration, as GitHub does for the `inputs` context. */
export function typedInput(name: string, spec: CallInputSpec, value: Value, where: string): Value {
  if (spec.type === 'boolean') {
    if (typeof value === 'boolean') return value;
    const text = asString(value).toLowerCase();
    if (text === 'true' || text === 'false') return text === 'true';
    throw new EngineUsageError(
      `${where}: input '${name}' must be a boolean (true or false); got ${JSON.stringify(asString(value))}`,
    );
  }
  if (spec.type === 'number') {
    if (typeof value === 'number') return value;
    const n = Number(asString(value));
    if (asString(value).trim() === '' || !Number.isFinite(n))
      throw new EngineUsageError(
        `${where}: input '${name}' must be a number; got ${JSON.stringify(asString(value))}`,
      );
    return n;
  }
  return asString(value);
}

/** Build the typed `inputs` context from given values, declarations and their defaults. */
export function resolveInputs(
  specs: Record<string, CallInputSpec>,
  given: Record<string, Value>,
  where: string,
  scope: ExpressionScope,
  strictUnknown: boolean,
): Record<string, Value> {
  const inputs: Record<string, Value> = {};
  const declared = new Map(Object.keys(specs).map((name) => [name.toLowerCase(), name]));
  for (const key of Object.keys(given)) {
    if (!declared.has(key.toLowerCase()) && strictUnknown) {
      const names = Object.keys(specs);
      throw new EngineUsageError(
        `${where}: input '${key}' is not defined by the workflow${names.length ? `; it defines: ${names.join(', ')}` : ' (it has no inputs)'}`,
      );
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    const provided = Object.keys(given).find((key) => key.toLowerCase() === name.toLowerCase());
    if (provided !== undefined) inputs[name] = typedInput(name, spec, given[provided] as Value, where);
    else if (spec.default !== undefined)
      inputs[name] = typedInput(name, spec, evaluateToken(spec.default, scope), where);
    else if (spec.required)
      throw new EngineUsageError(
        `${where}: input '${name}' is required but was not provided; pass --input ${name}=VALUE`,
      );
    else inputs[name] = spec.type === 'boolean' ? false : spec.type === 'number' ? 0 : '';
  }
  return inputs;
}
