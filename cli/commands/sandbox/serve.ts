/**
 * `paved sandbox serve`: start the whole sandbox stack in the foreground, record its state file, and
 * stop everything on SIGINT/SIGTERM. `paved sandbox up` runs this detached.
 */
import type { SandboxSubcommand } from '../sandbox.js';
import { parseDirFlag } from './options.js';

const usage = 'paved sandbox serve [--dir DIR]';

export const subcommand: SandboxSubcommand = {
  name: 'serve',
  summary: 'run the whole sandbox in the foreground until Ctrl-C (what `up` starts detached)',
  usage,
  async run(args, io) {
    const parsed = parseDirFlag(args, io, usage);
    if ('error' in parsed) return parsed.error;
    const { liveState, startSandbox } = await import('../../../sandbox/control.js');
    const running = liveState(parsed.dir);
    if (running) {
      io.err(
        `paved sandbox serve: a sandbox already runs from ${parsed.dir} (pid ${running.pid}); stop it with 'paved sandbox down'`,
      );
      return 1;
    }
    // Signals that arrive while services are still starting stop the stack as soon as it is up.
    let stopRequested = false;
    let wake: () => void = () => undefined;
    const onSignal = (): void => {
      stopRequested = true;
      wake();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const sandbox = await startSandbox(parsed.dir, (line) => io.out(line));
      io.out(`sandbox ready (pid ${process.pid}); state: ${parsed.dir}/state.json`);
      if (!stopRequested) await new Promise<void>((resolve) => (wake = resolve));
      io.out('stopping the sandbox…');
      await sandbox.stop();
      io.out('sandbox stopped');
      return 0;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
