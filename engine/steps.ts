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
import { templateNotValid } from './template-values.js';
import type { Conclusion } from './types.js';

/** Run one step in `frame`; updates the frame's status and steps context. */
export async function runStep(
  run: JobRun,
  frame: Frame,
  spec: StepSpec,
  preState: Map<StepSpec, Record<string, string>>,
): Promise<void> {
  const started = Date.now();
  let env = run.envContext(frame);
  let scope = run.scope(frame, env);
  let name = spec.id;
  let outcome: Conclusion = 'success';
  let outputs: Record<string, string> = {};
  let ran = false;
  try {
    name = frame.prefix + spec.name(scope);
  } catch {
    // a name that does not evaluate falls back to the id
  }
  const envBefore = { ...run.globalEnv };
  try {
    // The step's own env is evaluated first, so its `if:` sees it (StepsRunner merges the step's
    // env block into the env context before it evaluates the condition).
    env = spec.env(scope, env);
    scope = run.scope(frame, env);
    if (!spec.condition(scope)) {
      run.log(`Skipped: ${name}`, name);
      record(run, frame, spec, name, 'skipped', 'skipped', {}, started);
      return;
    }
    run.shared.emit({ kind: 'step-start', job: run.input.displayName, step: name, text: name });
    ran = true;
    const timeoutMinutes = stepTimeout(run, spec, scope, name);
    const result = await executeStep(run, frame, spec, scope, env, name, preState, timeoutMinutes);
    outcome = result.outcome;
    outputs = result.outputs;
  } catch (error) {
    run.annotate('error', error instanceof Error ? error.message : String(error), name);
    outcome = 'failure';
  }
  const continueOnError =
    ran && outcome === 'failure' && continuesOnError(run, frame, spec, env, envBefore, outputs, name);
  const conclusion: Conclusion = continueOnError ? 'success' : outcome;
  if (conclusion === 'failure') frame.status = 'failure';
  record(run, frame, spec, name, outcome, conclusion, outputs, started);
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
function continuesOnError(
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
  const scope = run.scope(frame, env);
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

function record(
  run: JobRun,
  frame: Frame,
  spec: StepSpec,
  name: string,
  outcome: Conclusion,
  conclusion: Conclusion,
  outputs: Record<string, string>,
  started: number,
): void {
  if (spec.explicitId) frame.steps[spec.id] = { outputs, outcome, conclusion };
  if (frame.depth === 0)
    run.stepResults.push({
      id: spec.id,
      name,
      outcome,
      conclusion,
      outputs,
      durationMs: Date.now() - started,
    });
  if (outcome !== 'skipped') {
    run.shared.emit({
      kind: 'step-end',
      job: run.input.displayName,
      step: name,
      text: outcome === conclusion ? outcome : `${outcome} (continue-on-error)`,
    });
  }
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
    const args = shell.args.map((arg) => arg.replace('{0}', scriptPath));
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
    preState.get(spec) ?? {},
  );
}
