/** Running docker and buildah: an argument array (never a shell string), output streamed to the log. */
import { spawn } from 'node:child_process';
import { CommandError } from '../../../shared/errors.js';
import { redact } from '../../../shared/secrets.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How a builder runs a program; replaced in tests that check the exact argv. */
export type CommandRunner = (
  command: string,
  args: readonly string[],
  options?: { cwd?: string; env?: NodeJS.ProcessEnv; stream?: (line: string) => void; timeoutMs?: number },
) => Promise<CommandResult>;

/** Spawn and collect; a missing program resolves with code 127 instead of throwing. */
export const spawnCommand: CommandRunner = (command, args, options = {}) =>
  new Promise((resolvePromise) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    const onData = (target: 'out' | 'err') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (target === 'out') stdout += text;
      else stderr += text;
      if (options.stream) {
        partial += text;
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) options.stream(redact(line));
      }
    };
    child.stdout.on('data', onData('out'));
    child.stderr.on('data', onData('err'));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code: error.code === 'ENOENT' ? 127 : 1, stdout, stderr: stderr + error.message });
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (partial && options.stream) options.stream(redact(partial));
      resolvePromise({ code: code ?? 1, stdout, stderr });
    });
  });

/**
 * Run and throw CommandError (with the last lines of output) on a non-zero exit. `label` names the
 * step in the error, e.g. `buildah bud`.
 */
export async function runChecked(
  runner: CommandRunner,
  command: string,
  args: readonly string[],
  options: Parameters<CommandRunner>[2] = {},
  label = command,
): Promise<CommandResult> {
  const result = await runner(command, args, options);
  if (result.code !== 0) {
    const tail = redact((result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n'));
    const what =
      result.code === 127
        ? `'${command}' is not installed or not on PATH`
        : `'${label}' exited with code ${result.code}`;
    throw new CommandError(`${what}${tail ? `:\n${tail}` : ''}`, result.code);
  }
  return result;
}
