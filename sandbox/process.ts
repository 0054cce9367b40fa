/**
 * Starting and stopping local services (real ones like docker-registry and prometheus, and Paved's
 * stand-ins) on 127.0.0.1: free ports, readiness waits, and a registry of what was started so that a
 * test run or `paved sandbox down` leaves nothing behind.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { PavedError } from '../shared/errors.js';

/** A port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Fail with a message that says how to install `command` when it is not on PATH. Tests call this
 * instead of skipping: a missing service is a setup problem to fix, not a pass.
 */
export function requireCommand(command: string, debianPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) {
    throw new PavedError(
      `'${command}' is not installed. Install it with: apt-get install -y ${debianPackage} (npm test does this when run as root)`,
    );
  }
  return path;
}

/** Poll `check` until it returns true or `timeoutMs` passes. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  options: { timeoutMs?: number; intervalMs?: number; process?: ChildProcess; output?: () => string } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (options.process && options.process.exitCode !== null) {
      throw new PavedError(
        `${what}: the process exited with code ${options.process.exitCode} before it was ready${tail(options.output?.())}`,
      );
    }
    try {
      if (await check()) return;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline)
      throw new PavedError(`${what}: not ready after ${timeoutMs}ms${tail(options.output?.())}`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}

function tail(output: string | undefined): string {
  if (!output) return '';
  const lines = output.trimEnd().split('\n').slice(-10).join('\n');
  return `\n--- last output ---\n${lines}`;
}

/** True when `url` answers with any HTTP status. */
export async function answers(url: string, okOnly = false): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return okOnly ? response.ok : true;
  } catch {
    return false;
  }
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed so far (bounded). */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<ServiceProcess>();

/** Spawn a long-running service. It is killed by `stop()`, by {@link stopAllServices}, or at exit. */
export function spawnService(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions = {},
): ServiceProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...options });
  let buffer = '';
  const collect = (chunk: Buffer): void => {
    buffer += chunk.toString('utf8');
    if (buffer.length > 64_000) buffer = buffer.slice(-32_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const service: ServiceProcess = {
    name,
    child,
    output: () => buffer,
    stop: () => stopProcess(child).finally(() => running.delete(service)),
  };
  running.add(service);
  return service;
}

/** SIGTERM the process group, then SIGKILL after `graceMs`. */
export function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
    return Promise.resolve();
  return new Promise((resolve) => {
    const pid = child.pid as number;
    const kill = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-pid, signal);
      } catch {
        try {
          child.kill(signal);
        } catch {
          // already gone
        }
      }
    };
    const timer = setTimeout(() => kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    kill('SIGTERM');
  });
}

export async function stopAllServices(): Promise<void> {
  await Promise.all([...running].map((service) => service.stop()));
}

process.once('exit', () => {
  for (const service of running) {
    try {
      if (service.child.pid) process.kill(-service.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});
