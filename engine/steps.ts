/**
 * Running one step with GitHub's rules: its env and `if:`, `continue-on-error`, the steps context and
 * its result; then dispatching it as a `run:` script, actions/checkout, a composite or a JavaScript action.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveAction } from './actions.js';
import { actionInputs } from './action-inputs.js';
import { checkout } from './checkout.js';
import { runComposite } from './composite-action.js';
import type { ExpressionScope, Value } from './expressions.js';
import { runJavaScriptMain } from './javascript-action.js';
import { resolveDir, type Frame, type JobRun, type StepOutcome } from './job-run.js';
import { resolveShell } from './shell.js';
import { execProcess, stepOutcome } from './step-process.js';
import type { StepSpec } from './step-spec.js';
import type { BackgroundSteps } from './background-steps.js';
import { templateNotValid } from './template-values.js';
import type { Conclusion } from './types.js';

/** How a step that ran ended: its outcome, its conclusion after `continue-on-error`, its outputs. */
export interface StepConclusion {
  outcome: Conclusion;
  conclusion: Conclusion;
  outputs: Record<string, string>;
  durationMs: number;
}

/**
 * Run one step in `frame`; updates the frame's status and steps context. A `background: true` step
 * is handed to `background` once its `if:` passed and returns at once; it is recorded when a `wait`
 * covers it.
 */
export async function runStep(
  run: JobRun,
  frame: Frame,
  spec: StepSpec,
  preState: Map<StepSpec, Record<string, string>>,
  background?: BackgroundSteps,
): Promise<void> {
  const started = Date.now();
  let env = run.envContext(frame);
  // github.action is the step's GITHUB_ACTION (StepsRunner sets both before the step's if:).
  const action = { action: spec.id };
  let scope = run.scope(frame, env, action);
  let name = spec.id;
  try {
    name = frame.prefix + spec.name(scope);
  } catch {
    // a name that does not evaluate falls back to the id
  }
  try {
    // The step's own env is evaluated first, so its `if:` sees it (StepsRunner merges the step's
    // env block into the env context before it evaluates the condition).
    env = spec.env(scope, env);
    scope = run.scope(frame, env, action);
    if (!spec.condition(scope)) {
      run.log(`Skipped: ${name}`, name);
      const skipped: StepConclusion = {
        outcome: 'skipped',
        conclusion: 'skipped',
        outputs: {},
        durationMs: 0,
      };
      recordStep(run, frame, spec, name, skipped);
      return;
    }
  } catch (error) {
    run.annotate('error', templateNotValid(error), name);
    const failed: StepConclusion = { outcome: 'failure', conclusion: 'failure', outputs: {}, durationMs: 0 };
    frame.status = 'failure';
    recordStep(run, frame, spec, name, failed);
    announceEnd(run, name, failed);
    return;
  }
  const conclude = (): Promise<StepConclusion> =>
    concludeStep(run, frame, spec, scope, env, name, preState, started);
  if (spec.background && background) {
    background.start(spec, name, conclude);
    return;
  }
  run.shared.emit({ kind: 'step-start', job: run.input.displayName, step: name, text: name });
  const result = await conclude();
  if (result.conclusion === 'failure') frame.status = 'failure';
  recordStep(run, frame, spec, name, result);
  announceEnd(run, name, result);
}

/** Execute a step whose `if:` passed, then apply `continue-on-error` to how it ended. */
async function concludeStep(
  run: JobRun,
  frame: Frame,
  spec: StepSpec,
  scope: ExpressionScope,
  env: Record<string, string>,
  name: string,
  preState: Map<StepSpec, Record<string, string>>,
  started: number,
): Promise<StepConclusion> {
  const envBefore = { ...run.globalEnv };
  let outcome: Conclusion = 'success';
  let outputs: Record<string, string> = {};
  try {
    const timeoutMinutes = stepTimeout(run, spec, scope, name);
    const result = await executeStep(run, frame, spec, scope, env, name, preState, timeoutMinutes);
    outcome = result.outcome;
    outputs = result.outputs;
  } catch (error) {
    run.annotate('error', templateNotValid(error), name);
    outcome = 'failure';
  }
  const continueOnError =
    outcome === 'failure' && continuesOnError(run, frame, spec, env, envBefore, outputs, name);
  return {
    outcome,
    conclusion: continueOnError ? 'success' : outcome,
    outputs,
    durationMs: Date.now() - started,
  };
}

/**
 * The step's timeout. A value that cannot be evaluated or is not a number is reported and the step
 * runs without one (actions/runner src/Runner.Worker/StepsRunner.cs, RunStepAsync).
 */
function stepTimeout(run: JobRun, spec: StepSpec, scope: ExpressionScope, name: string): number | undefined {
  return evaluatedOr(
    run,
    name,
    'An error occurred when attempting to determine the step timeout.',
    undefined,
    () => spec.timeoutMinutes(scope),
  );
}

/**
 * `evaluate()`, or `fallback` after the runner's two error lines: what it was doing, then the
 * exception (`ExecutionContext.Error(ex)`).
 */
function evaluatedOr<T>(run: JobRun, name: string, doing: string, fallback: T, evaluate: () => T): T {
  try {
    return evaluate();
  } catch (error) {
    run.annotate('error', doing, name);
    run.annotate('error', templateNotValid(error), name);
    return fallback;
  }
}

/**
 * `continue-on-error`, asked only once the step has failed and evaluated then, as
 * ExecutionContext.ApplyContinueOnError does: it sees the env the step set through GITHUB_ENV and
 * the step's own outputs. A value that cannot be evaluated or is not a boolean is reported and the
 * step stays failed.
 */
export function continuesOnError(
  run: JobRun,
  frame: Frame,
  spec: StepSpec,
  stepEnv: Record<string, string>,
  envBefore: Record<string, string>,
  outputs: Record<string, string>,
  name: string,
): boolean {
  const env = { ...stepEnv };
  // SetEnvFileCommand sets the step's env context too, over its own env: block.
  for (const [key, value] of Object.entries(run.globalEnv)) if (envBefore[key] !== value) env[key] = value;
  const scope = run.scope(frame, env, { action: spec.id });
  if (spec.explicitId)
    scope.contexts['steps'] = {
      ...(frame.steps as unknown as Record<string, Value>),
      [spec.id]: { outputs },
    };
  return evaluatedOr(
    run,
    name,
    'The step failed and an error occurred when attempting to determine whether to continue on error.',
    false,
    () => spec.continueOnError(scope),
  );
}

/** Put a step's result in the steps context (when it has an id) and the job's step results. */
export function recordStep(
  run: JobRun,
  frame: Frame,
  spec: StepSpec,
  name: string,
  result: StepConclusion,
): void {
  const { outcome, conclusion, outputs, durationMs } = result;
  if (spec.explicitId) frame.steps[spec.id] = { outputs, outcome, conclusion };
  if (frame.depth === 0)
    run.stepResults.push({ id: spec.id, name, outcome, conclusion, outputs, durationMs });
}

/** The step's end line in the log. */
export function announceEnd(run: JobRun, name: string, result: StepConclusion): void {
  if (result.outcome === 'skipped') return;
  run.shared.emit({
    kind: 'step-end',
    job: run.input.displayName,
    step: name,
    text: result.outcome === result.conclusion ? result.outcome : `${result.outcome} (continue-on-error)`,
  });
}

async function executeStep(
  run: JobRun,
  frame: Frame,
  spec: StepSpec,
  scope: ExpressionScope,
  env: Record<string, string>,
  name: string,
  preState: Map<StepSpec, Record<string, string>>,
  timeoutMinutes: number | undefined,
): Promise<StepOutcome> {
  if (spec.uses === undefined) {
    const script = spec.run(scope) ?? '';
    const shellName = spec.shell(scope) ?? frame.defaults.shell;
    const shell = resolveShell(shellName, run.pathFor(env));
    const cwd = resolveDir(run.workspace, spec.workingDirectory(scope) ?? frame.defaults.workingDirectory);
    if (!existsSync(cwd))
      throw new Error(
        `An error occurred trying to start process '${shell.file}' with working directory '${cwd}'. No such file or directory`,
      );
    const scriptPath = join(run.temp, `${randomUUID()}${shell.extension}`);
    writeFileSync(scriptPath, shell.wrap(script));
    // The runner builds the arguments with String.Format(format, scriptPath) (ScriptHandler), so
    // `{{` and `}}` in a custom shell are literal braces.
    const args = shell.args.map((arg) =>
      arg.replace(/\{\{|\}\}|\{0\}/g, (token) => (token === '{0}' ? scriptPath : token.charAt(0))),
    );
    const result = await execProcess(run, name, spec.id, shell.file, args, {
      env,
      cwd,
      timeoutMinutes,
      action: frame.action,
      isScript: true,
    });
    return { outcome: stepOutcome(result), outputs: result.outputs };
  }
  const source = resolveAction(spec.uses, run.workspace, run.shared.actionMap, name);
  const given = spec.with(scope);
  if (source.kind === 'checkout') return checkout(run, given, name);
  const manifest = source.manifest;
  const actionScope: ExpressionScope = {
    ...scope,
    contexts: {
      ...scope.contexts,
      github: { ...(scope.contexts['github'] as Record<string, Value>), action_path: source.dir },
    },
  };
  const inputs = actionInputs(run, manifest, given, actionScope, name);
  if (manifest.runs.using.toLowerCase() === 'composite')
    return runComposite(run, frame, spec, source, inputs, env, name);
  return runJavaScriptMain(
    run,
    frame,
    spec,
    source,
    inputs,
    env,
    name,
    timeoutMinutes,
    preState.get(spec) ?? run.embeddedPreState.get(`${frame.stepPath}/${spec.id}`) ?? {},
  );
}
