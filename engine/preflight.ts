/** Checking every `uses:` of a run before anything runs, so that a bad reference runs nothing. */
import { join } from 'node:path';
import { manifestPath } from '../shared/action-manifest.js';
import { EngineUsageError, isCheckout, resolveAction, resolveWorkflowRef } from './actions.js';
import type { Runner } from './job-graph.js';
import { MAX_WORKFLOW_DEPTH } from './reusable-workflow.js';
import { callProblems } from './workflow-inputs.js';
import { orderJobs, WorkflowSyntaxError, type WorkflowModel } from './workflow.js';

/** Check every `uses:` (recursively through composite actions and called workflows) before anything runs. */
export async function preflight(
  runner: Runner,
  model: WorkflowModel,
  selected: Set<string> | undefined,
  depth: number,
  seen: Set<string>,
): Promise<void> {
  const shared = runner.shared;
  orderJobs(model.jobs, model.file);
  // Every call's problems are reported together, as GitHub lists them.
  const callErrors: string[] = [];
  for (const job of model.jobs) {
    if (selected && !selected.has(job.id)) continue;
    if (job.kind === 'reusable') {
      const where = `${model.file}: job '${job.id}'`;
      const path = resolveWorkflowRef(job.uses as string, shared.repo.root, shared.actionMap, where);
      if (depth + 1 > MAX_WORKFLOW_DEPTH)
        throw new EngineUsageError(
          `${where}: reusable workflows are nested more than ${MAX_WORKFLOW_DEPTH} levels deep (GitHub allows the caller and ${MAX_WORKFLOW_DEPTH} levels of reusable workflows)`,
        );
      const callee = await runner.loadCached(path);
      if (!callee.events.includes('workflow_call'))
        throw new EngineUsageError(
          `${where}: ${callee.file} cannot be called: it has no 'on: workflow_call'`,
        );
      callErrors.push(...callProblems(job, model.file, callee));
      if (!seen.has(path)) {
        seen.add(path);
        await preflight(runner, callee, undefined, depth + 1, seen);
      }
      continue;
    }
    // A checkout into a sub-path can bring local actions that are not in the repository itself;
    // those are checked when their step runs.
    let checkedOutElsewhere = false;
    // A parallel group's steps are resolved like the job's own.
    const steps = job.steps.flatMap((step) =>
      step.control?.kind === 'parallel' ? step.control.steps : [step],
    );
    for (const step of steps) {
      if (!step.uses) continue;
      if (isCheckout(step.uses) && step.with) checkedOutElsewhere = true;
      if (checkedOutElsewhere && step.uses.startsWith('./')) continue;
      // GitHub loads a local action when its step runs, from the workspace as the earlier steps
      // left it ("the path is relative to github.workspace"; actions/runner ActionManager prepares
      // only repository actions up front). An earlier step may create it, so one that is not in the
      // repository yet is checked when its step runs, and a missing one fails that step.
      if (isLocal(step.uses) && !manifestPath(join(runner.shared.repo.root, step.uses))) continue;
      checkAction(runner, step.uses, `${model.file}:${step.line ?? 0}: job '${job.id}'`, 0);
    }
  }
  if (callErrors.length) throw new WorkflowSyntaxError(callErrors);
}

function checkAction(runner: Runner, uses: string, where: string, depth: number): void {
  const source = resolveAction(uses, runner.shared.repo.root, runner.shared.actionMap, where);
  if (source.kind !== 'action' || source.manifest.runs.using.toLowerCase() !== 'composite' || depth > 8)
    return;
  for (const raw of source.manifest.runs['steps'] as Array<Record<string, unknown>>) {
    if (typeof raw['uses'] === 'string') {
      const nested = raw['uses'] as string;
      // Inside a composite action `./` still means the workspace (the repository), and such an
      // action is loaded when its step runs, as at the top level (actions/runner
      // ActionManager.PrepareActionsRecursiveAsync prepares only repository actions up front): one
      // that is not in the repository fails its step if the step runs, and nothing if it is skipped.
      if (isLocal(nested) && !manifestPath(join(runner.shared.repo.root, nested))) continue;
      checkAction(runner, nested, `${source.manifest.path}: step 'uses: ${nested}'`, depth + 1);
    }
  }
}

function isLocal(uses: string): boolean {
  return uses === '.' || uses.startsWith('./');
}
