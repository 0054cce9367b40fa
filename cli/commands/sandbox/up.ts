/**
 * `paved sandbox up`: start the sandbox in the background (a detached `paved sandbox serve`), wait until
 * every service is up, and print where each one answers and what a pipeline needs to use it.
 */
import type { CliIo } from '../../command.js';
import type { StackState } from '../../../sandbox/stack.js';
import type { SandboxSubcommand } from '../sandbox.js';
import { parseDirFlag } from './options.js';

const usage = 'paved sandbox up [--dir DIR]';

/** How to run this same paved CLI again as a child process (bundle or sources under tsx). */
export function cliCommand(): { executable: string; args: string[] } {
  return { executable: process.execPath, args: [...process.execArgv, process.argv[1] as string] };
}

/** Print each service and the values a pipeline needs (also what `status` shows). */
export function printSandbox(state: StackState, io: CliIo): void {
  const width = Math.max(...state.services.map((s) => s.name.length));
  for (const service of state.services) {
    io.out(`  ${service.name.padEnd(width)}  ${service.url}`);
    for (const [key, value] of Object.entries(service.details ?? {}))
      io.out(`  ${''.padEnd(width)}    ${key}: ${value}`);
  }
  io.out('');
  io.out("For a pipeline: 'paved run --sandbox' hands every workflow these (TOKEN names as secrets,");
  io.out("the others as vars, and all of them in every step's environment):");
  for (const service of state.services)
    for (const [name, value] of Object.entries(service.env ?? {})) io.out(`  ${name}=${value}`);
}

export const subcommand: SandboxSubcommand = {
  name: 'up',
  summary: 'start the sandbox in the background and print its URLs, tokens and pipeline values',
  usage,
  async run(args, io) {
    const parsed = parseDirFlag(args, io, usage);
    if ('error' in parsed) return parsed.error;
    const { liveState, serveLogPath, startDetached } = await import('../../../sandbox/control.js');
    let state = liveState(parsed.dir);
    if (state) {
      io.out(`The sandbox already runs (pid ${state.pid}, since ${state.startedAt}):`);
    } else {
      io.out(`Starting the sandbox in ${parsed.dir} (log: ${serveLogPath(parsed.dir)})…`);
      state = await startDetached(parsed.dir, cliCommand(), { env: { ...io.env } });
      io.out(`The sandbox is up (pid ${state.pid}):`);
    }
    printSandbox(state, io);
    io.out('');
    io.out("Check it with 'paved sandbox status'; stop it with 'paved sandbox down'.");
    return 0;
  },
};
