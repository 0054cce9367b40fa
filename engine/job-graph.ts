/**
 * Scheduling a workflow's jobs: each starts when the jobs it `needs` have finished (independent ones
 * in parallel), its `if:` against the upstream results, matrix legs with fail-fast and max-parallel,
 * admission (environments, concurrency) and a job slot before a leg runs.
 */
import { relative } from 'node:path';
import { BasicExpressionToken } from '@actions/workflow-parser/templates/tokens/basic-expression-token';
import { StringToken } from '@actions/workflow-parser/templates/tokens/string-token';
import { admitJob } from './admission.js';
import { Slots, workflowDisplayName, type RunShared, type WorkflowScope } from './context.js';
import {
  asString,
  evaluate,
  evaluateToken,
  isTruthy,
  type ExpressionScope,
  type Value,
} from './expressions.js';
import { runJob } from './job.js';
import { expandMatrixLegs, jobDisplayName, type ExpandedLeg, type MatrixLeg } from './matrix.js';
import { runReusable } from './reusable-workflow.js';
import type { Conclusion, JobResult } from './types.js';
import { loadWorkflow, orderJobs, type JobModel, type WorkflowModel } from './workflow.js';

export interface JobOutcome {
  result: Conclusion;
  outputs: Record<string, string>;
}

/** One run's job graphs: the workflows it loaded, each job's outcome, and every job result in report order. */
export class Runner {
  private readonly workflowCache = new Map<string, Promise<WorkflowModel>>();
  readonly results: JobResult[] = [];

  constructor(readonly shared: RunShared) {}

  loadCached(path: string): Promise<WorkflowModel> {
    let loaded = this.workflowCache.get(path);
    if (!loaded) {
      loaded = loadWorkflow(path, relative(this.shared.repo.root, path) || path);
      this.workflowCache.set(path, loaded);
    }
    return loaded;
  }

  /** Run a workflow's jobs (only `selected` when given); returns each job's outcome. */
  async runGraph(scope: WorkflowScope, selected: Set<string> | undefined): Promise<Map<string, JobOutcome>> {
    const jobs = orderJobs(scope.model.jobs, scope.model.file).filter(
      (job) => !selected || selected.has(job.id),
    );
    const byId = new Map(jobs.map((job) => [job.id, job]));
    const promises = new Map<string, Promise<JobOutcome>>();
    for (const job of jobs) {
      promises.set(
        job.id,
        (async () => {
          const needs: Record<string, JobOutcome> = {};
          for (const need of job.needs) needs[need] = await (promises.get(need) as Promise<JobOutcome>);
          // Every job this one needs, directly or through others: the implicit `success()` of a
          // job's `if:` holds only when all of them succeeded, so a skip or failure anywhere
          // upstream skips the job even when its direct needs ran (`if: always()`) and succeeded.
          const ancestors = (): Conclusion[] => {
            const seen = new Set<string>();
            const results: Conclusion[] = [];
            const stack = [...job.needs];
            while (stack.length) {
              const id = stack.pop() as string;
              if (seen.has(id)) continue;
              seen.add(id);
              const outcome = this.outcomes.get(`${scope.idPrefix}${id}`);
              if (outcome) results.push(outcome.result);
              stack.push(...(byId.get(id)?.needs ?? []));
            }
            return results;
          };
          const outcome = await this.runJobAllLegs(scope, job, needs, ancestors);
          this.outcomes.set(`${scope.idPrefix}${job.id}`, outcome);
          return outcome;
        })(),
      );
    }
    const outcomes = new Map<string, JobOutcome>();
    for (const [id, promise] of promises) outcomes.set(id, await promise);
    return outcomes;
  }

  private readonly outcomes = new Map<string, JobOutcome>();

  jobScope(
    scope: WorkflowScope,
    needs: Record<string, JobOutcome>,
    extra: Record<string, Value> = {},
  ): ExpressionScope {
    return {
      contexts: {
        github: this.githubLite(scope),
        needs: needs as unknown as Value,
        vars: this.shared.options.vars ?? {},
        inputs: scope.inputs,
        secrets: scope.secrets,
        ...extra,
      },
    };
  }

  /** What workflow-level expressions (`concurrency:`) see: github, inputs, vars. */
  workflowExpressionScope(scope: WorkflowScope): ExpressionScope {
    return {
      contexts: {
        github: this.githubLite(scope),
        inputs: scope.inputs,
        vars: this.shared.options.vars ?? {},
      },
    };
  }

  githubLite(scope: WorkflowScope): Record<string, Value> {
    const s = this.shared;
    return {
      event_name: s.eventName,
      event: s.payload as Value,
      ref: s.ref,
      ref_name: s.ref.replace(/^refs\/(heads|tags)\//, ''),
      sha: s.sha,
      repository: `${s.repo.owner}/${s.repo.name}`,
      repository_owner: s.repo.owner,
      actor: s.repo.actor,
      run_id: s.runId,
      run_number: s.runNumber,
      workflow: workflowDisplayName(scope),
      head_ref: s.headRef,
      base_ref: s.baseRef,
      server_url: 'https://github.com',
      api_url: s.options.runnerEnv?.['GITHUB_API_URL'] ?? 'https://api.github.com',
    };
  }

  private async runJobAllLegs(
    scope: WorkflowScope,
    job: JobModel,
    needs: Record<string, JobOutcome>,
    ancestors: () => Conclusion[],
  ): Promise<JobOutcome> {
    const shared = this.shared;
    const baseName = `${scope.namePrefix}${job.id}`;
    const cancelSignal = scope.signal ?? shared.signal;
    const runSignal = scope.runSignal ?? shared.signal;
    const upstream = ancestors();
    const status = (): 'success' | 'failure' | 'cancelled' =>
      runSignal.aborted
        ? 'cancelled'
        : upstream.every((result) => result === 'success')
          ? 'success'
          : 'failure';
    const jobScope: ExpressionScope = {
      ...this.jobScope(scope, needs),
      status: { status, failed: () => upstream.includes('failure') },
    };
    const skipped = (why: string): JobOutcome => {
      shared.emit({ kind: 'job-start', job: baseName, text: baseName });
      shared.emit({ kind: 'info', job: baseName, text: why });
      shared.emit({ kind: 'job-end', job: baseName, text: 'skipped' });
      this.results.push({
        id: `${scope.idPrefix}${job.id}`,
        name: baseName,
        matrix: undefined,
        outcome: 'skipped',
        conclusion: 'skipped',
        outputs: {},
        steps: [],
        durationMs: 0,
        summary: '',
        workspace: undefined,
      });
      return { result: 'skipped', outputs: {} };
    };
    let run: boolean;
    try {
      run = isTruthy(evaluate(job.if, jobScope));
    } catch (error) {
      return this.failedBeforeStart(scope, job, baseName, (error as Error).message);
    }
    if (!run)
      return skipped(
        runSignal.aborted ? 'Skipped: the run was cancelled' : `Skipped: the condition '${job.if}' is false`,
      );
    let legs: ExpandedLeg[];
    let strategy: Record<string, Value>;
    let failFast = true;
    let maxParallel = 0;
    try {
      const evaluated = job.strategy ? evaluateToken(job.strategy, jobScope) : null;
      const strategyValue =
        evaluated && typeof evaluated === 'object' && !Array.isArray(evaluated) ? evaluated : {};
      legs =
        job.strategy && strategyValue['matrix'] !== undefined
          ? expandMatrixLegs(strategyValue['matrix'])
          : [{ values: {}, nameValues: {} }];
      if (strategyValue['fail-fast'] !== undefined) failFast = isTruthy(strategyValue['fail-fast']);
      if (strategyValue['max-parallel'] !== undefined)
        maxParallel = Number(strategyValue['max-parallel']) || 0;
      strategy = {
        'fail-fast': failFast,
        'job-index': 0,
        'job-total': legs.length,
        'max-parallel': maxParallel || legs.length,
      };
    } catch (error) {
      return this.failedBeforeStart(scope, job, baseName, `strategy: ${(error as Error).message}`);
    }
    const hasMatrix = job.strategy !== undefined && legs.some((leg) => Object.keys(leg.values).length > 0);
    const legSlots = new Slots(maxParallel > 0 ? maxParallel : legs.length);
    const failFastController = new AbortController();
    const onRunAbort = (): void => failFastController.abort();
    if (cancelSignal.aborted) failFastController.abort();
    else cancelSignal.addEventListener('abort', onRunAbort, { once: true });
    const outputs: Record<string, string> = {};
    const legResults: Conclusion[] = [];
    // Reported in matrix order, whatever order the legs finish in.
    const reported: JobResult[][] = legs.map(() => []);
    const report = (index: number, result: JobResult): void =>
      void (reported[index] as JobResult[]).push(result);
    await Promise.all(
      legs.map(async ({ values: leg, nameValues }, index) => {
        const release = await legSlots.acquire();
        try {
          const legStrategy = { ...strategy, 'job-index': index };
          const matrix = hasMatrix ? leg : undefined;
          const legScope: ExpressionScope = {
            ...jobScope,
            contexts: { ...jobScope.contexts, matrix: matrix ?? {}, strategy: legStrategy },
          };
          const name = this.legName(scope, job, nameValues, hasMatrix, legScope);
          if (failFastController.signal.aborted) {
            shared.emit({ kind: 'job-start', job: name, text: name });
            shared.emit({ kind: 'job-end', job: name, text: 'cancelled' });
            report(index, {
              id: `${scope.idPrefix}${job.id}`,
              name,
              matrix,
              outcome: 'cancelled',
              conclusion: 'cancelled',
              outputs: {},
              steps: [],
              durationMs: 0,
              summary: '',
              workspace: undefined,
            });
            legResults.push('cancelled');
            return;
          }
          let result: JobOutcome;
          if (job.kind === 'reusable') {
            result = await runReusable(
              this,
              scope,
              job,
              name,
              needs,
              matrix,
              legStrategy,
              failFastController.signal,
            );
          } else {
            // Environment approval and the concurrency group come before a job slot is taken.
            const admission = await admitJob({
              shared,
              scope,
              job,
              name,
              matrix,
              exprScope: legScope,
              signal: failFastController.signal,
            });
            if (!admission.admitted) {
              report(index, admission.result);
              legResults.push(admission.result.conclusion);
              if (admission.result.conclusion === 'failure' && failFast && legs.length > 1)
                failFastController.abort();
              return;
            }
            const releaseSlot = await shared.slots.acquire();
            try {
              const jobResult = await runJob({
                shared,
                scope,
                job,
                displayName: name,
                matrix,
                strategy: legStrategy,
                needs: needs as unknown as Record<
                  string,
                  { result: string; outputs: Record<string, string> }
                >,
                signal: admission.signal,
                extras: admission.extras,
              });
              report(index, jobResult);
              result = { result: jobResult.conclusion, outputs: jobResult.outputs };
            } finally {
              releaseSlot();
              await admission.finish();
            }
          }
          legResults.push(result.result);
          for (const [key, value] of Object.entries(result.outputs))
            if (value !== '' || !(key in outputs)) outputs[key] = value;
          if (result.result === 'failure' && failFast && legs.length > 1) failFastController.abort();
        } finally {
          release();
        }
      }),
    );
    cancelSignal.removeEventListener('abort', onRunAbort);
    for (const results of reported) this.results.push(...results);
    const result: Conclusion = legResults.includes('failure')
      ? 'failure'
      : legResults.includes('cancelled')
        ? 'cancelled'
        : legResults.every((r) => r === 'skipped')
          ? 'skipped'
          : 'success';
    return { result, outputs };
  }

  private failedBeforeStart(scope: WorkflowScope, job: JobModel, name: string, message: string): JobOutcome {
    const shared = this.shared;
    shared.emit({ kind: 'job-start', job: name, text: name });
    const masked = shared.masker.mask(message);
    shared.annotations.push({ level: 'error', message: masked, job: name });
    shared.emit({ kind: 'command', job: name, text: `##[error]${masked}` });
    shared.emit({ kind: 'job-end', job: name, text: 'failure' });
    this.results.push({
      id: `${scope.idPrefix}${job.id}`,
      name,
      matrix: undefined,
      outcome: 'failure',
      conclusion: 'failure',
      outputs: {},
      steps: [],
      durationMs: 0,
      summary: '',
      workspace: undefined,
    });
    return { result: 'failure', outputs: {} };
  }

  private legName(
    scope: WorkflowScope,
    job: JobModel,
    leg: MatrixLeg,
    hasMatrix: boolean,
    exprScope: ExpressionScope,
  ): string {
    let name = job.id;
    let literalName = true;
    if (job.name) {
      try {
        name = asString(evaluateToken(job.name, exprScope)) || job.id;
      } catch {
        name = job.id;
      }
      literalName = job.name instanceof StringToken || !(job.name instanceof BasicExpressionToken);
    }
    // A literal name (or the job id) goes through JobNameBuilder: matrix values appended, capped at
    // 100 characters. A name written as an expression replaces it as evaluated
    // (WorkflowTemplateEvaluator.EvaluateJobName, after the strategy), without either.
    if (literalName) name = jobDisplayName(name, hasMatrix ? leg : {});
    return `${scope.namePrefix}${name}`;
  }
}
