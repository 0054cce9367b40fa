/** What a finished job reports: its `outputs:`, its environment URL, and its step summary file. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { environmentUrl } from './environments.js';
import { evaluateStringMap } from './expressions.js';
import type { Frame, JobRun } from './job-run.js';
import { templateNotValid } from './template-values.js';
import type { JobResult } from './types.js';

export function jobOutputs(run: JobRun, frame: Frame): Record<string, string> {
  const outputs: Record<string, string> = {};
  if (!run.input.job.outputs) return outputs;
  const scope = run.scope(frame, run.envContext(frame));
  let values: Record<string, string>;
  try {
    values = evaluateStringMap(run.input.job.outputs, scope);
  } catch (error) {
    // JobExtension.FinalizeJob: the job fails, with the runner's two lines.
    failJob(run, 'Fail to evaluate job outputs', error);
    return outputs;
  }
  let size = 0;
  for (const [key, value] of Object.entries(values)) {
    if (run.shared.masker.contains(value)) {
      run.annotate('warning', `Skip output '${key}' since it may contain secret.`, undefined);
      continue;
    }
    outputs[key] = value;
    size += Buffer.byteLength(value);
  }
  // "Outputs can be a maximum of 1 MB per job" (Workflow syntax, jobs.<job_id>.outputs): more fails the
  // job, with GitHub's message, and no output reaches the jobs that need it.
  if (size > MAX_JOB_OUTPUTS_BYTES) {
    run.annotate(
      'error',
      `Job outputs exceed ${MAX_JOB_OUTPUTS_BYTES.toLocaleString('en-US')} bytes`,
      undefined,
    );
    if (run.status !== 'cancelled') run.status = 'failure';
    return {};
  }
  return outputs;
}

/** GitHub's limit on the outputs of one job. */
export const MAX_JOB_OUTPUTS_BYTES = 1024 * 1024;

/** The job fails after `what` could not be evaluated (the runner's line, then the error). */
function failJob(run: JobRun, what: string, error: unknown): void {
  run.annotate('error', what, undefined);
  run.annotate('error', templateNotValid(error), undefined);
  if (run.status !== 'cancelled') run.status = 'failure';
}

/** The job's environment with its URL, which may use step outputs (`url: ${{ steps.deploy.outputs.url }}`). */
export function jobEnvironmentResult(run: JobRun, frame: Frame): JobResult['environment'] {
  const environment = run.input.extras?.environment;
  if (!environment) return undefined;
  try {
    const url = environmentUrl(environment, run.scope(frame, run.envContext(frame)));
    return url ? { name: environment.name, url } : { name: environment.name };
  } catch (error) {
    failJob(run, 'Failed to evaluate environment url', error);
    return { name: environment.name };
  }
}

/** Append a job's summary to `<dir>/<name>.md`. */
export function writeSummary(dir: string, jobName: string, summary: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${jobName.replace(/[^A-Za-z0-9_.-]+/g, '_')}.md`);
  appendFileSync(file, summary);
  return file;
}
