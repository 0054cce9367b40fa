/** The `inputs` context of a dispatched or called workflow: given values typed by their declarations. */
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import { StringToken } from '@actions/workflow-parser/templates/tokens/string-token';
import { BooleanToken } from '@actions/workflow-parser/templates/tokens/boolean-token';
import { NumberToken } from '@actions/workflow-parser/templates/tokens/number-token';
import { EngineUsageError } from './actions.js';
import { asString, evaluateToken, type ExpressionScope, type Value } from './expressions.js';
import {
  expectBoolean,
  expectNumber,
  expectString,
  positionOf,
  type TokenPosition,
} from './template-values.js';
import { problemFromMessage, type CallInputSpec, type JobModel, type WorkflowModel } from './workflow.js';

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
  if (spec.type === 'choice' && spec.options && !spec.options.includes(asString(value)))
    // The REST API refuses such a dispatch with 422 and this message.
    throw new EngineUsageError(
      `${where}: Provided value '${asString(value)}' for input '${name}' not in the list of allowed values (${spec.options.join(', ')})`,
    );
  return asString(value);
}

/**
 * The typed `inputs` context of a dispatched workflow (or one run alone as `workflow_call`) from the
 * given values, their declarations and defaults; an undeclared input is refused.
 */
export function resolveInputs(
  specs: Record<string, CallInputSpec>,
  given: Record<string, Value>,
  where: string,
  scope: ExpressionScope,
): Record<string, Value> {
  const inputs: Record<string, Value> = {};
  const declared = new Map(Object.keys(specs).map((name) => [name.toLowerCase(), name]));
  for (const key of Object.keys(given)) {
    if (!declared.has(key.toLowerCase())) {
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

/**
 * A value given to (or the default of) a `workflow_call` input, checked against the declared type
 * as GitHub checks it (WorkflowTemplateConverter.ConvertToInputValueDefinedType evaluates it against
 * `boolean-needs-context`, `number-needs-context` or `string-needs-context`). The template evaluator
 * never converts a string to a number or a boolean: `"5"` for a number input, or `${{ 'true' }}` for
 * a boolean one, is refused with `Unexpected value '5'`. A string input takes any scalar as its text.
 */
export function callInputValue(spec: CallInputSpec, value: Value, at: TokenPosition): Value {
  if (spec.type === 'number') return expectNumber(value, at);
  if (spec.type === 'boolean') return expectBoolean(value, at);
  return expectString(value, at);
}

/**
 * The `inputs` context of a called workflow at run time: each `with:` value evaluated in the
 * caller's scope and checked against its declaration, else the declared default (evaluated, and
 * checked, as written in the called file), else the type's empty value. Undeclared and missing
 * required inputs were refused before the run started ({@link callProblems}).
 */
export function resolveCallInputs(
  specs: Record<string, CallInputSpec>,
  withToken: TemplateToken | undefined,
  scope: ExpressionScope,
  callerFile: string,
  calleeFile: string,
): Record<string, Value> {
  const given = new Map<string, { value: Value; at: TokenPosition }>();
  if (withToken instanceof MappingToken)
    for (const pair of withToken)
      given.set(asString(evaluateToken(pair.key, scope)).toLowerCase(), {
        value: evaluateToken(pair.value, scope),
        at: positionOf(pair.value, callerFile),
      });
  const inputs: Record<string, Value> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const provided = given.get(name.toLowerCase());
    if (provided) inputs[name] = callInputValue(spec, provided.value, provided.at);
    else if (spec.default !== undefined)
      inputs[name] = callInputValue(
        spec,
        evaluateToken(spec.default, scope),
        positionOf(spec.default, calleeFile),
      );
    else inputs[name] = spec.type === 'boolean' ? false : spec.type === 'number' ? 0 : '';
  }
  return inputs;
}

/**
 * What GitHub refuses in a call before the run starts ("The workflow is not valid."), as
 * `file:line:col: message` (WorkflowTemplateConverter: ConvertToWorkflowJobInputs with
 * isEarlyValidation, ValidateWorkflowJobSecrets, ValidateUndefinedParameters):
 * - an input or secret the called workflow does not declare;
 * - a required input that is not given, even when it has a default;
 * - a required secret that is not given, unless the call passes `secrets: inherit` (not checked then);
 * - a literal value (given or default) that is not of the declared type.
 */
export function callProblems(
  call: Pick<JobModel, 'with' | 'secrets' | 'inheritSecrets' | 'usesToken'>,
  callerFile: string,
  callee: Pick<WorkflowModel, 'file' | 'callInputs' | 'callSecrets'>,
): string[] {
  const problems: string[] = [];
  const at = (token: TemplateToken | undefined, file: string): string =>
    token?.line !== undefined && token.col !== undefined ? `${file}:${token.line}:${token.col}` : file;
  const typeProblem = (spec: CallInputSpec, token: TemplateToken, file: string): void => {
    if (!token.isLiteral) return; // an expression is checked once evaluated
    try {
      callInputValue(spec, literalValue(token), positionOf(token, file));
    } catch (error) {
      problems.push(problemFromMessage(file, (error as Error).message));
    }
  };
  const declaredInputs = new Map(Object.entries(callee.callInputs).map(([k, v]) => [k.toLowerCase(), v]));
  const given = new Map<string, TemplateToken>();
  if (call.with instanceof MappingToken) {
    for (const pair of call.with) {
      const key = pair.key.isLiteral ? asString(literalValue(pair.key)) : '';
      given.set(key.toLowerCase(), pair.value);
      const spec = declaredInputs.get(key.toLowerCase());
      if (!spec)
        problems.push(
          `${at(pair.value, callerFile)}: Invalid input, ${key} is not defined in the referenced workflow.`,
        );
      else typeProblem(spec, pair.value, callerFile);
    }
  }
  for (const [name, spec] of Object.entries(callee.callInputs)) {
    if (spec.default !== undefined) typeProblem(spec, spec.default, callee.file);
    if (spec.required && !given.has(name.toLowerCase()))
      problems.push(
        `${at(call.usesToken, callerFile)}: Input ${name} is required, but not provided while calling.`,
      );
  }
  if (!call.inheritSecrets) {
    const declared = new Set(Object.keys(callee.callSecrets).map((name) => name.toLowerCase()));
    const passed = new Set<string>();
    if (call.secrets instanceof MappingToken) {
      for (const pair of call.secrets) {
        const key = pair.key.isLiteral ? asString(literalValue(pair.key)) : '';
        passed.add(key.toLowerCase());
        if (!declared.has(key.toLowerCase()))
          problems.push(
            `${at(pair.value, callerFile)}: Invalid secret, ${key} is not defined in the referenced workflow.`,
          );
      }
    }
    for (const [name, spec] of Object.entries(callee.callSecrets))
      if (spec.required && !passed.has(name.toLowerCase()))
        problems.push(
          `${at(call.usesToken, callerFile)}: Secret ${name} is required, but not provided while calling.`,
        );
  }
  return problems;
}

/** A literal token's value (a string, number, boolean or null). */
function literalValue(token: TemplateToken): Value {
  if (token instanceof StringToken || token instanceof NumberToken || token instanceof BooleanToken)
    return token.value;
  return null;
}
