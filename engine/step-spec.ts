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
  type ToText,
  type Value,
} from './expressions.js';
import {
  expectBoolean,
  expectNumber,
  expectString,
  positionOf,
  timeoutLimit,
  type TokenPosition,
} from './template-values.js';
import type { StepModel } from './workflow.js';

/** A control step: `wait`/`cancel` with their target ids, `wait-all`, or a `parallel` group's steps. */
export type SpecControl =
  | { kind: 'wait'; targets: string[] }
  | { kind: 'wait-all' }
  | { kind: 'cancel'; targets: string[] }
  | { kind: 'parallel'; steps: StepSpec[] };

/** Keys GitHub allows in a job's steps but not in a composite action's (its action schema has none of them). */
const JOB_ONLY_KEYS = ['background', 'wait', 'wait-all', 'cancel', 'parallel'];

/** A step from the workflow (tokens) or from a composite action (plain YAML values), behind one shape. */
export interface StepSpec {
  id: string;
  explicitId: boolean;
  uses: string | undefined;
  /** Started, then the job goes on at once (engine/background-steps.ts). */
  background: boolean;
  /** Set for `wait`, `wait-all`, `cancel` and `parallel`, which run nothing themselves. */
  control: SpecControl | undefined;
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
  // `run`, `shell`, `working-directory`, `env` and `with` values are strings: a mapping or sequence
  // is refused with the template evaluator's message (`A mapping was not expected`), and the step fails.
  const toText: ToText = (value, at) => expectString(value, positionOf(at, file));
  const str = (token: TemplateToken | undefined, scope: ExpressionScope): string | undefined =>
    token === undefined ? undefined : toText(evaluateToken(token, scope), token);
  return {
    id: step.id,
    explicitId: step.explicitId,
    uses: step.uses,
    background: step.background,
    control:
      step.control?.kind === 'parallel'
        ? {
            kind: 'parallel',
            // A parallel group's steps are background steps (parsed without `background:`, which
            // the parser refuses inside a group).
            steps: step.control.steps.map((child) => ({
              ...workflowStepSpec(child, file),
              background: true,
            })),
          }
        : step.control,
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
    env: (scope, base) => evaluateEnvMap(step.env, scope, base, toText),
    with: (scope) => evaluateStringMap(step.with, scope, toText),
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
  const jobOnly = JOB_ONLY_KEYS.find((key) => key in raw);
  if (jobOnly !== undefined)
    throw new Error(
      `${manifestFile}: step ${index + 1} uses '${jobOnly}:', which GitHub allows only in a workflow job's steps, not in a composite action (run the whole action as a background step instead: 'background: true' on the step that uses it)`,
    );
  const explicit = typeof raw['id'] === 'string' ? (raw['id'] as string) : undefined;
  const uses = typeof raw['uses'] === 'string' ? (raw['uses'] as string) : undefined;
  return {
    id: explicit ?? `__${uses ? uses.replace(/[^A-Za-z0-9]+/g, '_') : 'run'}_${index + 1}`,
    explicitId: explicit !== undefined,
    uses,
    background: false,
    control: undefined,
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
