/**
 * Paved's own security rules. Each one says what is wrong, why it matters and what to write instead,
 * and points at the offending token. Background: GitHub's "Security hardening for GitHub Actions"
 * guide (script injection, pinning, GITHUB_TOKEN permissions, pull_request_target).
 */
import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { contextPaths, isSecretPath, untrustedMatch, type ContextPath } from './expressions.js';
import { entries, pairOf, stringOf, valueOf, YamlSource } from './source.js';
import {
  isPermissionScope,
  PERMISSION_SCOPES,
  type PermissionScope,
} from '../../shared/github-permissions.js';
import { analyzeStep, satisfies, type InputValue, type ScopeNeed, type StepInputs } from './permissions.js';
import {
  eventsOf,
  jobsOf,
  stepsOf,
  type JobSite,
  type LintTarget,
  type RawFinding,
  type StepSite,
} from './target.js';
import { classifyUses, isUnpinned } from './uses.js';

export interface Rule {
  id: string;
  summary: string;
  check(target: LintTarget): RawFinding[];
}

/** Context paths of every expression in a scalar node. */
function pathsIn(target: LintTarget, node: Node | undefined): ContextPath[] {
  return target.source.expressions(node).flatMap((site) => contextPaths(site) ?? []);
}

function usesOf(
  target: LintTarget,
  map: YAMLMap,
): { node: Node; value: string; ref: ReturnType<typeof classifyUses> } | undefined {
  const node = valueOf(map, 'uses');
  const value = stringOf(node);
  if (!node || value === undefined) return undefined;
  return { node, value, ref: classifyUses(value, target.config) };
}

const untrustedInput: Rule = {
  id: 'untrusted-input',
  summary:
    'attacker-controlled github.event fields or github.head_ref expanded into run: or a github-script script',
  check(target) {
    const findings: RawFinding[] = [];
    for (const step of stepsOf(target)) {
      const scripts: Array<{ node: Node | undefined; language: 'shell' | 'javascript' }> = [
        { node: valueOf(step.map, 'run'), language: 'shell' },
      ];
      const uses = usesOf(target, step.map);
      if (uses?.ref.kind === 'remote' && uses.ref.repository.toLowerCase() === 'actions/github-script') {
        scripts.push({ node: valueOf(valueOf(step.map, 'with'), 'script'), language: 'javascript' });
      }
      for (const script of scripts) {
        for (const path of pathsIn(target, script.node)) {
          if (!path.reachesOutput) continue;
          const match = untrustedMatch(path.segments);
          if (!match) continue;
          const where = script.language === 'shell' ? 'the shell script' : 'the JavaScript';
          const read = script.language === 'shell' ? 'use "$VALUE" in the script' : 'read process.env.VALUE';
          const what =
            match.kind === 'field'
              ? `"${path.text}" is text an outside contributor controls`
              : `"${path.text}" holds text an outside contributor controls (such as ${match.example})`;
          findings.push({
            offset: path.offset,
            rule: this.id,
            message: `${what}, and \${{ }} pastes it into ${where} before it runs, so a crafted value runs as code; pass it through env: (VALUE: \${{ ${path.text} }}) and ${read}`,
          });
        }
      }
    }
    return findings;
  },
};

const unpinnedAction: Rule = {
  id: 'unpinned-action',
  summary:
    'a third-party action or reusable workflow not pinned to a full commit SHA (Docker images: to a digest)',
  check(target) {
    const findings: RawFinding[] = [];
    const maps: YAMLMap[] = [...stepsOf(target).map((s) => s.map), ...jobsOf(target).map((j) => j.map)];
    for (const map of maps) {
      const uses = usesOf(target, map);
      if (!uses) continue;
      const start = target.source.offsetOf(uses.node);
      const raw = target.source.text.slice(start, uses.node.range?.[1] ?? start);
      if (uses.ref.kind === 'docker' && !uses.ref.pinned) {
        findings.push({
          offset: start,
          rule: this.id,
          message: `"${uses.value}" names an image tag, which can be re-pushed with different content; pin the digest (docker://${uses.ref.image.split('@')[0]}@sha256:<digest>)`,
        });
      } else if (uses.ref.kind === 'remote' && uses.ref.problem) {
        findings.push({ offset: start + raw.lastIndexOf('@') + 1, rule: this.id, message: uses.ref.problem });
      }
    }
    return findings;
  },
};

const permissions: Rule = {
  id: 'missing-permissions',
  summary: 'a job whose GITHUB_TOKEN permissions are set neither on the job nor on the workflow',
  check(target) {
    if (target.kind !== 'workflow') return [];
    const root = target.source.root();
    if (!root || pairOf(root, 'permissions')) return [];
    return jobsOf(target)
      .filter((job) => !pairOf(job.map, 'permissions'))
      .map((job) => ({
        offset: target.source.offsetOf(job.pair),
        rule: this.id,
        message: `job "${job.id}" sets no permissions: and neither does the workflow, so its GITHUB_TOKEN gets the repository's default, which can be write access to everything; declare only what it needs (e.g. permissions: { contents: read }) on the workflow or the job`,
      }));
  },
};

/** A rule reporting `permissions: <shorthand>` on the workflow or a job; `what` names who gets it. */
function blanketPermissions(
  id: string,
  shorthand: 'write-all' | 'read-all',
  message: (what: string) => string,
): Rule {
  return {
    id,
    summary: `permissions: ${shorthand} on the workflow or a job`,
    check(target) {
      if (target.kind !== 'workflow') return [];
      const owners: Array<{ map: YAMLMap | undefined; what: string }> = [
        { map: target.source.root(), what: 'every job of this workflow' },
        ...jobsOf(target).map((job) => ({ map: job.map, what: `job "${job.id}"` })),
      ];
      const findings: RawFinding[] = [];
      for (const owner of owners) {
        const value = valueOf(owner.map, 'permissions');
        if (stringOf(value) !== shorthand) continue;
        findings.push({ offset: target.source.offsetOf(value), rule: id, message: message(owner.what) });
      }
      return findings;
    },
  };
}

const writeAllPermissions = blanketPermissions(
  'write-all-permissions',
  'write-all',
  (what) =>
    `permissions: write-all gives ${what} a GITHUB_TOKEN that can push code, edit releases and change settings; list only the scopes it needs (e.g. contents: read, packages: write)`,
);

const readAllPermissions = blanketPermissions(
  'read-all-permissions',
  'read-all',
  (what) =>
    `permissions: read-all lets ${what} read every scope (actions logs, security alerts, private packages …); list only the scopes it needs (e.g. contents: read)`,
);

/** Expressions that name the pull request's head: its branch, commit, number or fork. */
function namesPullRequestHead(path: ContextPath): boolean {
  const s = path.segments.join('.');
  return (
    s.startsWith('github.event.pull_request.head') ||
    s === 'github.head_ref' ||
    s === 'github.event.number' ||
    s === 'github.event.pull_request.number' ||
    s === 'github.event.pull_request.merge_commit_sha'
  );
}

const pullRequestTargetCheckout: Rule = {
  id: 'pull-request-target-checkout',
  summary: 'a pull_request_target workflow that checks out or fetches the pull request head',
  check(target) {
    if (target.kind !== 'workflow' || !eventsOf(target).has('pull_request_target')) return [];
    const findings: RawFinding[] = [];
    const report = (offset: number, what: string): void => {
      findings.push({
        offset,
        rule: this.id,
        message: `this workflow runs on pull_request_target, which gives its jobs the base repository's secrets and a write-capable GITHUB_TOKEN; ${what} runs the pull request author's code with them. Use the pull_request event for anything that builds or runs the change`,
      });
    };
    for (const step of stepsOf(target)) {
      const uses = usesOf(target, step.map);
      if (uses?.ref.kind === 'remote' && uses.ref.repository.toLowerCase() === 'actions/checkout') {
        const withMap = valueOf(step.map, 'with');
        for (const key of ['ref', 'repository']) {
          const node = valueOf(withMap, key);
          const head = pathsIn(target, node).find(namesPullRequestHead);
          if (head) report(head.offset, `checking out ${head.text}`);
          else if (key === 'ref' && /refs\/pull\//.test(stringOf(node) ?? ''))
            report(target.source.offsetOf(node), 'checking out refs/pull/…');
        }
      }
      const run = valueOf(step.map, 'run');
      if (isScalar(run) && run.range) {
        const text = target.source.text.slice(run.range[0], run.range[1]);
        const source = target.source.text;
        const lineOf = (offset: number): number => source.lastIndexOf('\n', offset - 1) + 1;
        const reportedLines = new Set<number>();
        for (const fetch of text.matchAll(/\bgh\s+pr\s+checkout\b|\bgit\s+fetch\b[^\n]*\bpull\//g)) {
          const offset = run.range[0] + (fetch.index ?? 0);
          reportedLines.add(lineOf(offset));
          report(offset, `"${fetch[0].trim()}"`);
        }
        for (const path of pathsIn(target, run)) {
          const lineStart = lineOf(path.offset);
          const lineEnd = source.indexOf('\n', path.offset);
          const line = source.slice(lineStart, lineEnd < 0 ? source.length : lineEnd);
          if (reportedLines.has(lineStart) || !namesPullRequestHead(path)) continue;
          if (/\bgit\s+(checkout|switch|fetch|reset)\b/.test(line)) {
            reportedLines.add(lineStart);
            report(path.offset, `a git command on ${path.text}`);
          }
        }
      }
    }
    return findings;
  },
};

/** Names of environment variables that carry a secret for this step (innermost env: wins). */
function secretEnvNames(target: LintTarget, step: StepSite): Set<string> {
  const decided = new Map<string, boolean>();
  for (const env of step.envs) {
    for (const [name, value] of entries(env)) {
      if (decided.has(name)) continue;
      decided.set(
        name,
        pathsIn(target, value).some((p) => isSecretPath(p.segments)),
      );
    }
  }
  return new Set([...decided].filter(([, secret]) => secret).map(([name]) => name));
}

const PRINT_COMMAND =
  /^\s*(?:sudo\s+)?(echo|printf|print|puts|cat|Write-Host|Write-Output|Write-Information|console\.log)\b/i;
/** Filters at the end of a pipeline that write what they read (transformed) to the log. */
const PRINTING_FILTER =
  /^\s*(base64|base32|xxd|od|hexdump|rev|tr|sed|awk|jq|yq|cut|head|tail|tee|sort|fold|openssl\s+(?:base64|enc))\b/;
/** Redirections that still end up where people read them. */
const VISIBLE_REDIRECT =
  /^\s*>{1,2}\s*("?\$\{?GITHUB_(OUTPUT|STEP_SUMMARY)\}?"?|&\s*[12]|\/dev\/std(out|err))/;

const secretEcho: Rule = {
  id: 'secret-echo',
  summary:
    'a secret printed to the job log (echo, printf, Write-Host …) rather than piped to the command that needs it',
  check(target) {
    const findings: RawFinding[] = [];
    for (const step of stepsOf(target)) {
      const run = valueOf(step.map, 'run');
      if (!isScalar(run) || !run.range) continue;
      const secretNames = secretEnvNames(target, step);
      const secretExpressions = pathsIn(target, run).filter((p) => isSecretPath(p.segments));
      const start = run.range[0];
      const text = target.source.text.slice(start, run.range[1]);
      // Each command of each line: split on ; && || (a single | is a pipe and stays inside the command).
      const commands = /[^;&|\n]+(?:\|(?!\|)[^;&|\n]*)*/g;
      for (const command of text.matchAll(commands)) {
        const body = command[0];
        const print = PRINT_COMMAND.exec(body);
        if (!print) continue;
        const from = start + (command.index ?? 0);
        const to = from + body.length;
        const [printed = '', ...pipeline] = body.slice(print[0].length).split(/\|(?!\|)/);
        if (/<</.test(printed)) continue; // a heredoc feeds the command; nothing is printed here
        if (/^\s*["']?::add-mask::/.test(printed)) continue; // the runner swallows this line and masks the value
        // Piped on, the secret reaches the log only through a filter that re-prints it (base64, tr, jq …),
        // and then in a form GitHub's masking does not recognise.
        const last = pipeline.at(-1);
        const filter = last === undefined ? undefined : PRINTING_FILTER.exec(last)?.[1];
        if (last !== undefined && !filter) continue;
        const output = last ?? printed;
        const redirect = /(?<![<&>])>{1,2}(?!&)/.exec(output);
        if (redirect && !VISIBLE_REDIRECT.test(output.slice(redirect.index))) continue; // written to a file
        const how = filter ? `${print[1]} … | ${filter} prints a transformed copy of` : `${print[1]} prints`;
        const hits: Array<{ offset: number; text: string }> = secretExpressions
          .filter((p) => p.offset >= from && p.offset < to)
          .map((p) => ({ offset: p.offset, text: `\${{ ${p.text} }}` }));
        for (const name of secretNames) {
          const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          const reference = new RegExp(
            `\\$\\{${escaped}\\}|\\$${escaped}\\b|\\$env:${escaped}\\b|%${escaped}%|process\\.env\\.${escaped}\\b`,
            'g',
          );
          for (const hit of body.matchAll(reference))
            hits.push({ offset: from + (hit.index ?? 0), text: hit[0] });
        }
        for (const hit of hits) {
          findings.push({
            offset: hit.offset,
            rule: this.id,
            message: `${how} the secret ${hit.text} into the job log; GitHub masks the exact value but not a part, an encoding (base64, URL) or a reformatted copy of it. Pipe it to the command that needs it (printf '%s' "$TOKEN" | docker login --password-stdin …) instead of printing it`,
          });
        }
      }
    }
    return findings;
  },
};

const secretToUnpinnedAction: Rule = {
  id: 'secret-to-unpinned-action',
  summary:
    'a secret passed (with:, env:, secrets:) to an action or reusable workflow that is not pinned to a commit',
  check(target) {
    const findings: RawFinding[] = [];
    const report = (offset: number, secret: string, uses: string): void => {
      findings.push({
        offset,
        rule: this.id,
        message: `${secret} is handed to "${uses}", which is not pinned to a commit, so whoever can move that ref receives the secret; pin it to a full commit SHA first`,
      });
    };
    for (const step of stepsOf(target)) {
      const uses = usesOf(target, step.map);
      if (!uses || !isUnpinned(uses.ref)) continue;
      for (const key of ['with', 'env']) {
        for (const [, value] of entries(valueOf(step.map, key))) {
          for (const path of pathsIn(target, value))
            if (isSecretPath(path.segments)) report(path.offset, path.text, uses.value);
        }
      }
    }
    for (const job of jobsOf(target)) {
      const uses = usesOf(target, job.map);
      if (!uses || !isUnpinned(uses.ref)) continue;
      const secrets = valueOf(job.map, 'secrets');
      if (stringOf(secrets) === 'inherit')
        report(
          target.source.offsetOf(secrets),
          'every secret of this repository (secrets: inherit)',
          uses.value,
        );
      else if (isMap(secrets)) {
        for (const [, value] of entries(secrets)) {
          for (const path of pathsIn(target, value))
            if (isSecretPath(path.segments)) report(path.offset, path.text, uses.value);
        }
      }
    }
    return findings;
  },
};

/** The `with:` of a step as {@link StepInputs}: literal text, or an expression known only at run time. */
function stepInputs(map: YAMLMap, events: ReadonlySet<string>): StepInputs {
  const inputs = valueOf(map, 'with');
  return {
    events,
    input(name): InputValue {
      const node = valueOf(inputs, name);
      if (node === undefined) return { kind: 'unset' };
      const text = stringOf(node) ?? '';
      return text.includes('${{') ? { kind: 'expression', text } : { kind: 'literal', value: text };
    },
  };
}

/** A need located at the step (or called job) that has it. */
interface LocatedNeed extends ScopeNeed {
  offset: number;
  /** The step or called workflow job, for the message. */
  who: string;
}

/** What a job needs: its steps' needs, or those of the jobs of the local workflow it calls. */
function jobNeeds(
  target: LintTarget,
  job: JobSite,
  events: ReadonlySet<string>,
  depth = 0,
): { needs: LocatedNeed[]; opaque: string | undefined } {
  const needs: LocatedNeed[] = [];
  let opaque: string | undefined;
  const called = valueOf(job.map, 'uses');
  if (called) {
    const path = stringOf(called) ?? '';
    const text = path.startsWith('./') && depth === 0 ? target.readLocal?.(path) : undefined;
    if (text === undefined)
      return { needs, opaque: `the workflow ${path}, which paved lint cannot read here` };
    const callee: LintTarget = {
      file: path,
      kind: 'workflow',
      source: new YamlSource(text),
      config: target.config,
    };
    const calleeDefaults = valueOf(callee.source.root(), 'permissions');
    for (const calleeJob of jobsOf(callee)) {
      const inner = jobNeeds(callee, calleeJob, events, depth + 1);
      opaque ??= inner.opaque;
      const at = target.source.offsetOf(called);
      for (const need of inner.needs)
        needs.push({ ...need, offset: at, who: `${path} job "${calleeJob.id}"` });
      // GitHub refuses to start a called job that asks for more than its caller holds.
      const asked = permissionMap(valueOf(calleeJob.map, 'permissions') ?? calleeDefaults);
      for (const [scope, level] of Object.entries(asked ?? {}))
        if (level === 'write' && isPermissionScope(scope))
          needs.push({
            scope,
            level: 'write',
            because: `${path} job "${calleeJob.id}" asks for it, and GitHub refuses to start a called job that asks for more than its caller grants`,
            offset: at,
            who: `${path} job "${calleeJob.id}"`,
          });
    }
    return { needs, opaque };
  }
  for (const step of stepsOf(target).filter((s) => s.job?.id === job.id)) {
    const usesNode = valueOf(step.map, 'uses');
    const uses = stringOf(usesNode);
    const envText = step.envs
      .flatMap((env) => entries(env).map(([, value]) => stringOf(value) ?? ''))
      .join('\n');
    const analysis = analyzeStep(
      {
        ...(uses !== undefined ? { uses } : {}),
        script: stringOf(valueOf(step.map, 'run')) ?? '',
        envText,
        inputs: stepInputs(step.map, events),
      },
      target.config,
    );
    if ('opaque' in analysis) {
      opaque ??= analysis.opaque;
      continue;
    }
    const name = stringOf(valueOf(step.map, 'name')) ?? stringOf(valueOf(step.map, 'id')) ?? uses ?? 'run';
    for (const need of analysis.needs)
      needs.push({ ...need, offset: target.source.offsetOf(usesNode ?? step.map), who: `step "${name}"` });
  }
  return { needs, opaque };
}

/** A `permissions:` node as scope -> level; 'read-all'/'write-all' expanded; undefined when absent. */
function permissionMap(node: Node | undefined): Record<string, string> | undefined {
  if (!node) return undefined;
  const value = stringOf(node);
  if (value === 'read-all' || value === 'write-all') {
    const level = value === 'read-all' ? 'read' : 'write';
    return Object.fromEntries(PERMISSION_SCOPES.map((scope) => [scope, level]));
  }
  if (!isMap(node)) return {};
  return Object.fromEntries(entries(node).map(([scope, level]) => [scope, stringOf(level) ?? 'none']));
}

function covers(need: ScopeNeed, scope: string): boolean {
  return need.scope === scope || (need.alternatives ?? []).includes(scope as PermissionScope);
}

const permissionNotGranted: Rule = {
  id: 'permission-not-granted',
  summary:
    "a step (or a called workflow's job) needs a GITHUB_TOKEN scope its job does not grant: the API call gets 403",
  check(target) {
    if (target.kind !== 'workflow') return [];
    const events = eventsOf(target);
    const workflowPermissions = valueOf(target.source.root(), 'permissions');
    const findings: RawFinding[] = [];
    for (const job of jobsOf(target)) {
      const own = valueOf(job.map, 'permissions');
      const granted = permissionMap(own ?? workflowPermissions);
      // No permissions anywhere: the repository's default decides (missing-permissions says so).
      if (!granted) continue;
      const where = own ? `job "${job.id}"` : `the workflow's permissions (job "${job.id}" sets none)`;
      const seen = new Set<string>();
      for (const need of jobNeeds(target, job, events).needs) {
        if (satisfies(granted, need) || seen.has(`${need.offset}:${need.scope}`)) continue;
        seen.add(`${need.offset}:${need.scope}`);
        const alternatives = need.alternatives?.length
          ? ` (or ${need.alternatives.map((a) => `${a}: ${need.level}`).join(', ')})`
          : '';
        findings.push({
          offset: need.offset,
          rule: this.id,
          message: `${need.who} needs ${need.scope}: ${need.level}${alternatives} because ${need.because}, but ${where} does not grant it, so its GitHub API call fails with 403 "Resource not accessible by integration"; add ${need.scope}: ${need.level} to the job's permissions:`,
        });
      }
    }
    return findings;
  },
};

const permissionNotUsed: Rule = {
  id: 'permission-not-used',
  summary: 'a job or workflow grants write on a GITHUB_TOKEN scope none of its steps needs',
  check(target) {
    if (target.kind !== 'workflow') return [];
    const events = eventsOf(target);
    const findings: RawFinding[] = [];
    const report = (map: Node | undefined, what: string, needs: ScopeNeed[]): void => {
      if (!isMap(map)) return;
      for (const [scope, level, pair] of entries(map)) {
        if (stringOf(level) !== 'write') continue;
        const wanted = needs.filter((need) => covers(need, scope));
        if (wanted.some((need) => need.level === 'write')) continue;
        findings.push({
          offset: target.source.offsetOf(pair),
          rule: this.id,
          message:
            wanted.length > 0
              ? `${what} grants ${scope}: write but its steps only read (${wanted[0]?.because}); use ${scope}: read`
              : `${what} grants ${scope}: write but no step uses it; a leaked token could still write there, so remove it`,
        });
      }
    };
    const inheriting: Array<ReturnType<typeof jobNeeds>> = [];
    for (const job of jobsOf(target)) {
      const analysis = jobNeeds(target, job, events);
      const own = valueOf(job.map, 'permissions');
      if (!own) inheriting.push(analysis);
      else if (!analysis.opaque) report(own, `job "${job.id}"`, analysis.needs);
    }
    if (inheriting.every((analysis) => !analysis.opaque))
      report(
        valueOf(target.source.root(), 'permissions'),
        inheriting.length > 0 ? 'the workflow' : 'the workflow (every job sets its own permissions:)',
        inheriting.flatMap((analysis) => analysis.needs),
      );
    return findings;
  },
};

/** Paved's rules, in the order `paved lint --rules` lists them. */
export const PAVED_RULES: readonly Rule[] = [
  untrustedInput,
  unpinnedAction,
  permissions,
  writeAllPermissions,
  readAllPermissions,
  permissionNotGranted,
  permissionNotUsed,
  pullRequestTargetCheckout,
  secretEcho,
  secretToUnpinnedAction,
];
