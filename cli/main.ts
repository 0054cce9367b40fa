/**
 * `paved` — the command behind `paved run`, `paved init`, `paved lint`, `paved sandbox` and
 * `paved catalog`. Subcommands load on demand so `paved --help` stays instant.
 */
import { messageOf } from '../shared/errors.js';
import type { Command, CliIo } from './command.js';
import { pavedPackage } from './package.js';

/** One line per subcommand. */
const commands: Record<string, () => Promise<Command>> = {
  catalog: async () => (await import('./commands/catalog.js')).command,
  demo: async () => (await import('./commands/demo.js')).command,
  init: async () => (await import('./commands/init.js')).command,
  lint: async () => (await import('./commands/lint.js')).command,
  metrics: async () => (await import('./commands/metrics.js')).command,
  sandbox: async () => (await import('./commands/sandbox.js')).command,
  run: async () => (await import('./commands/run.js')).command,
};

/** Paved's version, from its own package.json (found from this module, in source or bundle). */
export function version(): string {
  return pavedPackage()?.version ?? 'unknown';
}

async function help(io: CliIo): Promise<void> {
  io.out('paved — build, test, containerize, deploy through Argo CD, verify and roll back, notify Slack');
  io.out('');
  io.out('Usage: paved <command> [options]');
  io.out('');
  for (const name of Object.keys(commands).sort()) {
    const command = await (commands[name] as () => Promise<Command>)();
    io.out(`  ${command.usage.padEnd(58)} ${command.summary}`);
  }
  io.out('');
  io.out("Run 'paved <command> --help' for a command's options.");
}

export function processIo(): CliIo {
  const io: CliIo = {
    cwd: process.cwd(),
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    usageError: (message) => {
      io.err(`paved: ${message}`);
      io.err("Run 'paved --help' for usage.");
      return 2;
    },
    interactive: Boolean(process.stdin.isTTY),
  };
  return io;
}

export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await help(io);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(version());
    return 0;
  }
  const load = commands[name];
  if (!load)
    return io.usageError(
      `unknown command ${JSON.stringify(name)}; commands: ${Object.keys(commands).sort().join(', ')}`,
    );
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`Usage: ${command.usage}`);
    io.out(command.summary);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.err(`paved ${name}: ${messageOf(error)}`);
    if (io.env['RUNNER_DEBUG'] === '1' || io.env['PAVED_DEBUG'] === '1')
      io.err(String((error as Error).stack ?? ''));
    return 1;
  }
}
