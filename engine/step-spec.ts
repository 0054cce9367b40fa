/**
 * One shape for a step, whether it comes from the workflow (template tokens, evaluated by the
 * workflow parser's rules) or from a composite action's `runs.steps` (plain YAML values).
 */
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import {
  asString,
  evaluate,
  evaluateCondition,
  evaluateEnvMap,
  evaluateStringMap,
  evaluateToken,
  interpolate,
  isTruthy,
  type ExpressionScope,
  type Value,
} from './expressions.js';
import {
  expectBoolean,
  expectNumber,
  positionOf,
  timeoutLimit,
  type TokenPosition,
} from './template-values.js';
import type { StepModel } from './workflow.js';

/** A step from the workflow (tokens) or from a composite action (plain YAML values), behind one shape. */
export interface StepSpec {
  id: string;
  explicitId: boolean;
  uses: string | undefined;
  condition(scope: ExpressionScope): boolean;
  name(scope: ExpressionScope): string;
  run(scope: ExpressionScope): string | undefined;
  shell(scope: ExpressionScope): string | undefined;
  workingDirectory(scope: ExpressionScope): string | undefined;
  env(scope: ExpressionScope, base: Record<string, string>): Record<string, string>;
  with(scope: ExpressionScope): Record<string, string>;
  /**
   * `continue-on-error` (false when absent). Throws a {@link TemplateValueError} for a value that is
   * not a boolean, as GitHub refuses it.
   */
  continueOnError(scope: ExpressionScope): boolean;
  /**
   * `timeout-minutes` in whole minutes, undefined for no limit. Throws a {@link TemplateValueError}
   * for a value that is not a number, as GitHub refuses it.
   */
  timeoutMinutes(scope: ExpressionScope): number | undefined;
}

/** A step of the workflow in `file` (named, with the token's position, when a value is refused). */
export function workflowStepSpec(step: StepModel, file: string): StepSpec {
  const str = (token: TemplateToken | undefined, scope: ExpressionScope): string | undefined =>
    token === undefined ? undefined : asString(evaluateToken(token, scope));
  return {
    id: step.id,
    explicitId: step.explicitId,
    uses: step.uses,
    condition: (scope) => isTruthy(evaluate(step.if, scope)),
    name: (scope) => {
      const name = str(step.name, scope);
      if (name) return name;
      if (step.uses) return `Run ${step.uses}`;
      return `Run ${(str(step.run, scope) ?? '').trim().split('\n')[0] ?? ''}`;
    },
    run: (scope) => str(step.run, scope),
    shell: (scope) => str(step.shell, scope) || undefined,
    workingDirectory: (scope) => str(step.workingDirectory, scope) || undefined,
    env: (scope, base) => evaluateEnvMap(step.env, scope, base),
    with: (scope) => evaluateStringMap(step.with, scope),
    continueOnError: (scope) =>
      step.continueOnError !== undefined &&
      expectBoolean(evaluateToken(step.continueOnError, scope), positionOf(step.continueOnError, file)),
    timeoutMinutes: (scope) =>
      step.timeoutMinutes === undefined
        ? undefined
        : timeoutLimit(
            expectNumber(evaluateToken(step.timeoutMinutes, scope), positionOf(step.timeoutMinutes, file)),
          ),
  };
}

/** Step `index` of the composite action whose manifest is `manifestFile`. */
export function compositeStepSpec(
  raw: Record<string, unknown>,
  index: number,
  manifestFile: string,
): StepSpec {
  const actionFile: TokenPosition = { file: manifestFile, line: undefined, col: undefined };
  const value = (item: unknown, scope: ExpressionScope): Value =>
    typeof item === 'string' ? interpolate(item, scope) : (item as Value);
  const text = (item: unknown, scope: ExpressionScope): string | undefined => {
    if (item === undefined || item === null) return undefined;
    return asString(value(item, scope));
  };
  const map = (mapping: unknown, scope: ExpressionScope): Record<string, string> => {
    const out: Record<string, string> = {};
    if (mapping && typeof mapping === 'object')
      for (const [key, item] of Object.entries(mapping as Record<string, unknown>))
        out[key] = text(item, scope) ?? '';
    return out;
  };
  const explicit = typeof raw['id'] === 'string' ? (raw['id'] as string) : undefined;
  const uses = typeof raw['uses'] === 'string' ? (raw['uses'] as string) : undefined;
  return {
    id: explicit ?? `__${uses ? uses.replace(/[^A-Za-z0-9]+/g, '_') : 'run'}_${index + 1}`,
    explicitId: explicit !== undefined,
    uses,
    condition: (scope) => evaluateCondition(raw['if'] === undefined ? undefined : String(raw['if']), scope),
    name: (scope) =>
      text(raw['name'], scope) ||
      (uses ? `Run ${uses}` : `Run ${(text(raw['run'], scope) ?? '').trim().split('\n')[0] ?? ''}`),
    run: (scope) => text(raw['run'], scope),
    shell: (scope) => text(raw['shell'], scope) || undefined,
    workingDirectory: (scope) => text(raw['working-directory'], scope) || undefined,
    env: (scope, base) => ({
      ...base,
      ...map(raw['env'], { ...scope, contexts: { ...scope.contexts, env: base } }),
    }),
    with: (scope) => map(raw['with'], scope),
    // action.yml is read as plain YAML: a refused value names the action's file, without a position.
    continueOnError: (scope) =>
      raw['continue-on-error'] !== undefined &&
      expectBoolean(value(raw['continue-on-error'], scope), actionFile),
    timeoutMinutes: (scope) =>
      raw['timeout-minutes'] === undefined
        ? undefined
        : timeoutLimit(expectNumber(value(raw['timeout-minutes'], scope), actionFile)),
  };
}
