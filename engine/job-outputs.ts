/** What a finished job reports: its `outputs:`, its environment URL, and its step summary file. */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { environmentUrl } from './environments.js';
import { evaluateStringMap } from './expressions.js';
import type { Frame, JobRun } from './job-run.js';
import type { JobResult } from './types.js';

export function jobOutputs(run: JobRun, frame: Frame): Record<string, string> {
  const outputs: Record<string, string> = {};
  if (!run.input.job.outputs) return outputs;
  const scope = run.scope(frame, run.envContext(frame));
  let values: Record<string, string>;
  try {
    values = evaluateStringMap(run.input.job.outputs, scope);
  } catch (error) {
    run.annotate('error', `Job outputs: ${(error as Error).message}`, undefined);
    return outputs;
  }
  for (const [key, value] of Object.entries(values)) {
    if (run.shared.masker.contains(value)) {
      run.annotate('warning', `Skip output '${key}' since it may contain secret.`, undefined);
      continue;
    }
    outputs[key] = value;
  }
  return outputs;
}

/** The job's environment with its URL, which may use step outputs (`url: ${{ steps.deploy.outputs.url }}`). */
export function jobEnvironmentResult(run: JobRun, frame: Frame): JobResult['environment'] {
  const environment = run.input.extras?.environment;
  if (!environment) return undefined;
  try {
    const url = environmentUrl(environment, run.scope(frame, run.envContext(frame)));
    return url ? { name: environment.name, url } : { name: environment.name };
  } catch (error) {
    run.annotate('error', `environment url: ${(error as Error).message}`, undefined);
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
