/**
 * Calling a reusable workflow (`jobs.<id>.uses:`): its inputs and secrets, the callee's jobs as a
 * nested graph, and a workflow's conclusion and `on.workflow_call.outputs` from its jobs.
 */
import { relative } from 'node:path';
import { resolveWorkflowRef } from './actions.js';
import { callerPermissions, calledWorkflowRef, endedBeforeFirstStep } from './admission.js';
import type { ConcurrencyLease } from './concurrency.js';
import { heldWith, joinGroup, refusal } from './concurrency-admission.js';
import { workflowDisplayName, workflowPath, type WorkflowScope } from './context.js';
import {
  asString,
  evaluateStringMap,
  evaluateToken,
  type ExpressionScope,
  type Value,
} from './expressions.js';
import type { JobOutcome, Runner } from './job-graph.js';
import { jobContinueOnErrorValue } from './job.js';
import type { MatrixLeg } from './matrix.js';
import { templateNotValid } from './template-values.js';
import type { Conclusion } from './types.js';
import { resolveCallInputs } from './workflow-inputs.js';
import type { JobModel } from './workflow.js';

/**
 * GitHub's limit on nested reusable workflows: "a maximum of ten levels of workflows - that is, the
 * top-level caller workflow and up to nine levels of reusable workflows" (GitHub.com since November
 * 2025; GitHub Enterprise Server still allows four).
 */
export const MAX_WORKFLOW_DEPTH = 9;

/** Run a job that calls a reusable workflow, as one job result named after the caller's job. */
export async function runReusable(
  runner: Runner,
  caller: WorkflowScope,
  job: JobModel,
  name: string,
  needs: Record<string, JobOutcome>,
  matrix: MatrixLeg | undefined,
  strategy: Record<string, Value>,
  signal: AbortSignal,
): Promise<JobOutcome> {
  const shared = runner.shared;
  const started = Date.now();
  shared.emit({ kind: 'job-start', job: name, text: name });
  const exprScope = runner.jobScope(caller, needs, { matrix: matrix ?? {}, strategy });
  // The call ends before the called workflow's first job: a bad call, or its concurrency group.
  const endEarly = (end: { conclusion: 'failure' | 'cancelled'; message: string }): JobOutcome => {
    const id = `${caller.idPrefix}${job.id}`;
    const durationMs = Date.now() - started;
    runner.results.push(endedBeforeFirstStep(shared, { ...end, id, name, matrix, durationMs }));
    return { result: end.conclusion, outputs: {} };
  };
  let callee: WorkflowScope;
  let continueOnError: boolean;
  try {
    continueOnError = jobContinueOnErrorValue(job, caller.relativePath, exprScope);
    const path = resolveWorkflowRef(
      job.uses as string,
      shared.repo.root,
      shared.actionMap,
      `${caller.model.file}: job '${job.id}'`,
    );
    const model = await runner.loadCached(path);
    if (!model.events.includes('workflow_call'))
      throw new Error(`${model.file} cannot be called: it has no 'on: workflow_call'`);
    // Undeclared and missing inputs and secrets were refused before the run (preflight); what is
    // left is the type of each value once evaluated.
    const inputs = resolveCallInputs(
      model.callInputs,
      job.with,
      exprScope,
      caller.relativePath,
      relative(shared.repo.root, path),
    );
    let secrets: Record<string, string>;
    if (job.inheritSecrets) secrets = { ...caller.secrets };
    else {
      secrets = job.secrets ? evaluateStringMap(job.secrets, exprScope) : {};
      if (caller.secrets['GITHUB_TOKEN'] !== undefined)
        secrets['GITHUB_TOKEN'] = caller.secrets['GITHUB_TOKEN'];
      // What the caller passes is a secret of the called workflow, masked like any other, also
      // when the caller wrote it as a literal or built it from non-secret values.
      for (const value of Object.values(secrets)) shared.masker.add(value);
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
      throw new Error(
        `reusable workflows are nested more than ${MAX_WORKFLOW_DEPTH} levels deep (GitHub allows the caller and ${MAX_WORKFLOW_DEPTH} levels of reusable workflows)`,
      );
  } catch (error) {
    return endEarly({ conclusion: 'failure', message: templateNotValid(error) });
  }
  // The calling job's `concurrency:` covers the whole called workflow, from the call until its last
  // job ends; the called workflow's own workflow-level group is joined next, evaluated with the
  // caller's `github` context (as every expression inside a called workflow is).
  const leases: ConcurrencyLease[] = [];
  const releaseAll = (): void => leases.splice(0).forEach((lease) => lease.release());
  const member = { shared, name: name.slice(caller.namePrefix.length), logAs: name, signal };
  const asJob = await joinGroup({
    ...member,
    token: job.concurrency,
    exprScope,
    held: caller.heldGroups,
    label: `job '${name}' (pid ${process.pid})`,
  });
  if (!('lease' in asJob)) return endEarly(refusal(asJob));
  if (asJob.lease) leases.push(asJob.lease);
  const asWorkflow = await joinGroup({
    ...member,
    token: callee.model.concurrency,
    exprScope: runner.workflowExpressionScope(callee),
    held: heldWith(caller.heldGroups, asJob.group),
    label: `${callee.relativePath} called by job '${name}' (pid ${process.pid})`,
  });
  if (!('lease' in asWorkflow)) {
    releaseAll();
    return endEarly(refusal(asWorkflow));
  }
  if (asWorkflow.lease) leases.push(asWorkflow.lease);
  const groupSignals = leases.map((lease) => lease.signal);
  callee.signal = AbortSignal.any([signal, ...groupSignals]);
  callee.runSignal = AbortSignal.any([caller.runSignal ?? shared.signal, ...groupSignals]);
  callee.heldGroups = heldWith(caller.heldGroups, asJob.group, asWorkflow.group);
  let graph: Map<string, JobOutcome>;
  try {
    graph = await runner.runGraph(callee, undefined);
  } finally {
    releaseAll();
  }
  const concluded = concludeWorkflow(runner, callee, graph, name);
  const { outputs } = concluded;
  // A group's cancel-in-progress cancels the call even when its jobs had all finished or been skipped.
  const outcome: Conclusion =
    concluded.conclusion === 'success' && groupSignals.some((s) => s.aborted)
      ? 'cancelled'
      : concluded.conclusion;
  const conclusion: Conclusion = outcome === 'failure' && continueOnError ? 'success' : outcome;
  shared.emit({ kind: 'job-end', job: name, text: conclusion });
  runner.results.push({
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
export function concludeWorkflow(
  runner: Runner,
  scope: WorkflowScope,
  outcomes: Map<string, JobOutcome>,
  name: string,
): { conclusion: Exclude<Conclusion, 'skipped'>; outputs: Record<string, string> } {
  const shared = runner.shared;
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
      github: runner.githubLite(scope),
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
