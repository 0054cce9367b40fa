/** The file being linted and the pieces of it the rules walk: jobs, steps and their `env:` chain. */
import { isMap, type Node, type Pair, type YAMLMap } from 'yaml';
import { entries, itemsOf, valueOf, type YamlSource } from './source.js';
import type { LintConfig } from './config.js';

export type FileKind = 'workflow' | 'action';

/** A finding before its offset is turned into line:column. */
export interface RawFinding {
  offset: number;
  rule: string;
  message: string;
}

export interface LintTarget {
  /** The path as the user will see it in findings. */
  file: string;
  kind: FileKind;
  source: YamlSource;
  config: LintConfig;
  /**
   * The text of a file named by a local `uses: ./path` (relative to the repository root), or undefined
   * when it cannot be read; absent when the linted text has no repository around it.
   */
  readLocal?: (path: string) => string | undefined;
}

export interface JobSite {
  id: string;
  pair: Pair<Node, Node | null>;
  map: YAMLMap;
}

export interface StepSite {
  map: YAMLMap;
  job: JobSite | undefined;
  /** env: mappings that apply to the step, innermost (the step's own) first. */
  envs: YAMLMap[];
}

/** The jobs of a workflow, in file order. */
export function jobsOf(target: LintTarget): JobSite[] {
  if (target.kind !== 'workflow') return [];
  const jobs: JobSite[] = [];
  for (const [id, value, pair] of entries(valueOf(target.source.root(), 'jobs'))) {
    if (isMap(value)) jobs.push({ id, pair, map: value });
  }
  return jobs;
}

/** Every step: each job's steps for a workflow, `runs.steps` for a composite action. */
export function stepsOf(target: LintTarget): StepSite[] {
  const root = target.source.root();
  const steps: StepSite[] = [];
  const mapOrNothing = (node: unknown): YAMLMap[] => (isMap(node) ? [node] : []);
  if (target.kind === 'action') {
    for (const step of itemsOf(valueOf(valueOf(root, 'runs'), 'steps'))) {
      if (isMap(step)) steps.push({ map: step, job: undefined, envs: mapOrNothing(valueOf(step, 'env')) });
    }
    return steps;
  }
  const workflowEnv = mapOrNothing(valueOf(root, 'env'));
  for (const job of jobsOf(target)) {
    const jobEnv = mapOrNothing(valueOf(job.map, 'env'));
    for (const step of itemsOf(valueOf(job.map, 'steps'))) {
      if (isMap(step))
        steps.push({
          map: step,
          job,
          envs: [...mapOrNothing(valueOf(step, 'env')), ...jobEnv, ...workflowEnv],
        });
    }
  }
  return steps;
}

/** The events a workflow's `on:` names, whichever of the three forms it uses. */
export function eventsOf(target: LintTarget): Set<string> {
  const on = valueOf(target.source.root(), 'on');
  const events = new Set<string>();
  if (!on) return events;
  const scalar = (node: unknown): string | undefined => {
    const value = (node as { value?: unknown } | undefined)?.value;
    return typeof value === 'string' ? value : undefined;
  };
  if (isMap(on)) for (const [name] of entries(on)) events.add(name);
  else if (scalar(on)) events.add(scalar(on) as string);
  else for (const item of itemsOf(on)) if (scalar(item)) events.add(scalar(item) as string);
  return events;
}
