import type { Command } from '../command.js';
import type { SettingKey } from '../settings.js';

/** Value flags and the setting each one fills. */
const VALUE_FLAGS: Record<string, SettingKey> = {
  '--template': 'template',
  '--service': 'service',
  '--argocd-app': 'argocd-app',
  '--gitops-repo': 'gitops-repo',
  '--gitops-path': 'gitops-path',
  '--registry': 'registry',
  '--slack-channel': 'slack-channel',
  '--paved-org': 'org',
  '--vault-url': 'vault-url',
  '--vault-role': 'vault-role',
};

export const command: Command = {
  name: 'init',
  summary: 'add the Paved pipeline, Dependabot config and docs/DEPLOY.md to a repository',
  usage:
    'paved init [DIR] [--service NAME] [--argocd-app APP] [--gitops-repo REPO] [--gitops-path PATH] [--registry HOST/NS] [--slack-channel #CH] [--template NAME] [--paved-org ORG] [--vault-url URL --vault-role ROLE] [--dry-run] [--force]',
  async run(args, io) {
    // Input errors are one line and exit 2, with nothing written.
    const fail = (message: string): number => {
      io.err(`paved init: ${message}`);
      return 2;
    };
    const flags: Partial<Record<SettingKey, string>> = {};
    const dirs: string[] = [];
    let dryRun = false;
    let force = false;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      const [name, inline] =
        arg.startsWith('--') && arg.includes('=')
          ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
          : [arg, undefined];
      const key = VALUE_FLAGS[name];
      if (key) {
        const value = inline ?? args[++i];
        if (value === undefined) return fail(`${name} needs a value`);
        flags[key] = value;
      } else if (arg === '--dry-run') dryRun = true;
      else if (arg === '--force') force = true;
      else if (arg.startsWith('-'))
        return fail(`unknown option ${JSON.stringify(arg)}; see 'paved init --help'`);
      else dirs.push(arg);
    }
    if (dirs.length > 1)
      return fail(`expected at most one directory; got ${dirs.map((d) => JSON.stringify(d)).join(' ')}`);

    const { runInit, InitInputError } = await import('../init/init.js');
    const { terminalAsker } = await import('../init/prompt.js');
    const asker = io.interactive ? terminalAsker(process.stdin, process.stdout) : undefined;
    try {
      return await runInit({ dir: dirs[0] ?? '.', flags, dryRun, force }, io, asker);
    } catch (error) {
      if (error instanceof InitInputError) return fail(error.message);
      throw error;
    } finally {
      asker?.close();
    }
  },
};
