/** The actions/checkout emulation: the local working tree (or a mapped repository) copied into the workspace. */
import { EngineUsageError } from './actions.js';
import { resolveDir, type JobRun, type StepOutcome } from './job-run.js';
import { cloneTree, copyRepository } from './repo.js';

/** actions/checkout: the repository is copied in (or, with --bind, already is the workspace). */
export async function checkout(
  run: JobRun,
  given: Record<string, string>,
  name: string,
): Promise<StepOutcome> {
  const repository = given['repository'];
  const own = `${run.shared.repo.owner}/${run.shared.repo.name}`;
  const target = resolveDir(run.workspace, given['path']);
  if (repository && repository.toLowerCase() !== own.toLowerCase()) {
    const mapped = Object.entries(run.shared.actionMap).find(
      ([key]) => key.toLowerCase().replace(/@.*$/, '') === repository.toLowerCase(),
    );
    if (!mapped)
      throw new EngineUsageError(
        `${name}: checking out another repository (${repository}) needs a local copy; pass --action-map ${repository}=DIR`,
      );
    await copyRepository(mapped[1], target, undefined, undefined);
    run.log(`Copied ${mapped[1]} into ${target}`, name);
    return { outcome: 'success', outputs: {} };
  }
  if (given['ref'])
    run.log(`ref '${given['ref']}' ignored: paved run checks out the local working tree`, name);
  if (run.shared.options.bind && target === run.workspace) {
    run.log(`The workspace is the repository itself (--bind): ${run.workspace}`, name);
  } else if (target !== run.workspace || run.workspaceTouched) {
    await cloneTree(await run.shared.template(), target);
    run.log(`Copied the working tree of ${run.shared.repo.root} into ${target}`, name);
  } else {
    run.log(`The workspace already holds the working tree of ${run.shared.repo.root}`, name);
  }
  return { outcome: 'success', outputs: {} };
}
