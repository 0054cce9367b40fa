/**
 * The engine behind `paved run`: executes GitHub Actions workflows on the host, as GitHub would.
 *
 * ```ts
 * const result = await runWorkflow({ workflow: '.github/workflows/ci.yml', onLog: (e) => console.log(e.text) });
 * result.exitCode; result.jobs[0].outputs;
 * ```
 */
export { runWorkflow, SYNTHETIC_PULL_REQUEST_NUMBER } from './run.js';
export { EngineUsageError } from './actions.js';
export { WorkflowSyntaxError, loadWorkflow } from './workflow.js';
export type {
  Annotation,
  Conclusion,
  JobResult,
  LogEvent,
  RunOptions,
  RunResult,
  StepResult,
  WorkflowRunResult,
} from './types.js';
