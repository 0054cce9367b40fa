/** `paved sandbox down`: stop the sandbox that `up` started, and every process it started. */
import type { SandboxSubcommand } from '../sandbox.js';
import { parseDirFlag } from './options.js';

const usage = 'paved sandbox down [--dir DIR]';

export const subcommand: SandboxSubcommand = {
  name: 'down',
  summary: 'stop the sandbox and every process it started',
  usage,
  async run(args, io) {
    const parsed = parseDirFlag(args, io, usage);
    if ('error' in parsed) return parsed.error;
    const { stopDetached } = await import('../../../sandbox/control.js');
    const stopped = await stopDetached(parsed.dir);
    io.out(stopped ? `The sandbox in ${parsed.dir} is stopped.` : `No sandbox runs from ${parsed.dir}.`);
    return 0;
  },
};
