/**
 * Which GITHUB_TOKEN scopes a step needs, from the action it runs and the inputs it passes. Paved's own
 * actions are described in {@link PAVED_ACTION_PERMISSIONS}, the one place that knows what each of them
 * does with the token (test/unit/lint/permissions.test.ts fails when an action.yml gains a token-using
 * input the table does not cover). Steps whose token use cannot be read from the file — an unknown
 * action, a `run:` script that calls `gh` or `git push` — are "opaque": they may need anything, so no
 * grant of their job is reported as unused.
 */
import type { PermissionScope } from '../../shared/github-permissions.js';
import type { LintConfig } from './config.js';
import { classifyUses } from './uses.js';

export interface ScopeNeed {
  scope: PermissionScope;
  level: 'read' | 'write';
  /** Who needs it and for what, for the message: "deploy-argocd records a GitHub deployment". */
  because: string;
  /** Other scopes that serve as well at the same level (a PR comment is an issue comment). */
  alternatives?: PermissionScope[];
}

/** An input as the step passes it: not given, a literal, or an expression only known at run time. */
export type InputValue =
  { kind: 'unset' } | { kind: 'literal'; value: string } | { kind: 'expression'; text: string };

export interface StepInputs {
  input(name: string): InputValue;
  /** The events the workflow runs on; `workflow_call` means "whatever the caller runs on". */
  events: ReadonlySet<string>;
}

/** A value that may be non-empty at run time: given (literal non-empty, or any expression) or defaulted. */
function mayBeSet(value: InputValue, defaultSet: boolean): boolean {
  if (value.kind === 'unset') return defaultSet;
  return value.kind === 'expression' || value.value.trim() !== '';
}

/** A literal equal to `wanted`, or an expression that may evaluate to it. */
function mayEqual(value: InputValue, wanted: string, defaultValue: string): boolean {
  if (value.kind === 'unset') return defaultValue === wanted;
  return value.kind === 'expression' || value.value.trim() === wanted;
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);

/** Whether the workflow can run for a pull request, and for anything else (a push, a dispatch …). */
function eventKinds(events: ReadonlySet<string>): { pullRequest: boolean; other: boolean } {
  const called = events.has('workflow_call') || events.size === 0;
  return {
    pullRequest: called || [...events].some((e) => PULL_REQUEST_EVENTS.has(e)),
    other: called || [...events].some((e) => !PULL_REQUEST_EVENTS.has(e)),
  };
}

/** Whether an expression hands the workflow's GITHUB_TOKEN over. */
export function mentionsGitHubToken(text: string): boolean {
  return /\bgithub\.token\b|\bsecrets\.GITHUB_TOKEN\b/i.test(text);
}

/**
 * Whether a `github-token` input is the job's own GITHUB_TOKEN (its default, or an expression naming
 * it). Another token (a PAT or an app's from secrets) carries its own rights, not the job's grant.
 */
function jobToken(value: InputValue): boolean {
  if (value.kind === 'unset') return true;
  return value.kind === 'expression' && mentionsGitHubToken(value.text);
}

/** deploy-argocd, health-check and rollback write GitHub deployment records with `github-token`. */
function deploymentRecords(action: string, trigger: string, doing: string) {
  return {
    inputs: [trigger, 'github-token'] as const,
    needs(step: StepInputs): ScopeNeed[] {
      return mayBeSet(step.input(trigger), false) && jobToken(step.input('github-token'))
        ? [{ scope: 'deployments', level: 'write', because: `${action} ${doing}` }]
        : [];
    },
  };
}

/**
 * Paved's actions: the inputs that decide what the token is used for, and what that needs.
 * `inputs` lists every input of the action.yml that hands over a token or changes what it is used for.
 */
export const PAVED_ACTION_PERMISSIONS: Record<
  string,
  { inputs: readonly string[]; needs(step: StepInputs): ScopeNeed[] }
> = {
  build: { inputs: [], needs: () => [] },
  test: {
    inputs: ['feedback', 'github-token'],
    needs(step) {
      if (!mayEqual(step.input('feedback'), 'auto', 'auto') || !jobToken(step.input('github-token')))
        return [];
      const kinds = eventKinds(step.events);
      const needs: ScopeNeed[] = [];
      if (kinds.pullRequest)
        needs.push({
          scope: 'pull-requests',
          level: 'write',
          because: 'test comments the results on the pull request',
          alternatives: ['issues'],
        });
      if (kinds.other)
        needs.push({
          scope: 'statuses',
          level: 'write',
          because: 'test sets a commit status with the results',
        });
      return needs;
    },
  },
  containerize: {
    inputs: ['password'],
    needs(step) {
      const password = step.input('password');
      return password.kind === 'expression' && mentionsGitHubToken(password.text)
        ? [
            {
              scope: 'packages',
              level: 'write',
              because: "containerize pushes to GitHub's registry with the token",
            },
          ]
        : [];
    },
  },
  'deploy-argocd': deploymentRecords('deploy-argocd', 'environment', 'records a GitHub deployment'),
  'health-check': deploymentRecords(
    'health-check',
    'github-deployment-id',
    'marks the GitHub deployment failed after a rollback',
  ),
  rollback: deploymentRecords('rollback', 'github-deployment-id', 'marks the GitHub deployment failed'),
  'notify-slack': { inputs: [], needs: () => [] },
  'vault-secrets': {
    inputs: ['method'],
    needs(step) {
      return mayEqual(step.input('method'), 'jwt', 'token')
        ? [
            {
              scope: 'id-token',
              level: 'write',
              because: 'vault-secrets logs in to Vault with the OIDC token',
            },
          ]
        : [];
    },
  },
};

/** Well-known actions that use the token in a fixed way (or not at all), by `owner/repo`. */
const WELL_KNOWN: Record<string, (step: StepInputs) => ScopeNeed[] | 'opaque'> = {
  // checkout fetches this repository with the token; another repository or a token of its own is opaque
  'actions/checkout': (step) =>
    step.input('repository').kind === 'unset' && step.input('token').kind === 'unset'
      ? [{ scope: 'contents', level: 'read', because: 'actions/checkout fetches the repository' }]
      : 'opaque',
  'actions/setup-node': () => [],
  'actions/setup-python': () => [],
  'actions/setup-go': () => [],
  'actions/setup-java': () => [],
  'actions/cache': () => [],
  'actions/upload-artifact': () => [],
  // artifacts of this run need no token; another run's (github-token given) need actions: read
  'actions/download-artifact': (step) => (step.input('github-token').kind === 'unset' ? [] : 'opaque'),
};

/** What a `run:` script can do with the token that the file does not show. */
const TOKEN_IN_SCRIPT =
  /\bgithub\.token\b|\bGITHUB_TOKEN\b|\bGH_TOKEN\b|\bACTIONS_ID_TOKEN_REQUEST_|(^|[\s;&|(])gh\s|\bgit\s+push\b/;

export type StepAnalysis = { needs: ScopeNeed[] } | { opaque: string };

/**
 * What one step needs. `uses` is the step's `uses:` (undefined for `run:`), `script` its `run:` text and
 * `envText` the text of the env: values that apply to it.
 */
export function analyzeStep(
  step: { uses?: string; script?: string; envText: string; inputs: StepInputs },
  config: LintConfig,
): StepAnalysis {
  if (step.uses === undefined) {
    const text = `${step.script ?? ''}\n${step.envText}`;
    return TOKEN_IN_SCRIPT.test(text) ? { opaque: 'a run: script that uses the token' } : { needs: [] };
  }
  const ref = classifyUses(step.uses, config);
  const local = /^\.\/actions\/([A-Za-z0-9._-]+)\/?$/.exec(step.uses.trim());
  const pavedName =
    ref.kind === 'remote' && ref.paved && ref.path.startsWith('actions/')
      ? ref.path.slice('actions/'.length)
      : local?.[1];
  const paved = pavedName !== undefined ? PAVED_ACTION_PERMISSIONS[pavedName] : undefined;
  if (paved) return { needs: paved.needs(step.inputs) };
  if (ref.kind === 'remote') {
    const known = WELL_KNOWN[ref.repository.toLowerCase()];
    if (known && ref.path === '') {
      const needs = known(step.inputs);
      return needs === 'opaque' ? { opaque: `${ref.repository} with these inputs` } : { needs };
    }
  }
  return { opaque: `${step.uses.trim()}, whose token use paved lint does not know` };
}

const RANK = { none: 0, read: 1, write: 2 } as const;

/** Whether `granted` (a resolved permission map) covers a need. */
export function satisfies(granted: Readonly<Record<string, string>>, need: ScopeNeed): boolean {
  return [need.scope, ...(need.alternatives ?? [])].some(
    (scope) => (RANK[granted[scope] as keyof typeof RANK] ?? 0) >= RANK[need.level],
  );
}
