/**
 * Running the sandbox stack (sandbox/services.ts) from the CLI: in the foreground (`paved sandbox serve`,
 * `paved demo`), detached (`paved sandbox up`), checked (`status`) and stopped (`down`) from any other
 * process through the state file, and turned into what `paved run --sandbox` hands a workflow.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PavedError } from '../shared/errors.js';
import { answers } from './process.js';
import { sandboxServices } from './services.js';
import {
  clearState,
  isAlive,
  readState,
  startStack,
  stopStack,
  writeState,
  type RunningService,
  type StackState,
} from './stack.js';

/** A started stack and how to stop it. */
export interface RunningSandbox {
  dir: string;
  state: StackState;
  services: RunningService[];
  stop(): Promise<void>;
}

/** Start every sandbox service in this process and record the state file. */
export async function startSandbox(dir: string, log: (line: string) => void): Promise<RunningSandbox> {
  // The state file and the Slack record hold tokens: only this user reads the directory.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const services = await startStack(sandboxServices(), { dir, started: new Map(), log });
  const state = writeState(dir, services);
  let stopping: Promise<void> | undefined;
  return {
    dir,
    state,
    services,
    stop: () =>
      (stopping ??= stopStack(services, log).finally(() => {
        const current = readState(dir);
        if (current?.pid === process.pid) clearState(dir);
      })),
  };
}

/** The state of a sandbox whose serving process is alive, else undefined (a stale file is removed). */
export function liveState(dir: string): StackState | undefined {
  const state = readState(dir);
  if (!state) return undefined;
  if (!isAlive(state.pid)) {
    clearState(dir);
    return undefined;
  }
  return state;
}

export function serveLogPath(dir: string): string {
  return join(dir, 'serve.log');
}

/**
 * Start `paved sandbox serve` detached (its own process group, output to serve.log) and wait until its
 * state file lists every service. `command` is how to run the paved CLI (node and its arguments).
 */
export async function startDetached(
  dir: string,
  command: { executable: string; args: string[] },
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<StackState> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const logPath = serveLogPath(dir);
  const logFd = openSync(logPath, 'w');
  const child = spawn(command.executable, [...command.args, 'sandbox', 'serve', '--dir', dir], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: options.env ?? process.env,
  });
  closeSync(logFd);
  child.unref();
  const expected = sandboxServices().length;
  const deadline = Date.now() + (options.timeoutMs ?? 240_000);
  const tail = (): string =>
    existsSync(logPath) ? readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-15).join('\n') : '';
  for (;;) {
    const state = readState(dir);
    if (state && state.pid === child.pid && state.services.length === expected) return state;
    if (child.exitCode !== null || child.signalCode !== null)
      throw new PavedError(
        `the sandbox did not start (serve exited with ${child.exitCode ?? child.signalCode}); ${logPath} ends with:\n${tail()}`,
      );
    if (Date.now() > deadline) {
      if (child.pid) killGroup(child.pid, 'SIGTERM');
      throw new PavedError(`the sandbox did not start within the timeout; ${logPath} ends with:\n${tail()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Stop the sandbox serving from `dir`: SIGTERM its process group (serve stops every service it started,
 * in reverse order), wait, then SIGKILL whatever is left after `graceMs`. Returns false when none ran.
 */
export async function stopDetached(dir: string, graceMs = 30_000): Promise<boolean> {
  const state = readState(dir);
  if (!state) return false;
  if (!isAlive(state.pid)) {
    clearState(dir);
    return false;
  }
  // serve leads its own group (it was spawned detached), so the signal reaches only it: it stops its
  // services itself, each of which runs in a group of its own.
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(state.pid)) killGroup(state.pid, 'SIGKILL');
  clearState(dir);
  return true;
}

/** Whether each service of a state answers at its URL. */
export async function checkServices(
  state: StackState,
): Promise<{ name: string; url: string; answers: boolean }[]> {
  return Promise.all(
    state.services.map(async (service) => ({
      name: service.name,
      url: service.url,
      answers: await answers(probeUrl(service.name, service.url)),
    })),
  );
}

/** A URL of the service that answers without credentials. */
function probeUrl(name: string, url: string): string {
  if (name === 'registry') return `${url}/v2/`;
  if (name === 'prometheus') return `${url}/-/ready`;
  if (name === 'argocd') return `${url}/api/version`;
  if (name === 'oidc') return `${url}/.well-known/openid-configuration`;
  if (name === 'vault') return `${url}/v1/sys/health`;
  return url;
}

/** What `paved run --sandbox` gives a workflow: names ending in TOKEN and webhook URLs are secrets, the rest variables. */
export interface SandboxRunValues {
  vars: Record<string, string>;
  secrets: Record<string, string>;
  /** Every value, for the environment of every step (secrets are masked like any other secret). */
  env: Record<string, string>;
}

export function sandboxRunValues(state: StackState): SandboxRunValues {
  const values: SandboxRunValues = { vars: {}, secrets: {}, env: {} };
  for (const service of state.services) {
    for (const [name, value] of Object.entries(service.env ?? {})) {
      values.env[name] = value;
      if (/(TOKEN|WEBHOOK_URL.*)$/.test(name)) values.secrets[name] = value;
      else values.vars[name] = value;
    }
  }
  return values;
}
