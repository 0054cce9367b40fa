/**
 * Running one job (one matrix leg) on the host: its workspace, env and defaults, timeout, pre steps,
 * the steps in order with GitHub's status rules, post steps in reverse, job outputs, cleanup.
 * The pieces live beside it: job-run.ts (the job's shared state), steps.ts (one step), step-process.ts
 * (a step's process), javascript-action.ts, composite-action.ts, checkout.ts, job-outputs.ts and
 * process-cleanup.ts.
 */
import { rm } from 'node:fs/promises';
import { BackgroundSteps } from './background-steps.js';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { asString, evaluateEnvMap, evaluateToken, type ExpressionScope, type ToText } from './expressions.js';
import { runPostSteps, runPreSteps } from './javascript-action.js';
import { jobEnvironmentResult, jobOutputs } from './job-outputs.js';
import { JobRun, type Frame, type JobInput } from './job-run.js';
import { cleanUpProcesses } from './process-cleanup.js';
import { workflowStepSpec, type StepSpec } from './step-spec.js';
import { runStep } from './steps.js';
import {
  expectBoolean,
  expectNumber,
  expectString,
  jobEvaluationError,
  positionOf,
  templateNotValid,
  timeoutLimit,
} from './template-values.js';
import type { Conclusion, JobResult } from './types.js';
import type { JobModel } from './workflow.js';

/** Run a job leg to completion. Never throws: problems become a failed job with an annotation. */
export async function runJob(input: JobInput): Promise<JobResult> {
  const started = Date.now();
  const run = new JobRun(input);
  const { shared, job, scope: wf } = input;
  const frame: Frame = {
    steps: {},
    inputs: wf.inputs,
    envOverlay: {},
    status: 'success',
    action: undefined,
    defaults: {},
    prefix: '',
    depth: 0,
    stepPath: '',
  };
  let outputs: Record<string, string> = {};
  let environment: JobResult['environment'];
  let jobContinueOnError = false;
  let timer: NodeJS.Timeout | undefined;
  const background = new BackgroundSteps(run, frame);
  const onAbort = (): void => {
    run.status = 'cancelled';
    frame.status = 'cancelled';
  };
  shared.emit({ kind: 'job-start', job: input.displayName, text: input.displayName });
  try {
    await run.setUp();
    const baseScope = run.scope(frame, { ...(shared.options.env ?? {}) });
    // Env values are strings: a mapping or sequence fails the job with the evaluator's message.
    const toText: ToText = (value, at) => expectString(value, positionOf(at, wf.relativePath));
    const workflowEnv = evaluateEnvMap(wf.model.env, baseScope, { ...(shared.options.env ?? {}) }, toText);
    run.jobEnv = evaluateEnvMap(job.env, run.scope(frame, workflowEnv), workflowEnv, toText);
    const defaults = {
      ...readDefaults(wf.model.defaults, run.scope(frame, run.jobEnv)),
      ...readDefaults(job.defaults, run.scope(frame, run.jobEnv)),
    };
    frame.defaults = defaults;
    // Evaluated by GitHub before the job starts (WorkflowTemplateEvaluator.EvaluateJobContinueOnError
    // and EvaluateJobTimeout): a value of the wrong type fails the job before its first step.
    const jobScope = run.scope(frame, run.jobEnv);
    // Absent: GitHub's 360 minutes; 0 (or a fraction of a minute, truncated to 0): no limit.
    const timeout = jobTimeoutMinutes(job, wf.relativePath, jobScope);
    jobContinueOnError = jobContinueOnErrorValue(job, wf.relativePath, jobScope);
    // The job's own signal: the leg's (fail-fast, run cancel) or its timeout.
    const controller = new AbortController();
    if (timeout !== undefined) {
      timer = setTimeout(
        () => {
          run.annotate(
            'error',
            `The job running on runner paved has exceeded the maximum execution time of ${timeout} minutes.`,
            undefined,
          );
          controller.abort();
        },
        timeout * (shared.options.minuteMs ?? 60_000),
      );
      timer.unref();
    }
    if (input.signal.aborted) controller.abort();
    else input.signal.addEventListener('abort', () => controller.abort(), { once: true });
    controller.signal.addEventListener('abort', onAbort, { once: true });
    if (controller.signal.aborted) onAbort();
    run.signal = controller.signal;
    if (job.container)
      run.annotate(
        'warning',
        "'container:' is ignored: paved run runs the job's steps on the host",
        undefined,
      );
    if (job.services)
      run.annotate(
        'warning',
        "'services:' are not started: paved run has no Docker; start them yourself (see paved sandbox)",
        undefined,
      );
    const specs = job.steps.map((step) => workflowStepSpec(step, wf.relativePath));
    const preState = new Map<StepSpec, Record<string, string>>();
    // A parallel group's steps have their pre steps too, in step order.
    const allSpecs = specs.flatMap((spec) =>
      spec.control?.kind === 'parallel' ? [spec, ...spec.control.steps] : [spec],
    );
    await runPreSteps(run, frame, allSpecs, preState);
    for (const spec of specs) {
      if (spec.control) await background.control(spec, spec.control, preState);
      else await runStep(run, frame, spec, preState, background);
      if (frame.status === 'failure' && run.status === 'success') run.status = 'failure';
    }
    // Background steps still running finish before post steps (the runner's implicit wait-all).
    if ((await background.finish()) === 'failure') frame.status = 'failure';
    await runPostSteps(run);
    if (run.status !== 'cancelled' && frame.status === 'failure') run.status = 'failure';
    outputs = jobOutputs(run, frame);
    environment = jobEnvironmentResult(run, frame);
  } catch (error) {
    run.annotate('error', templateNotValid(error), undefined);
    if (run.status !== 'cancelled') run.status = 'failure';
  } finally {
    if (timer) clearTimeout(timer);
    background.stopAll();
    cleanUpProcesses(run.trackingId);
    // Removed as soon as the job ends, so the cost overlaps with jobs still running.
    if (!shared.options.keepTemp)
      await rm(run.jobDir, { recursive: true, force: true }).catch(() => undefined);
  }
  const outcome: Conclusion = run.status;
  const conclusion: Conclusion = outcome === 'failure' && jobContinueOnError ? 'success' : outcome;
  const result: JobResult = {
    id: `${wf.idPrefix}${job.id}`,
    name: input.displayName,
    matrix: input.matrix,
    outcome,
    conclusion,
    outputs,
    steps: run.stepResults,
    durationMs: Date.now() - started,
    summary: run.summary,
    workspace: shared.options.bind ? undefined : run.workspace,
    ...(input.extras
      ? {
          permissions: input.extras.permissions,
          ...(input.extras.environment
            ? { environment: environment ?? { name: input.extras.environment.name } }
            : {}),
        }
      : {}),
  };
  shared.emit({ kind: 'job-end', job: input.displayName, text: conclusion });
  return result;
}

function readDefaults(
  token: TemplateToken | undefined,
  scope: ExpressionScope,
): { shell?: string; workingDirectory?: string } {
  if (!token) return {};
  const value = evaluateToken(token, scope);
  const runDefaults = value && typeof value === 'object' && !Array.isArray(value) ? value['run'] : undefined;
  if (!runDefaults || typeof runDefaults !== 'object' || Array.isArray(runDefaults)) return {};
  const out: { shell?: string; workingDirectory?: string } = {};
  if (runDefaults['shell'] !== undefined && runDefaults['shell'] !== null)
    out.shell = asString(runDefaults['shell']);
  if (runDefaults['working-directory'] !== undefined && runDefaults['working-directory'] !== null)
    out.workingDirectory = asString(runDefaults['working-directory']);
  return out;
}

/** A job's `continue-on-error` (false when absent); throws GitHub's error for a non-boolean. */
export function jobContinueOnErrorValue(job: JobModel, file: string, scope: ExpressionScope): boolean {
  if (job.continueOnError === undefined) return false;
  try {
    return expectBoolean(evaluateToken(job.continueOnError, scope), positionOf(job.continueOnError, file));
  } catch (error) {
    throw jobEvaluationError('continue-on-error', job.id, error);
  }
}

/** A job's timeout in minutes (360 when absent, undefined for none); throws GitHub's error for a non-number. */
function jobTimeoutMinutes(job: JobModel, file: string, scope: ExpressionScope): number | undefined {
  if (job.timeoutMinutes === undefined) return 360;
  try {
    return timeoutLimit(
      expectNumber(evaluateToken(job.timeoutMinutes, scope), positionOf(job.timeoutMinutes, file)),
    );
  } catch (error) {
    throw jobEvaluationError('timeout-minutes', job.id, error);
  }
}
