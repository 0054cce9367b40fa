/**
 * `paved sandbox github --show [--record FILE]`: print what the GitHub API stand-in recorded —
 * deployments per environment with their status sequences, pull-request comments, commit statuses —
 * from `github.json` in the sandbox directory ($PAVED_SANDBOX_DIR, else paved-sandbox-<user> under the
 * temp dir), while the sandbox runs or after it stopped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { SandboxSubcommand } from '../sandbox.js';
import { githubRecordPath } from '../../../sandbox/github/service.js';
import type { GitHubRecord } from '../../../sandbox/github/records.js';
import { renderGitHubRecord } from '../../../sandbox/github/render.js';
import { defaultSandboxDir } from '../../../sandbox/stack.js';

export const subcommand: SandboxSubcommand = {
  name: 'github',
  summary: "show the GitHub API stand-in's deployments, PR comments and commit statuses",
  usage: 'paved sandbox github --show [--record FILE]',
  async run(args, io) {
    let show = false;
    let record: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      if (arg === '--show') show = true;
      else if (arg === '--record' || arg.startsWith('--record=')) {
        record = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
        if (!record) return io.usageError('--record needs a file');
      } else return io.usageError(`unknown option ${JSON.stringify(arg)}; usage: ${this.usage}`);
    }
    if (!show)
      return io.usageError(
        `the GitHub stand-in runs as part of the sandbox ('paved sandbox up'); usage: ${this.usage}`,
      );
    const path = record
      ? isAbsolute(record)
        ? record
        : join(io.cwd, record)
      : githubRecordPath(defaultSandboxDir(io.env));
    if (!existsSync(path)) {
      io.err(
        `no GitHub stand-in record at ${path}; start the sandbox with 'paved sandbox up' (or pass --record)`,
      );
      return 1;
    }
    io.out(renderGitHubRecord(JSON.parse(readFileSync(path, 'utf8')) as GitHubRecord));
    return 0;
  },
};
