/**
 * Running one step's process: output split into lines as it arrives (stdout and stderr both carry
 * workflow commands, as on the runner), a timeout and cancellation that stop the whole process group.
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

export interface SpawnResult {
  exitCode: number;
  timedOut: boolean;
  cancelled: boolean;
  /** Set when the program could not be started at all. */
  error: string | undefined;
}

export interface SpawnStepOptions {
  env: Record<string, string>;
  cwd: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
}

function lineSplitter(stream: 'stdout' | 'stderr', onLine: SpawnStepOptions['onLine']) {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  return {
    push(chunk: Buffer): void {
      const text = pending + decoder.write(chunk);
      let start = 0;
      for (;;) {
        const newline = text.indexOf('\n', start);
        if (newline < 0) break;
        let end = newline;
        if (end > start && text.charCodeAt(end - 1) === 13) end--;
        onLine(text.slice(start, end), stream);
        start = newline + 1;
      }
      pending = text.slice(start);
    },
    end(): void {
      const rest = pending + decoder.end();
      pending = '';
      if (rest) onLine(rest.replace(/\r$/, ''), stream);
    },
  };
}

/**
 * How a stopped step is ended, as the runner's ProcessInvoker does on cancellation (and for a
 * background step's `cancel:`): SIGINT, SIGTERM 7.5 s later, SIGKILL 2.5 s after that.
 */
const SIGINT_GRACE_MS = 7_500;
const SIGTERM_GRACE_MS = 2_500;

export function spawnStep(file: string, args: string[], options: SpawnStepOptions): Promise<SpawnResult> {
  return new Promise((resolve) => {
    let timedOut = false;
    let cancelled = false;
    let settled = false;
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out = lineSplitter('stdout', options.onLine);
    const err = lineSplitter('stderr', options.onLine);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      const pid = child.pid;
      if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      const signalGroup = (signal: NodeJS.Signals): void => {
        try {
          process.kill(-pid, signal);
        } catch {
          // already gone
        }
      };
      signalGroup('SIGINT');
      killTimer = setTimeout(() => {
        signalGroup('SIGTERM');
        killTimer = setTimeout(() => signalGroup('SIGKILL'), SIGTERM_GRACE_MS);
        killTimer.unref();
      }, SIGINT_GRACE_MS);
      killTimer.unref();
    };
    const timer =
      options.timeoutMs !== undefined
        ? setTimeout(() => ((timedOut = true), stop()), options.timeoutMs)
        : undefined;
    const onAbort = (): void => {
      cancelled = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (result: SpawnResult): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    child.on('error', (error) => finish({ exitCode: 127, timedOut, cancelled, error: error.message }));
    const done = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      out.end();
      err.end();
      finish({ exitCode: code ?? (signal ? 128 + 1 : 1), timedOut, cancelled, error: undefined });
    };
    child.on('close', done);
    child.on('exit', (code, signal) => {
      // A background process started by the step (`server &`) can hold the pipes open after the step
      // exits; the step is over anyway. Its later output is drained and dropped, not blocked.
      const drain = setTimeout(() => {
        for (const stream of [child.stdout, child.stderr]) {
          stream.removeAllListeners('data');
          stream.resume();
        }
        done(code, signal);
      }, 200);
      drain.unref();
      child.once('close', () => clearTimeout(drain));
    });
  });
}
