/**
 * `paved sandbox actions-cache`: GitHub's Actions cache service (v2) from a local directory, in the
 * foreground. Prints the environment a step needs so that the unmodified @actions/cache (actions/cache,
 * setup-node's cache, Paved's build action) saves and restores through it.
 */
import { resolve } from 'node:path';
import type { CliIo } from '../../command.js';
import type { SandboxSubcommand } from '../sandbox.js';

export const subcommand: SandboxSubcommand = {
  name: 'actions-cache',
  summary: "serve GitHub's Actions cache API (v2) from a local directory",
  usage: 'paved sandbox actions-cache [--dir DIR] [--port N]',
  async run(args: string[], io: CliIo): Promise<number> {
    let dir = resolve(io.cwd, '.paved/actions-cache');
    let port: number | undefined;
    for (let i = 0; i < args.length; i++) {
      const flag = args[i];
      const value = args[i + 1];
      if (flag === '--dir' && value) {
        dir = resolve(io.cwd, value);
        i++;
      } else if (flag === '--port' && value && /^\d+$/.test(value) && Number(value) < 65536) {
        port = Number(value);
        i++;
      } else {
        return io.usageError(
          `sandbox actions-cache: unexpected ${JSON.stringify(flag)}; usage: ${this.usage}`,
        );
      }
    }
    const { startCacheService } = await import('../../../sandbox/actions-cache/service.js');
    const service = await startCacheService({ dir, ...(port !== undefined ? { port } : {}) });
    io.out(`Actions cache service on ${service.url} (entries in ${dir}). Give a step this environment:`);
    for (const [name, value] of Object.entries(service.env)) io.out(`export ${name}=${value}`);
    io.out('Stop with Ctrl-C.');
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await service.stop();
    return 0;
  },
};
