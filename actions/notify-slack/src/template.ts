/**
 * Placeholders in custom payloads: `{{ name }}` with a fallback `{{ name | "text" }}`, written so GitHub
 * never evaluates them (it only expands `${{ }}`) and a payload file reads the same in the repo and in
 * the log. Substitution happens inside the parsed JSON/YAML string values, so a value can never break
 * the payload's structure, and values are escaped for Slack mrkdwn (`&`, `<`, `>`) except in fields whose
 * key ends in `url`, where escaping would break the link. `\{{` writes a literal `{{`.
 *
 * An unknown name is an error that lists the known ones; a known name with no value (no PR on a push)
 * becomes the fallback, or empty.
 */
import { InputError } from '../../../shared/errors.js';
import { escapeMrkdwn } from './mrkdwn.js';
import {
  describeDuration,
  describeTests,
  headline,
  outcomeOf,
  statusColor,
  statusEmoji,
  type PipelineFacts,
} from './pipeline.js';

export type TemplateValues = Record<string, string | undefined>;

/** Every name a template can use, with its value for this run. */
export function templateValues(facts: PipelineFacts, variables: Record<string, string>): TemplateValues {
  const values: TemplateValues = {
    repo: facts.repository,
    'repo.url': facts.repoUrl,
    branch: facts.branch,
    'branch.url': facts.branchUrl,
    ref: facts.ref,
    sha: facts.sha,
    'sha.short': facts.shortSha,
    'commit.url': facts.commitUrl,
    'commit.message': facts.commitTitle,
    author: facts.author,
    'pr.number': facts.prNumber === undefined ? undefined : String(facts.prNumber),
    'pr.url': facts.prUrl,
    'pr.title': facts.prTitle,
    'run.url': facts.runUrl,
    'run.id': facts.runId,
    'run.number': facts.runNumber,
    'run.attempt': facts.runAttempt,
    workflow: facts.workflow,
    job: facts.jobName,
    event: facts.event,
    actor: facts.actor,
    stage: facts.stage,
    status: facts.status,
    outcome: outcomeOf(facts.stage, facts.status),
    'status.emoji': statusEmoji(facts.stage, facts.status),
    'status.color': statusColor(facts.stage, facts.status),
    headline: headline(facts),
    environment: facts.environment,
    image: facts.image,
    reason: facts.reason,
    duration: describeDuration(facts.durationMs),
    'duration.seconds':
      facts.durationMs === undefined ? undefined : String(Math.round(facts.durationMs / 1000)),
    tests: describeTests(facts.tests),
    'tests.total': facts.tests.total?.toString(),
    'tests.passed': facts.tests.passed?.toString(),
    'tests.failed': facts.tests.failed?.toString(),
    'tests.skipped': facts.tests.skipped?.toString(),
    mentions: outcomeOf(facts.stage, facts.status) === 'failure' ? facts.mentions.join(' ') : '',
  };
  for (const [key, value] of Object.entries(variables)) values[`vars.${key}`] = value;
  return values;
}

const PLACEHOLDER = /(\\?)\{\{\s*([A-Za-z_][\w.-]*)\s*(?:\|\s*"((?:[^"\\]|\\.)*)"\s*)?\}\}/g;

/** Fill one string. `escape` is false for URL fields. Throws InputError naming `input` and the path. */
export function fillString(
  text: string,
  values: TemplateValues,
  escape: boolean,
  input: string,
  path: string,
): string {
  return text.replace(PLACEHOLDER, (whole, backslash: string, name: string, fallback: string | undefined) => {
    if (backslash) return whole.slice(1);
    if (!Object.hasOwn(values, name)) {
      const known = Object.keys(values).sort().join(', ');
      throw new InputError(
        input,
        `Input '${input}' uses an unknown placeholder {{ ${name} }} at ${path}; known names: ${known}`,
      );
    }
    const value = values[name] ?? (fallback !== undefined ? fallback.replace(/\\(.)/g, '$1') : '');
    return escape ? escapeMrkdwn(value) : value;
  });
}

/** Fill every string value in a parsed payload (keys are left alone). */
export function fillPayload(payload: unknown, values: TemplateValues, input: string): unknown {
  const walk = (node: unknown, path: string, key: string): unknown => {
    if (typeof node === 'string')
      return fillString(node, values, !/url$/i.test(key), input, path || '(payload)');
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}[${i}]`, key));
    if (node && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node as Record<string, unknown>).map(([k, v]) => [
          k,
          walk(v, path ? `${path}.${k}` : k, k),
        ]),
      );
    }
    return node;
  };
  return walk(payload, '', '');
}
