/**
 * `runWorkflow`: validate everything first (parse, needs, actions, inputs) so that bad input runs
 * nothing, then run jobs in `needs` order — independent jobs in parallel, matrix legs with fail-fast
 * and max-parallel, reusable workflows as nested job graphs — and report.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { EngineUsageError, isCheckout, resolveAction, resolveWorkflowRef } from './actions.js';
import { Masker } from './commands.js';
import {
  defaultConcurrency,
  sanitizeHostEnv,
  Slots,
  workflowDisplayName,
  workflowPath,
  type RunShared,
  type WorkflowScope,
} from './context.js';
import {
  asString,
  evaluate,
  evaluateStringMap,
  evaluateToken,
  isTruthy,
  type ExpressionScope,
  type Value,
} from './expressions.js';
import { runJob } from './job.js';
import { writeSummary } from './job-outputs.js';
import {
  admitJob,
  admitWorkflow,
  callerPermissions,
  calledWorkflowRef,
  createRunFeatures,
} from './admission.js';
import { changedFilesFor, evaluateTrigger, type ChangedFiles } from './triggers.js';
import { expandMatrixLegs, legLabel, type ExpandedLeg, type MatrixLeg } from './matrix.js';
import { copyRepository, gitTopLevel, listWorkingTree, readRepoInfo, type RepoInfo } from './repo.js';
import type { Conclusion, JobResult, RunOptions, RunResult, WorkflowRunResult } from './types.js';
import {
  loadWorkflow,
  orderJobs,
  type CallInputSpec,
  type JobModel,
  type WorkflowModel,
} from './workflow.js';
import { StringToken } from '@actions/workflow-parser/templates/tokens/string-token';
import { BasicExpressionToken } from '@actions/workflow-parser/templates/tokens/basic-expression-token';

/** GitHub's limit on nested reusable workflows. */
const MAX_WORKFLOW_DEPTH = 4;

interface JobOutcome {
  result: Conclusion;
  outputs: Record<string, string>;
}

interface PlannedWorkflow {
  model: WorkflowModel;
  path: string;
  relativePath: string;
  selected: Set<string>;
}

function defaultEvent(model: WorkflowModel): string {
  if (model.events.includes('push')) return 'push';
  if (model.events.includes('workflow_dispatch')) return 'workflow_dispatch';
  return model.events[0] ?? 'push';
}

function findRepoRoot(workflowPath: string): string {
  const dir = dirname(resolve(workflowPath));
  const top = gitTopLevel(dir);
  if (top) return top;
  const marker = `${sep}.github${sep}workflows`;
  const index = dir.indexOf(marker);
  if (index >= 0) return dir.slice(0, index) || sep;
  return process.cwd();
}

/** Type an input value by its declaration, as GitHub does for the `inputs` context. */
export function typedInput(name: string, spec: CallInputSpec, value: Value, where: string): Value {
  if (spec.type === 'boolean') {
    if (typeof value === 'boolean') return value;
    const text = asString(value).toLowerCase();
    if (text === 'true' || text === 'false') return text === 'true';
    throw new EngineUsageError(
      `${where}: input '${name}' must be a boolean (true or false); got ${JSON.stringify(asString(value))}`,
    );
  }
  if (spec.type === 'number') {
    if (typeof value === 'number') return value;
    const n = Number(asString(value));
    if (asString(value).trim() === '' || !Number.isFinite(n))
      throw new EngineUsageError(
        `${where}: input '${name}' must be a number; got ${JSON.stringify(asString(value))}`,
      );
    return n;
  }
  return asString(value);
}

/** Build the typed `inputs` context from given values, declarations and their defaults. */
function resolveInputs(
  specs: Record<string, CallInputSpec>,
  given: Record<string, Value>,
  where: string,
  scope: ExpressionScope,
  strictUnknown: boolean,
): Record<string, Value> {
  const inputs: Record<string, Value> = {};
  const declared = new Map(Object.keys(specs).map((name) => [name.toLowerCase(), name]));
  for (const key of Object.keys(given)) {
    if (!declared.has(key.toLowerCase()) && strictUnknown) {
      const names = Object.keys(specs);
      throw new EngineUsageError(
        `${where}: input '${key}' is not defined by the workflow${names.length ? `; it defines: ${names.join(', ')}` : ' (it has no inputs)'}`,
      );
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    const provided = Object.keys(given).find((key) => key.toLowerCase() === name.toLowerCase());
    if (provided !== undefined) inputs[name] = typedInput(name, spec, given[provided] as Value, where);
    else if (spec.default !== undefined)
      inputs[name] = typedInput(name, spec, evaluateToken(spec.default, scope), where);
    else if (spec.required)
      throw new EngineUsageError(
        `${where}: input '${name}' is required but was not provided; pass --input ${name}=VALUE`,
      );
    else inputs[name] = spec.type === 'boolean' ? false : spec.type === 'number' ? 0 : '';
  }
  return inputs;
}

class Runner {
  private readonly workflowCache = new Map<string, Promise<WorkflowModel>>();
  readonly results: JobResult[] = [];

  constructor(readonly shared: RunShared) {}

  private loadCached(path: string): Promise<WorkflowModel> {
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

  private jobScope(
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

  private githubLite(scope: WorkflowScope): Record<string, Value> {
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
    const upstream = ancestors();
    const status = (): 'success' | 'failure' | 'cancelled' =>
      shared.signal.aborted
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
        shared.signal.aborted
          ? 'Skipped: the run was cancelled'
          : `Skipped: the condition '${job.if}' is false`,
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
            result = await this.runReusable(
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
    if (hasMatrix && literalName) name = `${name} (${legLabel(leg)})`;
    return `${scope.namePrefix}${name}`;
  }

  private async runReusable(
    caller: WorkflowScope,
    job: JobModel,
    name: string,
    needs: Record<string, JobOutcome>,
    matrix: MatrixLeg | undefined,
    strategy: Record<string, Value>,
    signal: AbortSignal,
  ): Promise<JobOutcome> {
    const shared = this.shared;
    const started = Date.now();
    shared.emit({ kind: 'job-start', job: name, text: name });
    const exprScope = this.jobScope(caller, needs, { matrix: matrix ?? {}, strategy });
    let callee: WorkflowScope;
    try {
      const path = resolveWorkflowRef(
        job.uses as string,
        shared.repo.root,
        shared.actionMap,
        `${caller.model.file}: job '${job.id}'`,
      );
      const model = await this.loadCached(path);
      if (!model.events.includes('workflow_call'))
        throw new Error(`${model.file} cannot be called: it has no 'on: workflow_call'`);
      const given = job.with ? ((evaluateToken(job.with, exprScope) as Record<string, Value>) ?? {}) : {};
      const inputs = resolveInputs(
        model.callInputs,
        given,
        `job '${job.id}' calling ${job.uses}`,
        exprScope,
        true,
      );
      let secrets: Record<string, string>;
      if (job.inheritSecrets) secrets = { ...caller.secrets };
      else {
        secrets = job.secrets ? evaluateStringMap(job.secrets, exprScope) : {};
        if (caller.secrets['GITHUB_TOKEN'] !== undefined)
          secrets['GITHUB_TOKEN'] = caller.secrets['GITHUB_TOKEN'];
      }
      for (const [secret, spec] of Object.entries(model.callSecrets)) {
        if (
          spec.required &&
          !Object.keys(secrets).some((key) => key.toLowerCase() === secret.toLowerCase())
        ) {
          throw new Error(
            `job '${job.id}' calling ${job.uses}: secret '${secret}' is required, but not provided`,
          );
        }
      }
      callee = {
        model,
        relativePath: relative(shared.repo.root, path),
        inputs,
        secrets,
        namePrefix: `${name} / `,
        idPrefix: `${caller.idPrefix}${job.id}/`,
        depth: caller.depth + 1,
        signal,
        permissions: callerPermissions(shared, caller, job),
        jobWorkflowRef: calledWorkflowRef(job.uses as string, shared),
        caller: { name: workflowDisplayName(caller), relativePath: workflowPath(caller) },
      };
      if (callee.depth > MAX_WORKFLOW_DEPTH)
        throw new Error(`reusable workflows are nested more than ${MAX_WORKFLOW_DEPTH} levels deep`);
    } catch (error) {
      const message = shared.masker.mask((error as Error).message);
      shared.annotations.push({ level: 'error', message, job: name });
      shared.emit({ kind: 'command', job: name, text: `##[error]${message}` });
      shared.emit({ kind: 'job-end', job: name, text: 'failure' });
      this.results.push({
        id: `${caller.idPrefix}${job.id}`,
        name,
        matrix,
        outcome: 'failure',
        conclusion: 'failure',
        outputs: {},
        steps: [],
        durationMs: Date.now() - started,
        summary: '',
        workspace: undefined,
      });
      return { result: 'failure', outputs: {} };
    }
    const { conclusion: outcome, outputs } = this.conclude(
      callee,
      await this.runGraph(callee, undefined),
      name,
    );
    const continueOnError =
      job.continueOnError !== undefined && isTruthy(evaluateToken(job.continueOnError, exprScope));
    const conclusion: Conclusion = outcome === 'failure' && continueOnError ? 'success' : outcome;
    shared.emit({ kind: 'job-end', job: name, text: conclusion });
    this.results.push({
      id: `${caller.idPrefix}${job.id}`,
      name,
      matrix,
      outcome,
      conclusion,
      outputs,
      steps: [],
      durationMs: Date.now() - started,
      summary: '',
      workspace: undefined,
    });
    return { result: conclusion, outputs };
  }

  /**
   * A workflow's conclusion from its jobs, and its `on.workflow_call.outputs` evaluated with the
   * `jobs` context. Outputs carrying a masked value are dropped, as GitHub does.
   */
  conclude(
    scope: WorkflowScope,
    outcomes: Map<string, JobOutcome>,
    name: string,
  ): { conclusion: Exclude<Conclusion, 'skipped'>; outputs: Record<string, string> } {
    const shared = this.shared;
    const results = [...outcomes.values()].map((o) => o.result);
    const conclusion = results.includes('failure')
      ? 'failure'
      : results.includes('cancelled')
        ? 'cancelled'
        : 'success';
    const jobsContext: Record<string, Value> = {};
    for (const [id, o] of outcomes) jobsContext[id] = { result: o.result, outputs: o.outputs };
    const outputs: Record<string, string> = {};
    const outScope: ExpressionScope = {
      contexts: {
        github: this.githubLite(scope),
        inputs: scope.inputs,
        vars: shared.options.vars ?? {},
        jobs: jobsContext,
      },
    };
    for (const [key, token] of Object.entries(scope.model.callOutputs)) {
      try {
        const value = token ? asString(evaluateToken(token, outScope)) : '';
        if (shared.masker.contains(value)) {
          shared.emit({
            kind: 'command',
            job: name,
            text: `##[warning]Skip output '${key}' since it may contain secret.`,
          });
          continue;
        }
        outputs[key] = value;
      } catch (error) {
        shared.emit({
          kind: 'command',
          job: name,
          text: `##[error]output '${key}': ${(error as Error).message}`,
        });
      }
    }
    return { conclusion, outputs };
  }

  /** Check every `uses:` (recursively through composite actions and called workflows) before anything runs. */
  async preflight(
    model: WorkflowModel,
    selected: Set<string> | undefined,
    depth: number,
    seen: Set<string>,
  ): Promise<void> {
    const shared = this.shared;
    orderJobs(model.jobs, model.file);
    for (const job of model.jobs) {
      if (selected && !selected.has(job.id)) continue;
      if (job.kind === 'reusable') {
        const where = `${model.file}: job '${job.id}'`;
        const path = resolveWorkflowRef(job.uses as string, shared.repo.root, shared.actionMap, where);
        if (depth + 1 > MAX_WORKFLOW_DEPTH)
          throw new EngineUsageError(
            `${where}: reusable workflows are nested more than ${MAX_WORKFLOW_DEPTH} levels deep`,
          );
        const callee = await this.loadCached(path);
        if (!callee.events.includes('workflow_call'))
          throw new EngineUsageError(
            `${where}: ${callee.file} cannot be called: it has no 'on: workflow_call'`,
          );
        if (!seen.has(path)) {
          seen.add(path);
          await this.preflight(callee, undefined, depth + 1, seen);
        }
        continue;
      }
      // A checkout into a sub-path can bring local actions that are not in the repository itself;
      // those are checked when their step runs.
      let checkedOutElsewhere = false;
      for (const step of job.steps) {
        if (!step.uses) continue;
        if (isCheckout(step.uses) && step.with) checkedOutElsewhere = true;
        if (checkedOutElsewhere && step.uses.startsWith('./')) continue;
        this.checkAction(step.uses, `${model.file}:${step.line ?? 0}: job '${job.id}'`, 0);
      }
    }
  }

  private checkAction(uses: string, where: string, depth: number): void {
    const source = resolveAction(uses, this.shared.repo.root, this.shared.actionMap, where);
    if (source.kind !== 'action' || source.manifest.runs.using.toLowerCase() !== 'composite' || depth > 8)
      return;
    for (const raw of source.manifest.runs['steps'] as Array<Record<string, unknown>>) {
      if (typeof raw['uses'] === 'string') {
        const nested = raw['uses'] as string;
        // Inside a composite action `./` still means the workspace (the repository).
        this.checkAction(nested, `${source.manifest.path}: step 'uses: ${nested}'`, depth + 1);
      }
    }
  }
}

function listWorkflowFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => join(dir, file));
}

function synthesizePayload(
  eventName: string,
  repo: RepoInfo,
  inputs: Record<string, string>,
): Record<string, unknown> {
  const repository = {
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: { login: repo.owner, name: repo.owner },
    default_branch: repo.defaultBranch,
    html_url: `https://github.com/${repo.owner}/${repo.name}`,
  };
  const sender = { login: repo.actor };
  switch (eventName) {
    case 'push':
      return {
        ref: repo.ref || `refs/heads/${repo.defaultBranch}`,
        before: '0'.repeat(40),
        after: repo.sha,
        repository,
        sender,
        pusher: { name: repo.actor },
        head_commit: { id: repo.sha },
      };
    case 'pull_request':
    case 'pull_request_target':
      return {
        action: 'opened',
        number: 1,
        pull_request: {
          number: 1,
          head: { ref: repo.branch || 'HEAD', sha: repo.sha, repo: repository },
          base: { ref: repo.defaultBranch, sha: repo.sha, repo: repository },
        },
        repository,
        sender,
      };
    case 'workflow_dispatch':
      return { inputs, ref: repo.ref || `refs/heads/${repo.defaultBranch}`, repository, sender };
    default:
      return { repository, sender };
  }
}

/** Derive github.ref/sha/head_ref/base_ref from the event and payload, as GitHub does. */
function refsFor(
  eventName: string,
  payload: Record<string, unknown>,
  repo: RepoInfo,
): { ref: string; sha: string; headRef: string; baseRef: string } {
  const pr = payload['pull_request'] as
    { number?: number; head?: { ref?: string; sha?: string }; base?: { ref?: string } } | undefined;
  if ((eventName === 'pull_request' || eventName === 'pull_request_target') && pr) {
    return {
      ref:
        eventName === 'pull_request'
          ? `refs/pull/${pr.number ?? payload['number'] ?? 1}/merge`
          : `refs/heads/${pr.base?.ref ?? repo.defaultBranch}`,
      sha: repo.sha,
      headRef: pr.head?.ref ?? '',
      baseRef: pr.base?.ref ?? '',
    };
  }
  const ref =
    typeof payload['ref'] === 'string' && (payload['ref'] as string).startsWith('refs/')
      ? (payload['ref'] as string)
      : repo.ref || `refs/heads/${repo.defaultBranch}`;
  const sha =
    typeof payload['after'] === 'string' && /^[0-9a-f]{40}$/.test(payload['after'] as string)
      ? (payload['after'] as string)
      : repo.sha;
  return { ref, sha, headRef: '', baseRef: '' };
}

/** The jobs to run for `--job`: that job and everything it needs. */
function selectJobs(model: WorkflowModel, job: string | undefined): Set<string> | undefined {
  if (!job) return undefined;
  const byId = new Map(model.jobs.map((j) => [j.id, j]));
  const selected = new Set<string>();
  const stack = [job];
  while (stack.length) {
    const id = stack.pop() as string;
    if (selected.has(id)) continue;
    selected.add(id);
    stack.push(...(byId.get(id)?.needs ?? []));
  }
  return selected;
}

/**
 * Plan and run a workflow (or every workflow in a directory that runs on the event).
 * Throws {@link EngineUsageError} or {@link WorkflowSyntaxError} (exit code 2) before running anything
 * when the input is bad; otherwise resolves with the run's result.
 */
export async function runWorkflow(options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const target = resolve(options.workflow);
  if (!existsSync(target)) throw new EngineUsageError(`${options.workflow}: no such file or directory`);
  const isDir = statSync(target).isDirectory();
  const files = isDir ? listWorkflowFiles(target) : [target];
  if (files.length === 0)
    throw new EngineUsageError(`${options.workflow}: no .yml or .yaml workflow files in this directory`);
  const repoRoot = resolve(options.repoRoot ?? findRepoRoot(files[0] as string));
  // The repository's facts and its file list come from git processes that run side by side, and
  // while the workflows are parsed.
  const gitFacts = Promise.all([
    readRepoInfo(repoRoot, options.hostEnv ?? process.env),
    options.bind ? undefined : listWorkingTree(repoRoot, existsSync(join(repoRoot, '.git'))),
  ]);
  const models: Array<{ model: WorkflowModel; path: string }> = [];
  try {
    for (const file of files)
      models.push({ model: await loadWorkflow(file, relative(process.cwd(), file) || file), path: file });
  } finally {
    await gitFacts; // nothing is left running when a workflow does not parse
  }
  const [repo, workingTree] = await gitFacts;
  const eventName =
    options.eventName ?? (isDir ? 'push' : defaultEvent((models[0] as { model: WorkflowModel }).model));
  const planned: PlannedWorkflow[] = [];
  for (const { model, path } of models) {
    if (!model.events.includes(eventName)) {
      if (!isDir)
        throw new EngineUsageError(
          `${model.file} does not run on '${eventName}' (it runs on: ${model.events.join(', ')}); pass --event with one of those`,
        );
      continue;
    }
    if (options.job && !model.jobs.some((job) => job.id === options.job)) {
      if (!isDir)
        throw new EngineUsageError(
          `--job '${options.job}' is not a job in ${model.file}; jobs: ${model.jobs.map((job) => job.id).join(', ')}`,
        );
      continue;
    }
    planned.push({
      model,
      path,
      relativePath: relative(repoRoot, path),
      selected: selectJobs(model, options.job) ?? new Set(model.jobs.map((j) => j.id)),
    });
  }
  if (planned.length === 0) {
    throw new EngineUsageError(
      options.job
        ? `--job '${options.job}' is not a job of any workflow in ${options.workflow} that runs on '${eventName}'`
        : `no workflow in ${options.workflow} runs on '${eventName}'`,
    );
  }
  const secrets = { ...(options.secrets ?? {}) };
  const masker = new Masker();
  for (const [name, value] of Object.entries(secrets))
    if (name.toUpperCase() !== 'GITHUB_TOKEN' || value) masker.add(value);
  const hostEnv = sanitizeHostEnv(options.hostEnv ?? process.env);
  const payloadInputs = { ...(options.inputs ?? {}) };
  const payload = options.eventPayload ?? synthesizePayload(eventName, repo, payloadInputs);
  const refs = refsFor(eventName, payload, repo);
  // `on:` filters: a workflow GitHub would not start for this event is reported and not run.
  const skipped: RunResult['skipped'] = [];
  let changed: ChangedFiles | undefined;
  const changedFiles = (): ChangedFiles =>
    (changed ??= changedFilesFor(repoRoot, eventName, payload, refs.sha));
  for (const plan of [...planned]) {
    const decision = evaluateTrigger(
      eventName,
      plan.model.triggers[eventName],
      payload,
      refs.ref,
      changedFiles,
    );
    if (decision.run) continue;
    if (options.force) {
      options.onLog?.({
        kind: 'info',
        job: plan.model.file,
        text: `--force: running although ${decision.reason}`,
      });
      continue;
    }
    skipped.push({ workflow: plan.model.file, reason: decision.reason });
    planned.splice(planned.indexOf(plan), 1);
  }
  if (planned.length === 0)
    return {
      conclusion: 'success',
      exitCode: 0,
      workflows: [],
      jobs: [],
      annotations: [],
      durationMs: Date.now() - started,
      skipped,
    };
  const controller = new AbortController();
  if (options.signal) {
    if (options.signal.aborted) controller.abort();
    else options.signal.addEventListener('abort', () => controller.abort(), { once: true });
  }
  let jobNumber = 0;
  let template: Promise<string> | undefined;
  const runDir = mkdtempSync(join(tmpdir(), 'paved-run-'));
  const emit = options.onLog ?? (() => undefined);
  const shared: RunShared = {
    options,
    repo,
    files: workingTree,
    template: () => {
      template ??= (async () => {
        const dir = join(runDir, 'template', repo.name);
        await copyRepository(repoRoot, dir, shared.files, repo);
        return dir;
      })();
      return template;
    },
    runDir,
    masker,
    annotations: [],
    slots: new Slots(options.concurrency ?? defaultConcurrency()),
    nodePath: options.nodePath ?? process.execPath,
    actionMap: Object.fromEntries(
      Object.entries(options.actionMap ?? {}).map(([key, dir]) => [key, resolve(dir)]),
    ),
    hostEnv,
    runId: String(Date.now()),
    runNumber: '1',
    eventName,
    eventPath: join(runDir, 'event.json'),
    payload,
    ref: refs.ref,
    sha: refs.sha,
    headRef: refs.headRef,
    baseRef: refs.baseRef,
    signal: controller.signal,
    debug:
      options.debug === true ||
      secrets['ACTIONS_STEP_DEBUG'] === 'true' ||
      options.vars?.['ACTIONS_STEP_DEBUG'] === 'true',
    nextJobNumber: () => ++jobNumber,
    features: createRunFeatures(options, repo),
    emit: (event) =>
      emit({
        ...event,
        text: masker.mask(event.text),
        ...(event.step !== undefined ? { step: masker.mask(event.step) } : {}),
      }),
  };
  const runner = new Runner(shared);
  const scopes: WorkflowScope[] = [];
  try {
    for (const plan of planned) {
      await runner.preflight(plan.model, plan.selected, 0, new Set());
      const declared = eventName === 'workflow_call' ? plan.model.callInputs : plan.model.dispatchInputs;
      const inputScope: ExpressionScope = {
        contexts: {
          github: { event_name: eventName, ref: refs.ref, sha: refs.sha },
          inputs: {},
          vars: options.vars ?? {},
        },
      };
      const strict = eventName === 'workflow_dispatch' || eventName === 'workflow_call';
      const inputs = strict
        ? resolveInputs(declared, payloadInputs, plan.model.file, inputScope, true)
        : { ...payloadInputs };
      scopes.push({
        model: plan.model,
        relativePath: plan.relativePath,
        inputs,
        secrets: { GITHUB_TOKEN: '', ...secrets },
        namePrefix: planned.length > 1 ? `${basename(plan.path)} / ` : '',
        idPrefix: '',
        depth: 0,
      });
    }
  } catch (error) {
    rmSync(runDir, { recursive: true, force: true });
    await shared.features.close();
    throw error;
  }
  if (eventName === 'workflow_dispatch' && !options.eventPayload && scopes[0]) {
    (payload as { inputs: Record<string, string> }).inputs = Object.fromEntries(
      Object.entries(scopes[0].inputs).map(([k, v]) => [k, asString(v)]),
    );
  }
  writeFileSync(shared.eventPath, JSON.stringify(payload, null, 2));
  if (options.dryRun) {
    for (const [index, scope] of scopes.entries()) {
      for (const job of orderJobs(scope.model.jobs, scope.model.file)) {
        if (!(planned[index] as PlannedWorkflow).selected.has(job.id)) continue;
        emit({
          kind: 'info',
          job: `${scope.namePrefix}${job.id}`,
          text: `would run ${job.kind === 'reusable' ? `workflow ${job.uses}` : `${job.steps.length} step(s)`}${job.needs.length ? ` after ${job.needs.join(', ')}` : ''}`,
        });
      }
    }
    rmSync(runDir, { recursive: true, force: true });
    await shared.features.close();
    return {
      conclusion: 'success',
      exitCode: 0,
      workflows: [],
      jobs: [],
      annotations: [],
      durationMs: Date.now() - started,
      skipped,
    };
  }
  const workflows: WorkflowRunResult[] = [];
  try {
    await Promise.all(
      scopes.map(async (scope, index) => {
        const admitted = await admitWorkflow(
          shared,
          scope.model,
          runner.workflowExpressionScope(scope),
          `run ${shared.runId} of ${scope.relativePath} (pid ${process.pid})`,
        );
        if ('cancelled' in admitted) {
          shared.annotations.push({ level: 'error', message: admitted.cancelled, job: scope.model.file });
          emit({ kind: 'command', job: scope.model.file, text: `##[error]${admitted.cancelled}` });
          workflows.push({
            workflow: scope.model.file,
            conclusion: 'cancelled',
            jobs: [],
            annotations: shared.annotations,
            outputs: {},
          });
          return;
        }
        // cancel-in-progress from a newer run cancels this one; `always()` steps still run.
        admitted.lease?.signal.addEventListener('abort', () => controller.abort(), { once: true });
        let outcomes;
        try {
          outcomes = await runner.runGraph(scope, (planned[index] as PlannedWorkflow).selected);
        } finally {
          admitted.lease?.release();
        }
        const { conclusion, outputs } = runner.conclude(scope, outcomes, scope.model.file);
        workflows.push({
          workflow: scope.model.file,
          conclusion,
          jobs: runner.results.filter((r) => r.name.startsWith(scope.namePrefix)),
          annotations: shared.annotations,
          outputs,
        });
      }),
    );
  } finally {
    if (options.summaryDir) {
      for (const job of runner.results)
        if (job.summary) writeSummary(resolve(options.summaryDir), job.name, job.summary);
    }
    if (!options.keepTemp) rmSync(runDir, { recursive: true, force: true });
    await shared.features.close();
  }
  const conclusion = workflows.some((w) => w.conclusion === 'failure')
    ? 'failure'
    : workflows.some((w) => w.conclusion === 'cancelled') || controller.signal.aborted
      ? 'cancelled'
      : 'success';
  return {
    conclusion,
    exitCode: conclusion === 'success' ? 0 : 1,
    workflows,
    jobs: runner.results,
    annotations: shared.annotations,
    durationMs: Date.now() - started,
    skipped,
  };
}
