/**
 * The GitOps repository as a pipeline uses it: a shallow clone of one branch, a change committed, and a
 * push that survives other pipelines pushing to the same branch at the same moment. On a rejected push
 * (non-fast-forward, or a ref lock lost to a concurrent push) it fetches, rebases and pushes again; if the
 * rebase conflicts it resets to the remote branch and re-applies the change from scratch, so no bump is
 * lost and none is applied twice.
 *
 * Credentials never appear in argv, URLs or logs: a token travels as an `http.extraHeader` through
 * GIT_CONFIG_* environment variables, an SSH key through a private temporary file and GIT_SSH_COMMAND.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CommandError, PavedError } from '../errors.js';
import { abortableSleep, backoffDelay } from '../retry.js';
import { maskSecret, redact } from '../secrets.js';

export interface GitAuth {
  /** HTTPS token (GitHub PAT, app installation token, or the sandbox git server's token). */
  token?: string;
  /** User name sent with the token; GitHub accepts `x-access-token`. */
  tokenUser?: string;
  /** Private key (OpenSSH format) for ssh:// and `git@host:` URLs. */
  sshKey?: string;
}

export interface GitIdentity {
  name: string;
  email: string;
}

/** The author GitHub uses for the Actions bot, so commits render with the right avatar. */
export const ACTIONS_BOT: GitIdentity = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com',
};

export interface GitResult {
  stdout: string;
  stderr: string;
}

/** A push rejected because someone else moved the branch first. */
export function isPushRace(stderr: string): boolean {
  return /non-fast-forward|fetch first|\[rejected\]|failed to update ref|cannot lock ref|incorrect old value|stale info|failed to lock/i.test(
    stderr,
  );
}

/** Environment for git with credentials passed the safe way. Exposed for tests. */
export function gitEnvironment(
  auth: GitAuth,
  keyFile: string | undefined,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', LC_ALL: 'C' };
  const config: [string, string][] = [];
  if (auth.token) {
    const basic = Buffer.from(`${auth.tokenUser ?? 'x-access-token'}:${auth.token}`).toString('base64');
    maskSecret(basic);
    config.push(['http.extraHeader', `Authorization: Basic ${basic}`]);
  }
  const existing = Number(base['GIT_CONFIG_COUNT'] ?? '0') || 0;
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${existing + i}`] = key;
    env[`GIT_CONFIG_VALUE_${existing + i}`] = value;
  });
  if (config.length) env['GIT_CONFIG_COUNT'] = String(existing + config.length);
  if (keyFile) {
    const knownHosts = join(dirname(keyFile), 'known_hosts');
    env['GIT_SSH_COMMAND'] =
      `ssh -i '${keyFile}' -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile='${knownHosts}' -o BatchMode=yes`;
  }
  return env;
}

/** Run git; failures become CommandError with git's own message (credentials redacted). */
export function runGit(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; allowFailure?: boolean; timeoutMs?: number } = {},
): Promise<GitResult & { code: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        maxBuffer: 64 * 1024 * 1024,
        timeout: options.timeoutMs ?? 120_000,
      },
      (error, stdout, stderr) => {
        const code = error
          ? typeof (error as { code?: unknown }).code === 'number'
            ? (error as { code: number }).code
            : 1
          : 0;
        if (error && !options.allowFailure) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
            reject(new CommandError('git is not installed or not on PATH', null, { cause: error }));
            return;
          }
          const detail = redact(
            String(stderr || stdout || error.message)
              .trim()
              .split('\n')
              .slice(-6)
              .join('\n'),
          );
          reject(new CommandError(`git ${args[0]} failed: ${detail}`, code, { cause: error }));
          return;
        }
        resolve({ stdout: String(stdout), stderr: String(stderr), code });
      },
    );
  });
}

export interface CloneOptions {
  branch: string;
  auth?: GitAuth;
  /** Where to clone; default a new temporary directory. */
  dir?: string;
  /** Default 1: only the tip is needed to edit a file. */
  depth?: number;
  identity?: GitIdentity;
}

/** A working copy of one branch of a GitOps repository. Call {@link GitOpsCheckout.dispose} when done. */
export class GitOpsCheckout {
  private constructor(
    readonly dir: string,
    readonly branch: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly scratch: string,
  ) {}

  /** Clone `url` at `branch`. The URL is shown redacted in errors. */
  static async clone(url: string, options: CloneOptions): Promise<GitOpsCheckout> {
    const scratch = mkdtempSync(join(tmpdir(), 'paved-gitops-'));
    let keyFile: string | undefined;
    if (options.auth?.sshKey) {
      maskSecret(options.auth.sshKey);
      keyFile = join(scratch, 'ssh', 'id');
      mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
      writeFileSync(
        keyFile,
        options.auth.sshKey.endsWith('\n') ? options.auth.sshKey : `${options.auth.sshKey}\n`,
        { mode: 0o600 },
      );
      chmodSync(keyFile, 0o600);
    }
    const env = gitEnvironment(options.auth ?? {}, keyFile);
    const identity = options.identity ?? ACTIONS_BOT;
    env['GIT_AUTHOR_NAME'] = identity.name;
    env['GIT_AUTHOR_EMAIL'] = identity.email;
    env['GIT_COMMITTER_NAME'] = identity.name;
    env['GIT_COMMITTER_EMAIL'] = identity.email;
    const dir = options.dir ?? join(scratch, 'repo');
    const depth = options.depth ?? 1;
    try {
      await runGit(
        [
          'clone',
          '--quiet',
          '--single-branch',
          '--branch',
          options.branch,
          ...(depth > 0 ? ['--depth', String(depth)] : []),
          '--',
          url,
          dir,
        ],
        {
          env,
        },
      );
    } catch (error) {
      rmSync(scratch, { recursive: true, force: true });
      const message = (error as Error).message;
      if (/Remote branch .* not found/i.test(message)) {
        throw new PavedError(`The GitOps repository has no branch '${options.branch}': ${message}`, {
          cause: error,
        });
      }
      throw new PavedError(`Cloning the GitOps repository failed: ${message}`, { cause: error });
    }
    return new GitOpsCheckout(dir, options.branch, env, scratch);
  }

  git(args: string[], options: { allowFailure?: boolean } = {}): Promise<GitResult & { code: number }> {
    return runGit(args, { cwd: this.dir, env: this.env, allowFailure: options.allowFailure });
  }

  async head(): Promise<string> {
    return (await this.git(['rev-parse', 'HEAD'])).stdout.trim();
  }

  /** A file's text in the working tree, or undefined when it does not exist. */
  read(path: string): string | undefined {
    const full = this.resolve(path);
    return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
  }

  write(path: string, text: string): void {
    const full = this.resolve(path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }

  exists(path: string): boolean {
    return existsSync(this.resolve(path));
  }

  private resolve(path: string): string {
    const clean = path.replace(/^\/+/, '');
    if (clean.split('/').includes('..'))
      throw new PavedError(`Path ${JSON.stringify(path)} leaves the GitOps repository`);
    return join(this.dir, clean);
  }

  /** Stage everything and commit; returns the new sha, or undefined when there was nothing to commit. */
  async commitAll(message: string): Promise<string | undefined> {
    await this.git(['add', '--all']);
    const staged = await this.git(['diff', '--cached', '--quiet'], { allowFailure: true });
    if (staged.code === 0) return undefined;
    await this.git(['commit', '--quiet', '--no-verify', '-m', message]);
    return this.head();
  }

  /**
   * Apply `change` (which edits files and returns whether it changed anything), commit it with `message`,
   * and push. On a race: fetch, rebase, push again; if the rebase conflicts, reset to the remote branch
   * and apply `change` again. Returns the pushed commit, or undefined when `change` had nothing to do
   * (possibly because another pipeline pushed the same change first).
   */
  async commitAndPush(
    change: (checkout: GitOpsCheckout) => boolean | Promise<boolean>,
    message: string,
    options: { attempts?: number; onRetry?: (attempt: number, reason: string) => void } = {},
  ): Promise<string | undefined> {
    const attempts = options.attempts ?? 25;
    if (!(await change(this))) return undefined;
    let sha = await this.commitAll(message);
    if (!sha) return undefined;
    for (let attempt = 1; ; attempt++) {
      const pushed = await this.git(
        ['push', '--quiet', '--porcelain', 'origin', `HEAD:refs/heads/${this.branch}`],
        { allowFailure: true },
      );
      if (pushed.code === 0) return sha;
      const output = `${pushed.stderr}\n${pushed.stdout}`;
      if (!isPushRace(output) || attempt >= attempts) {
        const reason = redact(output.trim().split('\n').slice(-4).join(' '));
        throw new CommandError(
          attempt >= attempts && isPushRace(output)
            ? `git push to '${this.branch}' was still rejected after ${attempts} attempts (other pushes keep winning the race): ${reason}`
            : `git push to '${this.branch}' failed: ${reason}`,
          pushed.code,
        );
      }
      options.onRetry?.(attempt, 'the branch moved on the remote');
      await abortableSleep(backoffDelay(attempt, 200, 3000));
      await this.git([
        'fetch',
        '--quiet',
        'origin',
        `+refs/heads/${this.branch}:refs/remotes/origin/${this.branch}`,
      ]);
      const rebased = await this.git(['rebase', '--quiet', `origin/${this.branch}`], { allowFailure: true });
      if (rebased.code !== 0) {
        // Someone changed the same lines: start from their commit and apply our change again.
        await this.git(['rebase', '--abort'], { allowFailure: true });
        await this.git(['reset', '--quiet', '--hard', `origin/${this.branch}`]);
        if (!(await change(this))) return undefined;
        sha = await this.commitAll(message);
        if (!sha) return undefined;
      } else {
        sha = await this.head();
      }
    }
  }

  /** Revert `commit` on the branch and push (same race handling); returns the revert commit. */
  async revertAndPush(commit: string, message: string): Promise<string | undefined> {
    await this.git(['fetch', '--quiet', '--deepen=50', 'origin', this.branch], { allowFailure: true });
    return this.commitAndPush(async (checkout) => {
      const reverted = await checkout.git(['revert', '--no-commit', commit], { allowFailure: true });
      if (reverted.code !== 0) {
        await checkout.git(['revert', '--abort'], { allowFailure: true });
        throw new CommandError(
          `git revert of ${commit.slice(0, 7)} failed: ${redact(reverted.stderr.trim())}`,
          reverted.code,
        );
      }
      const staged = await checkout.git(['diff', '--cached', '--quiet'], { allowFailure: true });
      return staged.code !== 0;
    }, message);
  }

  /** Remove the working copy and any key file. */
  dispose(): void {
    rmSync(this.scratch, { recursive: true, force: true });
  }
}

/** `git show <revision>:<path>` in any repository (bare ones included); undefined when the path does not exist there. */
export async function showFileAt(
  repo: string,
  revision: string,
  path: string,
  env?: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const result = await runGit(['--git-dir', repo, 'show', `${revision}:${path.replace(/^\/+/, '')}`], {
    env,
    allowFailure: true,
  });
  return result.code === 0 ? result.stdout : undefined;
}

/** Resolve a branch, tag or sha to a full commit sha in `repo`; undefined when it does not resolve. */
export async function resolveRevision(
  repo: string,
  revision: string,
  env?: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const result = await runGit(
    ['--git-dir', repo, 'rev-parse', '--verify', '--quiet', `${revision}^{commit}`],
    { env, allowFailure: true },
  );
  return result.code === 0 ? result.stdout.trim() : undefined;
}
