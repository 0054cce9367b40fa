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
  continueOnError(scope: ExpressionScope): boolean;
  timeoutMinutes(scope: ExpressionScope): number | undefined;
}

/**
 * `timeout-minutes` as the runner converts it: a number truncated to whole minutes
 * (`(Int32)numberToken.Value` in PipelineTemplateConverter.ConvertToStepTimeout), and no limit when
 * that is 0 or less (StepsRunner sets a timeout only `if (timeoutMinutes > 0)`).
 */
export function timeoutMinutesFrom(value: Value, what: string): number | undefined {
  if (value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (typeof value === 'boolean' || !Number.isFinite(n))
    throw new Error(`'${what}' must be a number of minutes; got ${JSON.stringify(value)}`);
  const whole = Math.trunc(n);
  return whole > 0 ? whole : undefined;
}

export function workflowStepSpec(step: StepModel): StepSpec {
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
      step.continueOnError !== undefined && isTruthy(evaluateToken(step.continueOnError, scope)),
    timeoutMinutes: (scope) =>
      step.timeoutMinutes === undefined
        ? undefined
        : timeoutMinutesFrom(evaluateToken(step.timeoutMinutes, scope), 'timeout-minutes'),
  };
}

export function compositeStepSpec(raw: Record<string, unknown>, index: number): StepSpec {
  const text = (value: unknown, scope: ExpressionScope): string | undefined => {
    if (value === undefined || value === null) return undefined;
    return typeof value === 'string' ? asString(interpolate(value, scope)) : asString(value as Value);
  };
  const map = (value: unknown, scope: ExpressionScope): Record<string, string> => {
    const out: Record<string, string> = {};
    if (value && typeof value === 'object')
      for (const [key, item] of Object.entries(value as Record<string, unknown>))
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
    continueOnError: (scope) =>
      raw['continue-on-error'] !== undefined &&
      isTruthy(
        typeof raw['continue-on-error'] === 'string'
          ? interpolate(raw['continue-on-error'], scope)
          : (raw['continue-on-error'] as Value),
      ),
    timeoutMinutes: (scope) =>
      raw['timeout-minutes'] === undefined
        ? undefined
        : timeoutMinutesFrom(
            typeof raw['timeout-minutes'] === 'string'
              ? interpolate(raw['timeout-minutes'], scope)
              : (raw['timeout-minutes'] as Value),
            'timeout-minutes',
          ),
  };
}
