/**
 * `paved demo`: the golden path end to end on this machine (README line one). See cli/demo/golden-path.ts.
 */
import type { Command } from '../command.js';

const usage = 'paved demo [--keep-sandbox] [--dir DIR]';

export const command: Command = {
  name: 'demo',
  summary:
    'run the golden path on examples/sample-service: build, test, image, Argo CD, health-check, rollback, Slack',
  usage,
  async run(args, io) {
    let keepSandbox = false;
    let workDir: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      if (arg === '--keep-sandbox') keepSandbox = true;
      else if (arg === '--dir' || arg.startsWith('--dir=')) {
        const value = arg === '--dir' ? args[++i] : arg.slice('--dir='.length);
        if (!value) return io.usageError(`--dir needs a directory; usage: ${usage}`);
        const { resolve } = await import('node:path');
        const { existsSync, readdirSync } = await import('node:fs');
        workDir = resolve(io.cwd, value);
        if (existsSync(workDir) && readdirSync(workDir).length > 0)
          return io.usageError(`--dir ${JSON.stringify(value)} is not empty; give a new or empty directory`);
      } else return io.usageError(`unexpected ${JSON.stringify(arg)}; usage: ${usage}`);
    }
    const { runGoldenPath } = await import('../demo/golden-path.js');
    const { cliCommand } = await import('./sandbox/up.js');
    const controller = new AbortController();
    // Ctrl-C stops the run in progress (paved run cancels its jobs) and then the sandbox; a second one quits.
    const onSignal = (): void => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const result = await runGoldenPath({
        io,
        cli: cliCommand(),
        keepSandbox,
        ...(workDir ? { workDir } : {}),
        signal: controller.signal,
      });
      return result.ok ? 0 : 1;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
