/**
 * Real git repositories with a controlled history, for the metrics tests and the benchmark: every commit
 * gets the author and committer date it is given (with its own time-zone offset), notes are written by
 * git itself. Nothing is mocked: the code under test reads these with `git log`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class SyntheticGitOps {
  readonly dir: string;
  private counter = 0;

  constructor(options: { bare?: boolean } = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'paved-synthetic-'));
    this.git(['init', '-q', '-b', 'main', ...(options.bare ? ['--bare'] : [])]);
  }

  get gitDir(): string {
    return join(this.dir, '.git');
  }

  git(args: string[], date?: string): string {
    const result = spawnSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 'test@paved.invalid',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 'test@paved.invalid',
        ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
      },
    });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trim();
  }

  /** Commit a change to `file` at `date` (ISO 8601 with offset) with `message`; returns the sha. */
  commit(date: string, message: string, file = 'apps/shop/kustomization.yaml'): string {
    writeFileSync(join(this.dir, file.replace(/\//g, '_')), `${this.counter++}\n`);
    this.git(['add', '-A']);
    this.git(['commit', '-q', '--no-verify', '-m', message], date);
    return this.git(['rev-parse', 'HEAD']);
  }

  /** `git revert` as a person runs it (git's own message, no trailers), at `date`. */
  revert(date: string, sha: string, extra = ''): string {
    this.git(['revert', '--no-edit', sha], date);
    if (extra) {
      const message = this.git(['log', '-1', '--format=%B']);
      this.git(['commit', '-q', '--amend', '-m', `${message}\n\n${extra}`], date);
    }
    return this.git(['rev-parse', 'HEAD']);
  }

  note(sha: string, lines: string): void {
    this.git(['notes', '--ref=refs/notes/paved', 'append', '-m', lines, sha]);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A deploy commit message as deploy-argocd writes it. */
export function deployMessage(t: {
  service: string;
  environment?: string;
  image: string;
  sourceCommit?: string;
  sourceTime?: string;
  run?: string;
}): string {
  return [
    `deploy(${t.service}): ${t.image}`,
    '',
    `Set ${t.image} in kustomization.yaml.`,
    '',
    `Paved-Service: ${t.service}`,
    ...(t.environment ? [`Paved-Environment: ${t.environment}`] : []),
    `Paved-Image: ${t.image}`,
    ...(t.sourceCommit ? [`Paved-Source-Commit: ${t.sourceCommit}`] : []),
    ...(t.sourceTime ? [`Paved-Source-Time: ${t.sourceTime}`] : []),
    ...(t.run ? [`Paved-Run: ${t.run}`] : []),
  ].join('\n');
}
