/**
 * `runWorkflow`: validate everything first (parse, needs, actions, inputs) so that bad input runs
 * nothing, then run jobs in `needs` order — independent jobs in parallel, matrix legs with fail-fast
 * and max-parallel, reusable workflows as nested job graphs — and report. The scheduling is in
 * job-graph.ts, reusable-workflow calls in reusable-workflow.ts, the checks before anything runs in
 * preflight.ts, the event in event-payload.ts and the typing of inputs in workflow-inputs.ts.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { EngineUsageError } from './actions.js';
import { createRunFeatures } from './admission.js';
import { Masker } from './commands.js';
import { heldWith, joinGroup, refusal } from './concurrency-admission.js';
import { defaultConcurrency, sanitizeHostEnv, Slots, type RunShared, type WorkflowScope } from './context.js';
import { defaultEvent, firstCron, refsFor, SHA, synthesizePayload } from './event-payload.js';
import { asString, type ExpressionScope, type Value } from './expressions.js';
import { Runner } from './job-graph.js';
import { writeSummary } from './job-outputs.js';
import { preflight } from './preflight.js';
import {
  commitMessage,
  copyRepository,
  gitTopLevel,
  refCommit,
  surveyRepository,
  type RepoInfo,
} from './repo.js';
import { concludeWorkflow } from './reusable-workflow.js';
import { resolveActivity } from './activity-types.js';
import { changedFilesFor, type ChangedFiles } from './changed-files.js';
import { evaluateTrigger, FilterPatternError } from './triggers.js';
import type { RunOptions, RunResult, WorkflowRunResult } from './types.js';
import { resolveInputs } from './workflow-inputs.js';
import { loadWorkflow, orderJobs, type WorkflowModel } from './workflow.js';

// Public through engine/index.ts, which re-exports it from this module.
export { SYNTHETIC_PULL_REQUEST_NUMBER } from './event-payload.js';

interface PlannedWorkflow {
  model: WorkflowModel;
  path: string;
  relativePath: string;
  selected: Set<string>;
}

function findRepoRoot(workflowPath: string, env: NodeJS.ProcessEnv): string {
  const dir = dirname(resolve(workflowPath));
  const top = gitTopLevel(dir, env);
  if (top) return top;
  const marker = `${sep}.github${sep}workflows`;
  const index = dir.indexOf(marker);
  if (index >= 0) return dir.slice(0, index) || sep;
  return process.cwd();
}

function listWorkflowFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .map((file) => join(dir, file));
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
  const repoRoot = resolve(
    options.repoRoot ?? findRepoRoot(files[0] as string, options.hostEnv ?? process.env),
  );
  // The repository's facts and its file list come from one process that runs while the workflows
  // are parsed.
  const gitFacts = surveyRepository(repoRoot, options.hostEnv ?? process.env, { listFiles: !options.bind });
  const models: Array<{ model: WorkflowModel; path: string }> = [];
  try {
    for (const file of files)
      models.push({ model: await loadWorkflow(file, relative(process.cwd(), file) || file), path: file });
  } finally {
    await gitFacts; // nothing is left running when a workflow does not parse
  }
  const { info: local, files: workingTree, cloneSource } = await gitFacts;
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
  // Tokens the runner hands to steps (ACTIONS_RUNTIME_TOKEN for the cache and results services) are
  // masked as actions/runner masks its access token (Worker.cs, InitializeSecretMasker: endpoint
  // authorization parameters); URLs and flags in the same environment are not secrets.
  for (const [name, value] of Object.entries(options.runnerEnv ?? {}))
    if (/TOKEN$/i.test(name) && value) masker.add(value);
  const hostEnv = sanitizeHostEnv(options.hostEnv ?? process.env);
  // A dispatch (or call) payload given with --eventpath carries the inputs, as GitHub's does: they
  // are the run's inputs ("inputs context ... the inputs passed to the workflow", github.event.inputs),
  // and --input adds to or overrides them.
  const payloadInputs = {
    ...(eventName === 'workflow_dispatch' || eventName === 'workflow_call'
      ? inputsOfPayload(options.eventPayload)
      : {}),
    ...(options.inputs ?? {}),
  };
  // The activity the event stands for: --activity (checked against the event's types), else the one a
  // synthetic payload represents; a given payload keeps its own `action` unless --activity overrides it.
  const activity = resolveActivity(eventName, options.activity);
  // The local commit of a ref, asked of git only for events whose ref is not the current branch.
  const commits = new Map<string, string | undefined>();
  const commitOf = (ref: string): string | undefined => {
    if (!commits.has(ref)) commits.set(ref, local.isGit ? refCommit(repoRoot, ref) : undefined);
    return commits.get(ref);
  };
  const payload = options.eventPayload
    ? { ...options.eventPayload, ...(options.activity !== undefined ? { action: activity } : {}) }
    : synthesizePayload(eventName, local, payloadInputs, activity, {
        schedule: eventName === 'schedule' ? firstCron(planned.map((plan) => plan.model)) : undefined,
        // pull_request_target's github.sha is the base's: "Last commit on the PR base branch".
        baseSha:
          eventName === 'pull_request_target' ? commitOf(`refs/heads/${local.defaultBranch}`) : undefined,
      });
  // github.actor and triggering_actor: the payload's sender, the account whose id is actor_id ("the
  // user that triggered the initial workflow run"); without one, the local user.
  const sender = (payload['sender'] as { login?: unknown } | undefined)?.login;
  const repo: RepoInfo = typeof sender === 'string' && sender !== '' ? { ...local, actor: sender } : local;
  const refs = refsFor(eventName, payload, repo, commitOf);
  // `on:` filters: a workflow GitHub would not start for this event is reported and not run.
  const skipped: RunResult['skipped'] = [];
  let changed: ChangedFiles | undefined;
  const changedFiles = (): ChangedFiles =>
    (changed ??= changedFilesFor(repoRoot, eventName, payload, refs.sha));
  // The head commit's message, for `[skip ci]`: a push payload's head_commit.message, else the
  // message of the pushed (or the pull request's head) commit here; the survey read HEAD's.
  let message: { text: string | undefined } | undefined;
  const headMessage = (): string | undefined =>
    (message ??= { text: headCommitMessage(eventName, payload, refs.sha, repo, repoRoot) }).text;
  for (const plan of [...planned]) {
    let decision;
    try {
      decision = evaluateTrigger(
        eventName,
        plan.model.triggers[eventName],
        payload,
        refs.ref,
        changedFiles,
        headMessage,
      );
    } catch (error) {
      // A filter pattern that cannot be compiled: the workflow is invalid, nothing runs.
      if (!(error instanceof FilterPatternError)) throw error;
      throw new EngineUsageError(`${plan.model.file}: on.${eventName}: ${error.message}`);
    }
    if (decision.run) {
      if (decision.note) options.onLog?.({ kind: 'info', job: plan.model.file, text: decision.note });
      continue;
    }
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
        // The template is only read (each job copies it), so its files may be hard links to the
        // user's: one copy per job instead of two. Not with --keep-temp, which leaves it behind.
        await copyRepository(repoRoot, dir, shared.files, repo, cloneSource, {
          linkFiles: !options.keepTemp,
        });
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
      await preflight(runner, plan.model, plan.selected, 0, new Set());
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
        ? resolveInputs(declared, payloadInputs, plan.model.file, inputScope)
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
  if (eventName === 'workflow_dispatch' && scopes[0]) {
    // github.event.inputs holds every input as a string (defaults included, --input overrides
    // applied), also when the rest of the payload came from --eventpath.
    const given = inputsOfPayload(options.eventPayload);
    (payload as { inputs: Record<string, string> }).inputs = {
      ...given,
      ...Object.fromEntries(Object.entries(scopes[0].inputs).map(([k, v]) => [k, asString(v)])),
    };
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
        const admitted = await joinGroup({
          shared,
          token: scope.model.concurrency,
          exprScope: runner.workflowExpressionScope(scope),
          held: undefined, // each workflow of a directory is a run of its own, as on GitHub
          name: scope.model.file,
          logAs: scope.model.file,
          label: `run ${shared.runId} of ${scope.relativePath} (pid ${process.pid})`,
          signal: shared.signal,
        });
        if (!('lease' in admitted)) {
          const { conclusion, message } = refusal(admitted);
          shared.annotations.push({ level: 'error', message, job: scope.model.file });
          emit({ kind: 'command', job: scope.model.file, text: `##[error]${message}` });
          workflows.push({
            workflow: scope.model.file,
            conclusion,
            jobs: [],
            annotations: shared.annotations,
            outputs: {},
          });
          return;
        }
        // cancel-in-progress from a newer run cancels this workflow's run only (`always()` steps
        // still run); other workflows of the same `paved run` go on.
        const lease = admitted.lease;
        if (lease) {
          const cancelled = AbortSignal.any([shared.signal, lease.signal]);
          scope.signal = cancelled;
          scope.runSignal = cancelled;
        }
        scope.heldGroups = heldWith(undefined, admitted.group);
        let outcomes;
        try {
          outcomes = await runner.runGraph(scope, (planned[index] as PlannedWorkflow).selected);
        } finally {
          lease?.release();
        }
        const concluded = concludeWorkflow(runner, scope, outcomes, scope.model.file);
        const { outputs } = concluded;
        const conclusion =
          concluded.conclusion === 'success' && lease?.signal.aborted ? 'cancelled' : concluded.conclusion;
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

/** The `inputs` object of an event payload, when it has one, as the strings GitHub sends. */
function inputsOfPayload(payload: unknown): Record<string, string> {
  const inputs = (payload as { inputs?: unknown } | undefined)?.inputs;
  if (!inputs || typeof inputs !== 'object' || Array.isArray(inputs)) return {};
  return Object.fromEntries(
    Object.entries(inputs as Record<string, Value>).map(([key, value]) => [key, asString(value)]),
  );
}

/**
 * The message of the commit a push or pull_request run is for: the push payload's
 * `head_commit.message`, else that of the pushed commit (`sha`) or of `pull_request.head.sha`, read
 * here (HEAD's from the survey, without another process).
 */
function headCommitMessage(
  eventName: string,
  payload: Record<string, unknown>,
  sha: string,
  repo: RepoInfo,
  root: string,
): string | undefined {
  let commit = sha;
  if (eventName === 'push') {
    const given = (payload['head_commit'] as { message?: unknown } | undefined)?.message;
    if (typeof given === 'string') return given;
  } else {
    const head = (payload['pull_request'] as { head?: { sha?: unknown } } | undefined)?.head?.sha;
    if (typeof head === 'string' && SHA.test(head)) commit = head;
  }
  if (commit === repo.sha && repo.headMessage !== undefined) return repo.headMessage;
  return repo.isGit && SHA.test(commit) ? commitMessage(root, commit) : undefined;
}
