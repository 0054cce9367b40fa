/**
 * The sandbox stack: a set of local services (real ones and stand-ins) started together, in order, by
 * one long-lived process (`paved sandbox serve`), described in a state file that `paved sandbox status`
 * and `paved sandbox down` read from any other process.
 *
 * A service that fails to start stops everything started before it: a half-started sandbox is worse
 * than none, because later failures then point at the wrong place.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { PavedError, messageOf } from '../shared/errors.js';

/** A started service, as recorded in the state file. */
export interface RunningService {
  name: string;
  /** Where it answers, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** What a user needs to point a pipeline at it (tokens for stand-ins, repo URLs …). */
  details?: Record<string, string>;
  /** Environment variables for `paved run --sandbox` steps. */
  env?: Record<string, string>;
  stop(): Promise<void>;
}

export interface StackContext {
  /** The sandbox's directory: data, logs, state. */
  dir: string;
  /** Services started so far, by name (later services find earlier ones here). */
  started: Map<string, RunningService>;
  log(line: string): void;
}

export interface ServiceDefinition {
  name: string;
  description: string;
  /** Names of services that must be started first. */
  needs?: string[];
  start(context: StackContext): Promise<RunningService>;
}

export interface StackState {
  pid: number;
  startedAt: string;
  dir: string;
  services: { name: string; url: string; details?: Record<string, string>; env?: Record<string, string> }[];
}

/** The default sandbox directory: $PAVED_SANDBOX_DIR, else one per user under the temp dir. */
export function defaultSandboxDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['PAVED_SANDBOX_DIR'] ?? join(tmpdir(), `paved-sandbox-${userInfo().username}`);
}

export function statePath(dir: string): string {
  return join(dir, 'state.json');
}

/** Order definitions so each comes after what it needs; unknown or cyclic needs are errors. */
export function startOrder(definitions: ServiceDefinition[]): ServiceDefinition[] {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const ordered: ServiceDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (definition: ServiceDefinition, path: string[]): void => {
    const mark = state.get(definition.name);
    if (mark === 'done') return;
    if (mark === 'visiting')
      throw new PavedError(
        `sandbox services depend on each other in a cycle: ${[...path, definition.name].join(' -> ')}`,
      );
    state.set(definition.name, 'visiting');
    for (const need of definition.needs ?? []) {
      const dependency = byName.get(need);
      if (!dependency)
        throw new PavedError(
          `sandbox service '${definition.name}' needs '${need}', which is not part of the stack`,
        );
      visit(dependency, [...path, definition.name]);
    }
    state.set(definition.name, 'done');
    ordered.push(definition);
  };
  for (const definition of definitions) visit(definition, []);
  return ordered;
}

/** Start every service in dependency order; on a failure, stop what started and rethrow. */
export async function startStack(
  definitions: ServiceDefinition[],
  context: StackContext,
): Promise<RunningService[]> {
  const running: RunningService[] = [];
  for (const definition of startOrder(definitions)) {
    context.log(`starting ${definition.name}: ${definition.description}`);
    try {
      const service = await definition.start(context);
      running.push(service);
      context.started.set(definition.name, service);
      context.log(`  ${definition.name} is up at ${service.url}`);
    } catch (error) {
      await stopStack(running, context.log);
      throw new PavedError(`sandbox service '${definition.name}' did not start: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }
  return running;
}

/** Stop services in reverse start order; a failure to stop one does not keep the others running. */
export async function stopStack(
  running: RunningService[],
  log: (line: string) => void = () => undefined,
): Promise<void> {
  for (const service of [...running].reverse()) {
    try {
      await service.stop();
      log(`stopped ${service.name}`);
    } catch (error) {
      log(`stopping ${service.name} failed: ${messageOf(error)}`);
    }
  }
}

export function writeState(dir: string, running: RunningService[], pid = process.pid): StackState {
  mkdirSync(dir, { recursive: true });
  const state: StackState = {
    pid,
    startedAt: new Date().toISOString(),
    dir,
    services: running.map(({ name, url, details, env }) => ({ name, url, details, env })),
  };
  // Write-then-rename so a reader never sees half a file.
  const temporary = `${statePath(dir)}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, statePath(dir));
  return state;
}

export function readState(dir: string): StackState | undefined {
  if (!existsSync(statePath(dir))) return undefined;
  try {
    return JSON.parse(readFileSync(statePath(dir), 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

export function clearState(dir: string): void {
  rmSync(statePath(dir), { force: true });
}

/** Whether the process that owns a state file is still alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
