/** Test helpers: a fixture directory becomes a temporary git repository, and runs collect their log. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWorkflow } from '../../../engine/index.js';
import type { LogEvent, RunOptions, RunResult } from '../../../engine/index.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Where the fixture repositories live. */
export const fixturesDir = join(here, 'fixtures');
const made: string[] = [];

/** Run git in `cwd`; its trimmed output, or an error with git's message. */
export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** Copy fixtures/<name> into a fresh git repository with one commit and an origin remote. */
export function fixtureRepo(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `paved-engine-${name}-`));
  made.push(dir);
  cpSync(join(here, 'fixtures', name), dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'test@example.com');
  git(dir, 'config', 'user.name', 'Test');
  git(dir, 'remote', 'add', 'origin', 'https://github.com/acme/widgets.git');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'fixture');
  return dir;
}

export function removeFixtureRepos(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface CollectedRun {
  result: RunResult;
  events: LogEvent[];
  /** Output lines (`line` events) of a job, optionally of one step. */
  lines(job: string, step?: string): string[];
  /** Every text the run logged, one per line. */
  all: string;
  job(name: string): RunResult['jobs'][number];
}

export async function run(
  repo: string,
  workflow: string,
  options: Partial<RunOptions> = {},
): Promise<CollectedRun> {
  const events: LogEvent[] = [];
  const result = await runWorkflow({
    workflow: join(repo, '.github', 'workflows', workflow),
    concurrency: 2,
    ...options,
    onLog: (event) => events.push(event),
  });
  return {
    result,
    events,
    lines: (job, step) =>
      events
        .filter((e) => e.kind === 'line' && e.job === job && (step === undefined || e.step === step))
        .map((e) => e.text),
    all: events.map((e) => `${e.job} | ${e.step ?? ''} | ${e.text}`).join('\n'),
    job: (name) => {
      const found = result.jobs.find((j) => j.name === name);
      if (!found) throw new Error(`no job named ${name}; jobs: ${result.jobs.map((j) => j.name).join(', ')}`);
      return found;
    },
  };
}
