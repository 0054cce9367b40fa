/** `paved sandbox status`: whether the sandbox runs, and whether each of its services answers. */
import type { SandboxSubcommand } from '../sandbox.js';
import { parseDirFlag } from './options.js';
import { printSandbox } from './up.js';

const usage = 'paved sandbox status [--dir DIR]';

export const subcommand: SandboxSubcommand = {
  name: 'status',
  summary: 'show whether the sandbox runs and each service answers (exit 1 when not)',
  usage,
  async run(args, io) {
    const parsed = parseDirFlag(args, io, usage);
    if ('error' in parsed) return parsed.error;
    const { checkServices, liveState } = await import('../../../sandbox/control.js');
    const state = liveState(parsed.dir);
    if (!state) {
      io.out(`No sandbox runs from ${parsed.dir}. Start one with 'paved sandbox up'.`);
      return 1;
    }
    io.out(`The sandbox runs (pid ${state.pid}, since ${state.startedAt}):`);
    const checks = await checkServices(state);
    const width = Math.max(...checks.map((c) => c.name.length));
    for (const check of checks)
      io.out(
        `  ${check.answers ? '✓' : '✗'} ${check.name.padEnd(width)}  ${check.url}${check.answers ? '' : '  (does not answer)'}`,
      );
    const down = checks.filter((c) => !c.answers);
    if (down.length) {
      io.out(
        `${down.length} service(s) do not answer: ${down.map((c) => c.name).join(', ')}. Restart with 'paved sandbox down && paved sandbox up'.`,
      );
      return 1;
    }
    io.out('');
    printSandbox(state, io);
    return 0;
  },
};
