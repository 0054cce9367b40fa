/**
 * Loading a workflow file: GitHub's `@actions/workflow-parser` validates it against the workflow
 * schema and converts it; what the converted model drops (step `with`, `shell`, `working-directory`,
 * `timeout-minutes`, job `defaults`, `continue-on-error`, `permissions`, `workflow_call.outputs`, …)
 * is read from the parsed token tree.
 */
import { readFileSync } from 'node:fs';
import { FeatureFlags } from '@actions/expressions/features';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import {
  TemplateContext,
  TemplateValidationErrors,
} from '@actions/workflow-parser/templates/template-context';
import { getWorkflowSchema } from '@actions/workflow-parser/workflows/workflow-schema';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';
import { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token';
import { SequenceToken } from '@actions/workflow-parser/templates/tokens/sequence-token';
import { StringToken } from '@actions/workflow-parser/templates/tokens/string-token';
import { BooleanToken } from '@actions/workflow-parser/templates/tokens/boolean-token';
import { NumberToken } from '@actions/workflow-parser/templates/tokens/number-token';
import type { WorkflowTemplate } from '@actions/workflow-parser/model/workflow-template';

/** A workflow that does not parse or validate; `problems` are `file:line:col: message` lines. */
export class WorkflowSyntaxError extends Error {
  override name = 'WorkflowSyntaxError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

export interface StepModel {
  /** The id the workflow gave, or a generated `__run`-style id (not visible in the steps context). */
  id: string;
  explicitId: boolean;
  name: TemplateToken | undefined;
  /** The converted condition (`success() && (…)` when no status function was written). */
  if: string;
  uses: string | undefined;
  run: TemplateToken | undefined;
  shell: TemplateToken | undefined;
  workingDirectory: TemplateToken | undefined;
  env: TemplateToken | undefined;
  with: TemplateToken | undefined;
  continueOnError: TemplateToken | undefined;
  timeoutMinutes: TemplateToken | undefined;
  line: number | undefined;
  /** `background: true`: started, then the job goes on at once (engine/background-steps.ts). */
  background: boolean;
  /** A step that runs nothing itself: `wait`, `wait-all`, `cancel`, or a `parallel` group. */
  control: StepControl | undefined;
}

/** What a control step does: the ids it waits for or cancels, or the steps of its parallel group. */
export type StepControl =
  | { kind: 'wait'; targets: string[] }
  | { kind: 'wait-all' }
  | { kind: 'cancel'; targets: string[] }
  | { kind: 'parallel'; steps: StepModel[] };

export interface JobModel {
  id: string;
  kind: 'job' | 'reusable';
  name: TemplateToken | undefined;
  needs: string[];
  if: string;
  strategy: TemplateToken | undefined;
  env: TemplateToken | undefined;
  defaults: TemplateToken | undefined;
  continueOnError: TemplateToken | undefined;
  timeoutMinutes: TemplateToken | undefined;
  outputs: TemplateToken | undefined;
  runsOn: TemplateToken | undefined;
  permissions: TemplateToken | undefined;
  concurrency: TemplateToken | undefined;
  environment: TemplateToken | undefined;
  container: TemplateToken | undefined;
  services: TemplateToken | undefined;
  steps: StepModel[];
  /** Reusable workflow call. */
  uses: string | undefined;
  /** The `uses:` value, where GitHub reports what is wrong with the call as a whole. */
  usesToken: TemplateToken | undefined;
  with: TemplateToken | undefined;
  secrets: TemplateToken | undefined;
  inheritSecrets: boolean;
}

export interface CallInputSpec {
  type: string;
  required: boolean;
  default: TemplateToken | undefined;
  /** A `workflow_dispatch` input of `type: choice`: the values it accepts. */
  options?: string[];
}

export interface WorkflowModel {
  /** The path as given (used in messages). */
  file: string;
  name: string | undefined;
  events: string[];
  env: TemplateToken | undefined;
  defaults: TemplateToken | undefined;
  jobs: JobModel[];
  callInputs: Record<string, CallInputSpec>;
  callSecrets: Record<string, { required: boolean }>;
  callOutputs: Record<string, TemplateToken | undefined>;
  dispatchInputs: Record<string, CallInputSpec>;
  /** `on.<event>` filters as the parser converted them (branches, paths, types, …). */
  triggers: Record<string, Record<string, unknown>>;
  permissions: TemplateToken | undefined;
  concurrency: TemplateToken | undefined;
  template: WorkflowTemplate;
}

export function find(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  return token instanceof MappingToken ? token.find(key) : undefined;
}

function literal(token: TemplateToken | undefined): string | undefined {
  if (token instanceof StringToken) return token.value;
  if (token instanceof NumberToken || token instanceof BooleanToken) return String(token.value);
  return undefined;
}

export function problemFromMessage(file: string, message: string): string {
  // The parser prefixes messages with `<file> (Line: L, Col: C): `.
  const match = /^(.*?) \(Line: (\d+), Col: (\d+)\): ([\s\S]*)$/.exec(message);
  if (match) return `${file}:${match[2]}:${match[3]}: ${match[4]}`;
  return `${file}: ${message}`;
}

function inputSpecs(token: TemplateToken | undefined): Record<string, CallInputSpec> {
  const out: Record<string, CallInputSpec> = {};
  if (!(token instanceof MappingToken)) return out;
  for (const pair of token) {
    const name = literal(pair.key) ?? '';
    const spec = pair.value;
    const required = find(spec, 'required');
    const options = find(spec, 'options');
    out[name] = {
      type: literal(find(spec, 'type')) ?? 'string',
      required: required instanceof BooleanToken ? required.value : literal(required) === 'true',
      default: find(spec, 'default'),
      ...(options instanceof SequenceToken
        ? { options: [...options].map((option) => literal(option) ?? '') }
        : {}),
    };
  }
  return out;
}

interface ConvertedStep {
  id: string;
  if?: { expression: string };
  name?: TemplateToken;
  background?: boolean;
  wait?: Array<{ value: string }>;
  'wait-all'?: boolean;
  cancel?: { value: string };
  parallel?: ConvertedStep[];
}

function controlOf(model: ConvertedStep, token: TemplateToken, file: string): StepControl | undefined {
  if (model.wait) return { kind: 'wait', targets: model.wait.map((target) => target.value) };
  if (model['wait-all']) return { kind: 'wait-all' };
  if (model.cancel) return { kind: 'cancel', targets: [model.cancel.value] };
  if (model.parallel)
    return { kind: 'parallel', steps: stepsFrom(find(token, 'parallel'), model.parallel, file) };
  return undefined;
}

function stepsFrom(
  sequence: TemplateToken | undefined,
  converted: ConvertedStep[],
  file: string,
): StepModel[] {
  if (!(sequence instanceof SequenceToken)) return [];
  const steps: StepModel[] = [];
  let index = 0;
  for (const token of sequence) {
    const model = converted[index];
    if (!model) throw new WorkflowSyntaxError([`${file}: step ${index + 1} could not be converted`]);
    const explicit = literal(find(token, 'id'));
    steps.push({
      id: model.id,
      explicitId: explicit !== undefined,
      // Control steps without a name get the parser's ("Wait", "Wait for all", "Cancel", "Parallel group").
      name: find(token, 'name') ?? model.name,
      if: model.if?.expression ?? 'success()',
      uses: literal(find(token, 'uses')),
      run: find(token, 'run'),
      shell: find(token, 'shell'),
      workingDirectory: find(token, 'working-directory'),
      env: find(token, 'env'),
      with: find(token, 'with'),
      continueOnError: find(token, 'continue-on-error'),
      timeoutMinutes: find(token, 'timeout-minutes'),
      line: token.line,
      background: model.background === true,
      control: controlOf(model, token, file),
    });
    index++;
  }
  return steps;
}

/** GitHub's parallel steps (generally available since 2026-06-25) are behind a flag in the parser. */
export const PARSER_FEATURES = new FeatureFlags({ allowBackgroundSteps: true });

/**
 * A parse context with GitHub's parallel steps (`background`, `wait`, `wait-all`, `cancel`,
 * `parallel`) enabled: the parser reads the flag while it reads the file, so it is set before.
 */
export function parseContext(): TemplateContext {
  const context = new TemplateContext(
    new TemplateValidationErrors(),
    getWorkflowSchema(),
    new NoOperationTraceWriter(),
  );
  context.state['featureFlags'] = PARSER_FEATURES;
  return context;
}

/**
 * GitHub refuses a workflow whose event names a filter and its `-ignore` form together (Workflow
 * syntax, on.push.<branches|tags|branches-ignore|tags-ignore>: "You cannot use both the branches and
 * branches-ignore filters for the same event"; likewise paths and paths-ignore, and the same for
 * pull_request, pull_request_target and workflow_run). The schema accepts both, so this is checked here:
 * one problem per event and filter, at the key written second, worded as GitHub's error.
 */
function conflictingFilters(file: string, on: TemplateToken | undefined): string[] {
  if (!(on instanceof MappingToken)) return [];
  const problems: string[] = [];
  for (const event of on) {
    if (!(event.value instanceof MappingToken)) continue;
    const keys = new Map<string, TemplateToken>();
    for (const pair of event.value) keys.set(literal(pair.key) ?? '', pair.key);
    for (const filter of ['branches', 'tags', 'paths']) {
      const include = keys.get(filter);
      const ignore = keys.get(`${filter}-ignore`);
      if (!include || !ignore) continue;
      const later = [include, ignore].sort(
        (a, b) =>
          (a.range?.start.line ?? 0) - (b.range?.start.line ?? 0) ||
          (a.range?.start.column ?? 0) - (b.range?.start.column ?? 0),
      )[1];
      const where = later?.range ? `${later.range.start.line}:${later.range.start.column}:` : '';
      problems.push(
        `${file}:${where} you may only define one of ${filter} and ${filter}-ignore for a single event`,
      );
    }
  }
  return problems;
}

/** Parse and validate workflow text. Throws {@link WorkflowSyntaxError} with every problem found. */
export async function parseWorkflowText(file: string, content: string): Promise<WorkflowModel> {
  const parsed = parseWorkflow({ name: file, content }, parseContext());
  const errors = parsed.context.errors.getErrors();
  if (errors.length > 0 || !parsed.value) {
    throw new WorkflowSyntaxError(
      errors.length
        ? errors.map((error) =>
            error.range
              ? `${file}:${error.range.start.line}:${error.range.start.column}: ${error.rawMessage}`
              : problemFromMessage(file, error.message),
          )
        : [`${file}: not a workflow`],
    );
  }
  const conflicts = conflictingFilters(file, find(parsed.value, 'on'));
  if (conflicts.length > 0) throw new WorkflowSyntaxError(conflicts);
  const template = await convertWorkflowTemplate(parsed.context, parsed.value, undefined, {
    featureFlags: PARSER_FEATURES,
  });
  if (template.errors?.length) {
    // One cycle is reported once per job on it; the first names it well enough.
    let cycleSeen = false;
    const problems = template.errors
      .map((error) => problemFromMessage(file, error.Message))
      .filter((problem) => {
        if (!problem.includes('creates a cycle')) return true;
        if (cycleSeen) return false;
        cycleSeen = true;
        return true;
      });
    throw new WorkflowSyntaxError(problems);
  }
  const root = parsed.value;
  const jobsToken = find(root, 'jobs');
  const on = find(root, 'on');
  const call = find(on, 'workflow_call');
  const callOutputs: Record<string, TemplateToken | undefined> = {};
  const outputsToken = find(call, 'outputs');
  if (outputsToken instanceof MappingToken)
    for (const pair of outputsToken) callOutputs[literal(pair.key) ?? ''] = find(pair.value, 'value');
  const callSecrets: Record<string, { required: boolean }> = {};
  const secretsToken = find(call, 'secrets');
  if (secretsToken instanceof MappingToken) {
    for (const pair of secretsToken) {
      const required = find(pair.value, 'required');
      callSecrets[literal(pair.key) ?? ''] = {
        required: required instanceof BooleanToken ? required.value : false,
      };
    }
  }
  const jobs: JobModel[] = template.jobs.map((job) => {
    const id = job.id.value;
    const token = find(jobsToken, id);
    const base = {
      id,
      name: find(token, 'name'),
      needs: (job.needs ?? []).map((need) => need.value),
      if: job.if?.expression ?? 'success()',
      strategy: find(token, 'strategy'),
      env: find(token, 'env'),
      defaults: find(token, 'defaults'),
      continueOnError: find(token, 'continue-on-error'),
      timeoutMinutes: find(token, 'timeout-minutes'),
      outputs: find(token, 'outputs'),
      runsOn: find(token, 'runs-on'),
      permissions: find(token, 'permissions'),
      concurrency: find(token, 'concurrency'),
      environment: find(token, 'environment'),
      container: find(token, 'container'),
      services: find(token, 'services'),
    };
    if (job.type === 'reusableWorkflowJob') {
      const secrets = find(token, 'secrets');
      return {
        ...base,
        kind: 'reusable' as const,
        steps: [],
        uses: job.ref.value,
        usesToken: find(token, 'uses'),
        with: find(token, 'with'),
        secrets: secrets instanceof MappingToken ? secrets : undefined,
        inheritSecrets: literal(secrets) === 'inherit',
      };
    }
    return {
      ...base,
      kind: 'job' as const,
      steps: stepsFrom(find(token, 'steps'), job.steps as unknown as ConvertedStep[], file),
      uses: undefined,
      usesToken: undefined,
      with: undefined,
      secrets: undefined,
      inheritSecrets: false,
    };
  });
  // GitHub refuses the workflow when a job has nothing to run (the schema allows an empty `steps`).
  const empty = jobs.filter((job) => job.kind === 'job' && job.steps.length === 0).map((job) => job.id);
  if (empty.length)
    throw new WorkflowSyntaxError([
      `${file}: No steps defined in \`steps\` and no workflow called in \`uses\` for the following jobs: ${empty.join(', ')}`,
    ]);
  return {
    file,
    name: literal(find(root, 'name')),
    events: Object.keys(template.events ?? {}),
    env: find(root, 'env'),
    defaults: find(root, 'defaults'),
    jobs,
    callInputs: inputSpecs(find(call, 'inputs')),
    callSecrets,
    callOutputs,
    dispatchInputs: inputSpecs(find(find(on, 'workflow_dispatch'), 'inputs')),
    triggers: (template.events ?? {}) as Record<string, Record<string, unknown>>,
    permissions: find(root, 'permissions'),
    concurrency: find(root, 'concurrency'),
    template,
  };
}

/** Read and parse a workflow file. `displayPath` is how messages name it. */
export async function loadWorkflow(path: string, displayPath = path): Promise<WorkflowModel> {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WorkflowSyntaxError([
      `${displayPath}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    ]);
  }
  return parseWorkflowText(displayPath, content);
}

/** Jobs in an order where every job comes after its needs; throws on unknown needs and cycles. */
export function orderJobs(jobs: JobModel[], file: string): JobModel[] {
  const byId = new Map(jobs.map((job) => [job.id, job]));
  for (const job of jobs) {
    for (const need of job.needs)
      if (!byId.has(need))
        throw new WorkflowSyntaxError([
          `${file}: job '${job.id}' needs '${need}', which is not a job in this workflow`,
        ]);
  }
  const order: JobModel[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (job: JobModel, path: string[]): void => {
    const seen = state.get(job.id);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(job.id)), job.id];
      throw new WorkflowSyntaxError([`${file}: the needs of jobs form a cycle: ${cycle.join(' -> ')}`]);
    }
    state.set(job.id, 'visiting');
    for (const need of job.needs) visit(byId.get(need) as JobModel, [...path, job.id]);
    state.set(job.id, 'done');
    order.push(job);
  };
  for (const job of jobs) visit(job, []);
  return order;
}
