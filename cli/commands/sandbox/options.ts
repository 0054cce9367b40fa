/** The `--dir DIR` flag every stack subcommand (up, down, status, serve) takes. */
import { resolve } from 'node:path';
import type { CliIo } from '../../command.js';
import { defaultSandboxDir } from '../../../sandbox/stack.js';

/** The sandbox directory from `--dir DIR` / `--dir=DIR`, else $PAVED_SANDBOX_DIR or the per-user default. */
export function parseDirFlag(args: string[], io: CliIo, usage: string): { dir: string } | { error: number } {
  let dir = defaultSandboxDir(io.env);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--dir' || arg.startsWith('--dir=')) {
      const value = arg === '--dir' ? args[++i] : arg.slice('--dir='.length);
      if (!value) return { error: io.usageError(`--dir needs a directory; usage: ${usage}`) };
      dir = resolve(io.cwd, value);
    } else return { error: io.usageError(`unexpected ${JSON.stringify(arg)}; usage: ${usage}`) };
  }
  return { dir };
}
