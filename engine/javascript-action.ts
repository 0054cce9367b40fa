/**
 * JavaScript actions: `pre` before the job's first step, `main` when the step runs (registering its
 * `post`), and `post` steps in reverse order after the last step, each with its inputs and state.
 */
import { join } from 'node:path';
import { resolveAction, type ActionSource } from './actions.js';
import { actionInputs, inputsEnv, stateEnv } from './action-inputs.js';
import { evaluateCondition } from './expressions.js';
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

/** Pre steps of JavaScript actions, in step order, before the first step. */
export async function runPreSteps(
  run: JobRun,
  frame: Frame,
  specs: StepSpec[],
  preState: Map<StepSpec, Record<string, string>>,
): Promise<void> {
  for (const spec of specs) {
    // A local action's pre: does not run (runJavaScriptMain warns when its main step runs).
    if (!spec.uses || spec.uses.startsWith('docker://') || isLocal(spec.uses)) continue;
    let source: ActionSource;
    try {
      source = resolveAction(spec.uses, run.workspace, run.shared.actionMap, spec.uses);
    } catch {
      continue; // reported when the step itself runs
    }
    if (source.kind !== 'action' || typeof source.manifest.runs['pre'] !== 'string') continue;
    const env = run.envContext(frame);
    let scope = run.scope(frame, env, { action: spec.id });
    const name = `Pre ${spec.name(scope)}`;
    const preIf =
      typeof source.manifest.runs['pre-if'] === 'string'
        ? (source.manifest.runs['pre-if'] as string)
        : 'always()';
    if (!evaluateCondition(preIf, scope, 'always()')) {
      run.log(`Skipped: ${name}`, name);
      continue;
    }
    run.shared.emit({ kind: 'step-start', job: run.input.displayName, step: name, text: name });
    const stepEnv = spec.env(scope, env);
    scope = run.scope(frame, stepEnv, { action: spec.id });
    const inputs = actionInputs(run, source.manifest, spec.with(scope), scope, name);
    const result = await execProcess(
      run,
      name,
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
    preState.set(spec, result.state);
    if (!result.ok) frame.status = 'failure';
    run.shared.emit({
      kind: 'step-end',
      job: run.input.displayName,
      step: name,
      text: result.ok ? 'success' : 'failure',
    });
  }
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
