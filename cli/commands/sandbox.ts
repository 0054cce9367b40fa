/**
 * `paved sandbox <subcommand>`: the local services behind `paved run --sandbox` and the demo.
 * Each subcommand lives in cli/commands/sandbox/<name>.ts; one line each below.
 */
import type { Command, CliIo } from '../command.js';

export interface SandboxSubcommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
}

const subcommands: Record<string, () => Promise<SandboxSubcommand>> = {
  'base-image': async () => (await import('./sandbox/base-image.js')).subcommand,
  argocd: async () => (await import('./sandbox/argocd.js')).subcommand,
  slack: async () => (await import('./sandbox/slack.js')).subcommand,
  github: async () => (await import('./sandbox/github.js')).subcommand,
  'actions-cache': async () => (await import('./sandbox/actions-cache.js')).subcommand,
  prometheus: async () => (await import('./sandbox/prometheus.js')).subcommand,
  up: async () => (await import('./sandbox/up.js')).subcommand,
  down: async () => (await import('./sandbox/down.js')).subcommand,
  status: async () => (await import('./sandbox/status.js')).subcommand,
  serve: async () => (await import('./sandbox/serve.js')).subcommand,
};

export const command: Command = {
  name: 'sandbox',
  summary:
    'start, inspect and stop the local services (registry, Prometheus, git, Argo CD and Slack stand-ins)',
  usage: 'paved sandbox <subcommand> [options]',
  async run(args, io) {
    const [name, ...rest] = args;
    const names = Object.keys(subcommands).sort();
    if (name === undefined) {
      io.out('Usage: paved sandbox <subcommand>');
      for (const sub of names) {
        const loaded = await (subcommands[sub] as () => Promise<SandboxSubcommand>)();
        io.out(`  ${loaded.usage.padEnd(52)} ${loaded.summary}`);
      }
      return 2;
    }
    const load = subcommands[name];
    if (!load)
      return io.usageError(
        `unknown sandbox subcommand ${JSON.stringify(name)}; subcommands: ${names.join(', ') || 'none yet'}`,
      );
    return (await load()).run(rest, io);
  },
};
