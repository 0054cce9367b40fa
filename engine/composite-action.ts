/** Composite actions: their steps run in a frame of their own, nested up to 9 levels, then their outputs. */
import { isAbsolute, join, relative } from 'node:path';
import { manifestPath } from '../shared/action-manifest.js';
import type { ActionSource } from './actions.js';
import { asString, interpolate } from './expressions.js';
import type { Frame, JobRun, StepOutcome } from './job-run.js';
import { compositeStepSpec, type StepSpec } from './step-spec.js';
import { runStep } from './steps.js';

export async function runComposite(
  run: JobRun,
  parent: Frame,
  spec: StepSpec,
  source: ActionSource & { kind: 'action' },
  inputs: Record<string, string>,
  env: Record<string, string>,
  name: string,
): Promise<StepOutcome> {
  if (parent.depth >= 9) throw new Error(`${name}: composite actions are nested more than 9 levels deep`);
  const frame = compositeFrame(run, parent, spec, source, inputs, env, name);
  const preState = new Map<StepSpec, Record<string, string>>();
  for (const child of compositeSteps(run, source)) await runStep(run, frame, child, preState);
  const outputs: Record<string, string> = {};
  const scope = run.scope(frame, run.envContext(frame), { action_path: source.dir });
  for (const output of source.manifest.outputs) {
    try {
      outputs[output.name] = asString(output.value === undefined ? '' : interpolate(output.value, scope));
    } catch (error) {
      run.annotate('error', `${name}: output '${output.name}': ${(error as Error).message}`, name);
      frame.status = 'failure';
    }
  }
  return {
    outcome: frame.status === 'success' ? 'success' : frame.status === 'cancelled' ? 'cancelled' : 'failure',
    outputs,
  };
}

/** The frame the steps of a composite action run in, as the step `spec` of `parent` uses it. */
export function compositeFrame(
  run: JobRun,
  parent: Frame,
  spec: StepSpec,
  source: ActionSource & { kind: 'action' },
  inputs: Record<string, string>,
  env: Record<string, string>,
  name: string,
): Frame {
  return {
    steps: {},
    inputs,
    // The calling step's own env applies to every step of the action.
    envOverlay: Object.fromEntries(
      Object.entries(env).filter(([key, value]) => run.envContext(parent)[key] !== value),
    ),
    // success() and failure() in its steps look at the action's own result, which starts as
    // success whatever the job's is (actions/runner CompositeActionHandler.RunStepsAsync sets
    // github.action_status from it; SuccessFunction/FailureFunction read that for embedded steps).
    // cancelled() stays the job's (JobRun.scope).
    status: 'success',
    action: { path: source.dir, repository: source.repository, ref: source.ref },
    defaults: {},
    prefix: `${name} / `,
    depth: parent.depth + 1,
    stepPath: `${parent.stepPath}/${spec.id}`,
  };
}

/** The steps of a composite action. */
export function compositeSteps(run: JobRun, source: ActionSource & { kind: 'action' }): StepSpec[] {
  const rawSteps = source.manifest.runs['steps'] as Array<Record<string, unknown>>;
  // Named as GitHub names a workflow file: relative to the repository when the action is in it.
  const manifest = manifestPath(source.dir) ?? join(source.dir, 'action.yml');
  const inWorkspace = relative(run.workspace, manifest);
  const manifestFile = inWorkspace.startsWith('..') || isAbsolute(inWorkspace) ? manifest : inWorkspace;
  return rawSteps.map((raw, index) => compositeStepSpec(raw, index, manifestFile));
}
