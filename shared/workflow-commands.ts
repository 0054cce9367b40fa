/**
 * The runner's workflow commands (`::warning file=…::text`) and file commands (GITHUB_OUTPUT,
 * GITHUB_STATE, GITHUB_STEP_SUMMARY), written the way @actions/core writes them, without importing it.
 *
 * Why not @actions/core: it imports @actions/http-client, which imports undici, for getIDToken alone.
 * Loading that is most of an action's cold start, and the failing path (a missing input) needs none of
 * it. The formats follow the runner (actions/runner ActionCommandManager, FileCommandManager):
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { EOL } from 'node:os';

/** Where an annotation points; the same fields as @actions/core's AnnotationProperties. */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

/** A value as a command carries it: strings as they are, anything else as JSON, nothing as ''. */
function commandValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The message part: the runner decodes %25, %0D and %0A. */
function escapeData(value: unknown): string {
  return commandValue(value).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: also `:` and `,`, which separate properties. */
function escapeProperty(value: unknown): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Write `::command key=value,…::message`. Properties with empty values are left out; as in @actions/core
 * a space follows the command whenever properties were given, even if all of them were empty.
 */
export function issueCommand(
  command: string,
  properties: Record<string, string | number | undefined>,
  message: unknown,
): void {
  const given = Object.keys(properties).length > 0;
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '' && value !== 0)
    .map(([key, value]) => `${key}=${escapeProperty(value)}`)
    .join(',');
  process.stdout.write(`::${command}${given ? ` ${props}` : ''}::${escapeData(message)}${EOL}`);
}

function annotation(command: string, message: string | Error, properties: AnnotationProperties): void {
  issueCommand(
    command,
    Object.keys(properties).length === 0
      ? {}
      : {
          title: properties.title,
          file: properties.file,
          line: properties.startLine,
          endLine: properties.endLine,
          col: properties.startColumn,
          endColumn: properties.endColumn,
        },
    message instanceof Error ? message.toString() : message,
  );
}

export function info(message: string): void {
  process.stdout.write(`${message}${EOL}`);
}

export function debug(message: string): void {
  issueCommand('debug', {}, message);
}

/** Whether the run has debug logging on (a re-run with debug logging sets RUNNER_DEBUG=1). */
export function isDebug(): boolean {
  return process.env['RUNNER_DEBUG'] === '1';
}

export function notice(message: string | Error, properties: AnnotationProperties = {}): void {
  annotation('notice', message, properties);
}

export function warning(message: string | Error, properties: AnnotationProperties = {}): void {
  annotation('warning', message, properties);
}

export function error(message: string | Error, properties: AnnotationProperties = {}): void {
  annotation('error', message, properties);
}

export function startGroup(name: string): void {
  issueCommand('group', {}, name);
}

export function endGroup(): void {
  issueCommand('endgroup', {}, '');
}

/** Run `fn` inside a foldable log group, closed even when `fn` throws. */
export async function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  startGroup(name);
  try {
    return await fn();
  } finally {
    endGroup();
  }
}

/** Tell the runner to replace `secret` with *** in the log from now on. */
export function setSecret(secret: string): void {
  issueCommand('add-mask', {}, secret);
}

/**
 * Append `name<<delimiter` … `delimiter` to the file in GITHUB_<kind>, with a random delimiter that
 * neither the name nor the value contains (so a value cannot end the block early and set another key).
 */
function appendKeyValue(kind: 'OUTPUT' | 'STATE' | 'ENV', name: string, value: unknown): void {
  const path = process.env[`GITHUB_${kind}`] as string;
  if (!existsSync(path)) throw new Error(`Missing file at path: ${path}`);
  const delimiter = `ghadelimiter_${randomUUID()}`;
  const text = commandValue(value);
  if (name.includes(delimiter) || text.includes(delimiter))
    throw new Error(`Unexpected input: the name or value of '${name}' contains the delimiter`);
  appendFileSync(path, `${name}<<${delimiter}${EOL}${text}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' });
}

/** A step output: through GITHUB_OUTPUT, or the old `set-output` command where no runner file exists. */
export function setOutput(name: string, value: unknown): void {
  if (process.env['GITHUB_OUTPUT']) {
    appendKeyValue('OUTPUT', name, value);
    return;
  }
  process.stdout.write(EOL);
  issueCommand('set-output', { name }, commandValue(value));
}

/** An environment variable for this and every later step: through GITHUB_ENV, or the old `set-env`. */
export function exportVariable(name: string, value: unknown): void {
  process.env[name] = commandValue(value);
  if (process.env['GITHUB_ENV']) {
    appendKeyValue('ENV', name, value);
    return;
  }
  issueCommand('set-env', { name }, commandValue(value));
}

/** State for this action's post step: through GITHUB_STATE, or the old `save-state` command. */
export function saveState(name: string, value: unknown): void {
  if (process.env['GITHUB_STATE']) {
    appendKeyValue('STATE', name, value);
    return;
  }
  issueCommand('save-state', { name }, commandValue(value));
}

/** What the main step saved under `name` ('' when nothing was saved). */
export function getState(name: string): string {
  return process.env[`STATE_${name}`] || '';
}

/**
 * Append markdown to the job summary. Throws when GITHUB_STEP_SUMMARY is unset or names no file, as
 * @actions/core's summary does; callers decide whether a missing summary matters.
 */
export function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): void {
  const path = env['GITHUB_STEP_SUMMARY'];
  if (!path) throw new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY.');
  if (!existsSync(path)) throw new Error(`Unable to access summary file: '${path}'.`);
  appendFileSync(path, markdown, { encoding: 'utf8' });
}
