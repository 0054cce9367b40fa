/**
 * JavaScript actions: `pre` before the job's first step (also of those inside composite actions),
 * `main` when the step runs (registering its `post`), and `post` steps in reverse order after the
 * last step, each with its inputs and state.
 */
import { join } from 'node:path';
import { resolveAction, type ActionSource } from './actions.js';
import { actionInputs, inputsEnv, stateEnv } from './action-inputs.js';
import { compositeFrame, compositeSteps } from './composite-action.js';
import { evaluateCondition, type ExpressionScope, type Value } from './expressions.js';
import type { Frame, JobRun, StepOutcome } from './job-run.js';
import { execProcess, stepOutcome } from './step-process.js';
import type { StepSpec } from './step-spec.js';

/** A JavaScript action's `main`, with the state its `pre` saved; registers its `post` to run at job end. */
export async function runJavaScriptMain(
  run: JobRun,
  frame: Frame,
  spec: StepSpec,
  source: ActionSource & { kind: 'action' },
  inputs: Record<string, string>,
  env: Record<string, string>,
  name: string,
  timeoutMinutes: number | undefined,
  state: Record<string, string>,
): Promise<StepOutcome> {
  const manifest = source.manifest;
  // The runner cannot run a local action's pre: before the job's steps the action is not checked
  // out yet; it says so as a warning of the main step (ActionRunner.RunAsync). Its post: still runs.
  if (typeof manifest.runs['pre'] === 'string' && spec.uses !== undefined && isLocal(spec.uses))
    run.annotate('warning', `\`pre\` execution is not supported for local action from '${spec.uses}'`, name);
  const action = { path: source.dir, repository: source.repository, ref: source.ref };
  const main = join(source.dir, String(manifest.runs['main']));
  const result = await execProcess(run, name, spec.id, run.shared.nodePath, [main], {
    env,
    extraEnv: { ...inputsEnv(inputs), ...stateEnv(state) },
    cwd: run.workspace,
    timeoutMinutes,
    action,
    isScript: false,
  });
  Object.assign(state, result.state);
  if (typeof manifest.runs['post'] === 'string') {
    run.posts.push({
      name: `Post ${name}`,
      condition:
        typeof manifest.runs['post-if'] === 'string' ? (manifest.runs['post-if'] as string) : 'always()',
      script: join(source.dir, manifest.runs['post'] as string),
      source,
      inputsEnv: inputsEnv(inputs),
      stepEnv: env,
      state,
      frame,
      stepId: spec.id,
    });
  }
  return { outcome: stepOutcome(result), outputs: result.outputs };
}

/**
 * Pre steps, in step order, before the first step: of JavaScript actions, and of the actions inside
 * composite actions from a repository (`--action-map`), which run as the composite step's one pre
 * step (actions/runner ActionManager.PrepareActionsRecursiveAsync collects them at job start;
 * CompositeActionHandler runs them in its Pre stage).
 */
export async function runPreSteps(
  run: JobRun,
  frame: Frame,
  specs: StepSpec[],
  preState: Map<StepSpec, Record<string, string>>,
): Promise<void> {
  for (const spec of specs) {
    // A local action's pre: does not run (runJavaScriptMain warns when its main step runs).
    const source = repositoryAction(run, spec);
    if (!source) continue;
    const env = run.envContext(frame);
    const name = `Pre ${spec.name(run.scope(frame, env, { action: spec.id }))}`;
    const step = new PreStep(run, name);
    if (source.manifest.runs.using.toLowerCase() === 'composite') {
      if (hasEmbeddedPre(run, source, 0)) await runEmbeddedPreSteps(run, frame, spec, source, env, step, 0);
    } else if (typeof source.manifest.runs['pre'] === 'string') {
      const state = await runActionPre(run, frame, spec, source, env, step);
      if (state) preState.set(spec, state);
    }
    if (step.end() === 'failure') frame.status = 'failure';
  }
}

/** One pre step in the log: started when the first process in it runs, failed when any failed. */
class PreStep {
  private started = false;
  private failed = false;

  constructor(
    private readonly run: JobRun,
    readonly name: string,
  ) {}

  begin(): void {
    if (this.started) return;
    this.started = true;
    this.run.shared.emit({
      kind: 'step-start',
      job: this.run.input.displayName,
      step: this.name,
      text: this.name,
    });
  }

  fail(): void {
    this.failed = true;
  }

  end(): 'success' | 'failure' | 'skipped' {
    if (!this.started) return 'skipped';
    const text = this.failed ? 'failure' : 'success';
    this.run.shared.emit({ kind: 'step-end', job: this.run.input.displayName, step: this.name, text });
    return text;
  }
}

/** The action of a `uses:` step that comes from a repository (not `./`, not Docker), if it resolves. */
function repositoryAction(run: JobRun, spec: StepSpec): (ActionSource & { kind: 'action' }) | undefined {
  if (!spec.uses || spec.uses.startsWith('docker://') || isLocal(spec.uses)) return undefined;
  try {
    const source = resolveAction(spec.uses, run.workspace, run.shared.actionMap, spec.uses);
    return source.kind === 'action' ? source : undefined;
  } catch {
    return undefined; // reported when the step itself runs
  }
}

/** A composite action's steps, or none when they cannot be read (reported when its step runs). */
function stepsOf(run: JobRun, source: ActionSource & { kind: 'action' }): StepSpec[] {
  try {
    return compositeSteps(run, source);
  } catch {
    return [];
  }
}

/** Whether a composite action has, at any depth, a repository action with a `pre:`. */
function hasEmbeddedPre(run: JobRun, source: ActionSource & { kind: 'action' }, depth: number): boolean {
  if (depth >= 9) return false;
  return stepsOf(run, source).some((child) => {
    const nested = repositoryAction(run, child);
    if (!nested) return false;
    if (nested.manifest.runs.using.toLowerCase() === 'composite')
      return hasEmbeddedPre(run, nested, depth + 1);
    return typeof nested.manifest.runs['pre'] === 'string';
  });
}

/**
 * The pre steps of the actions inside the composite action that `spec` of `parent` uses, with the
 * inputs and env they will have in the main stage; each one's state is kept for its main and post.
 */
async function runEmbeddedPreSteps(
  run: JobRun,
  parent: Frame,
  spec: StepSpec,
  source: ActionSource & { kind: 'action' },
  env: Record<string, string>,
  step: PreStep,
  depth: number,
): Promise<void> {
  const scope = run.scope(parent, env, { action: spec.id });
  const stepEnv = spec.env(scope, env);
  const stepScope = run.scope(parent, stepEnv, { action: spec.id });
  const actionScope: ExpressionScope = {
    ...stepScope,
    contexts: {
      ...stepScope.contexts,
      github: { ...(stepScope.contexts['github'] as Record<string, Value>), action_path: source.dir },
    },
  };
  const inputs = actionInputs(run, source.manifest, spec.with(stepScope), actionScope, step.name);
  const frame = compositeFrame(run, parent, spec, source, inputs, stepEnv, step.name);
  for (const child of stepsOf(run, source)) {
    const nested = repositoryAction(run, child);
    if (!nested) continue;
    const childEnv = run.envContext(frame);
    if (nested.manifest.runs.using.toLowerCase() === 'composite') {
      if (depth < 8 && hasEmbeddedPre(run, nested, depth + 1))
        await runEmbeddedPreSteps(run, frame, child, nested, childEnv, step, depth + 1);
    } else if (typeof nested.manifest.runs['pre'] === 'string') {
      const state = await runActionPre(run, frame, child, nested, childEnv, step);
      if (state) run.embeddedPreState.set(`${frame.stepPath}/${child.id}`, state);
    }
  }
}

/** A JavaScript action's `pre:` when its `pre-if` holds; the state it saved, undefined when skipped. */
async function runActionPre(
  run: JobRun,
  frame: Frame,
  spec: StepSpec,
  source: ActionSource & { kind: 'action' },
  env: Record<string, string>,
  step: PreStep,
): Promise<Record<string, string> | undefined> {
  let scope = run.scope(frame, env, { action: spec.id });
  const preIf =
    typeof source.manifest.runs['pre-if'] === 'string'
      ? (source.manifest.runs['pre-if'] as string)
      : 'always()';
  if (!evaluateCondition(preIf, scope, 'always()')) {
    run.log(`Skipped: ${step.name}`, step.name);
    return undefined;
  }
  step.begin();
  const stepEnv = spec.env(scope, env);
  scope = run.scope(frame, stepEnv, { action: spec.id });
  const inputs = actionInputs(run, source.manifest, spec.with(scope), scope, step.name);
  const result = await execProcess(
    run,
    step.name,
    spec.id,
    run.shared.nodePath,
    [join(source.dir, source.manifest.runs['pre'] as string)],
    {
      env: stepEnv,
      extraEnv: inputsEnv(inputs),
      cwd: run.workspace,
      timeoutMinutes: undefined,
      action: { path: source.dir, repository: source.repository, ref: source.ref },
      isScript: false,
    },
  );
  if (!result.ok) step.fail();
  return result.state;
}

export async function runPostSteps(run: JobRun): Promise<void> {
  for (const post of [...run.posts].reverse()) {
    const scope = run.scope(post.frame, post.stepEnv, { action: post.stepId });
    let ok: boolean;
    try {
      ok = evaluateCondition(post.condition, { ...scope, status: { status: () => run.status } }, 'always()');
    } catch (error) {
      run.annotate('error', (error as Error).message, post.name);
      continue;
    }
    if (!ok) {
      run.log(`Skipped: ${post.name}`, post.name);
      continue;
    }
    run.shared.emit({ kind: 'step-start', job: run.input.displayName, step: post.name, text: post.name });
    const result = await execProcess(run, post.name, post.stepId, run.shared.nodePath, [post.script], {
      env: post.stepEnv,
      extraEnv: { ...post.inputsEnv, ...stateEnv(post.state) },
      cwd: run.workspace,
      timeoutMinutes: undefined,
      action: { path: post.source.dir, repository: post.source.repository, ref: post.source.ref },
      isScript: false,
    });
    if (!result.ok && run.status === 'success') run.status = 'failure';
    run.shared.emit({
      kind: 'step-end',
      job: run.input.displayName,
      step: post.name,
      text: result.ok ? 'success' : 'failure',
    });
  }
}

function isLocal(uses: string): boolean {
  return uses === '.' || uses.startsWith('./');
}
