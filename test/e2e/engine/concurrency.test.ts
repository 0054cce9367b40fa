/**
 * `concurrency:` where a run has structure: a job that calls a reusable workflow, a called workflow's
 * own workflow-level group, GitHub's deadlock rule for a group the run already holds, and a
 * workflow-level cancel that must stay inside its own workflow when `paved run` runs a directory.
 * Whole workflows through runWorkflow, in this process.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureRepo, removeFixtureRepos, run, type CollectedRun } from './helpers.js';

let stateDir: string;
let work: string;
beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'paved-concurrency-state-'));
  work = mkdtempSync(join(tmpdir(), 'paved-concurrency-markers-'));
});
afterAll(() => {
  removeFixtureRepos();
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** `job-start`/`job-end` events in the order they happened. */
function order(r: CollectedRun): string[] {
  return r.events
    .filter((e) => e.kind === 'job-start' || e.kind === 'job-end')
    .map((e) => `${e.kind} ${e.job}`);
}

const conclusions = (r: CollectedRun): Array<[string, string]> =>
  r.result.jobs.map((job) => [job.name, job.conclusion]);

/** Calls of a matrix are reported as they end: compared by name. */
const byName = (r: CollectedRun): Array<[string, string]> =>
  conclusions(r).sort(([a], [b]) => a.localeCompare(b));

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('concurrency of a job that calls a reusable workflow', () => {
  it('holds the group for the whole called workflow, and cancels the older pending call', async () => {
    const repo = fixtureRepo('concurrency');
    const r = await run(repo, 'call-matrix.yml', { concurrencyDir: stateDir, concurrency: 3 });
    expect(byName(r)).toEqual([
      ['deploy (1)', 'success'],
      ['deploy (1) / first', 'success'],
      ['deploy (1) / second', 'success'],
      ['deploy (2)', 'cancelled'],
      ['deploy (3)', 'success'],
      ['deploy (3) / first', 'success'],
      ['deploy (3) / second', 'success'],
    ]);
    expect(r.result.conclusion).toBe('cancelled');
    expect(r.result.annotations).toContainEqual(
      expect.objectContaining({
        job: 'deploy (2)',
        message: "Canceling since a higher priority waiting request for 'call-refs/heads/main' exists",
      }),
    );
    expect(r.all).not.toContain('deploy (2) / first');
    // The third call started its first job only after the first call's last job had ended.
    const events = order(r);
    expect(events.indexOf('job-end deploy (1) / second')).toBeLessThan(
      events.indexOf('job-start deploy (3) / first'),
    );
  });

  it("honours a called workflow's own workflow-level group, evaluated with the caller's github context", async () => {
    const repo = fixtureRepo('concurrency');
    const r = await run(repo, 'called-group.yml', { concurrencyDir: stateDir, concurrency: 3 });
    expect(byName(r)).toEqual([
      ['publish (1)', 'success'],
      ['publish (1) / work', 'success'],
      ['publish (2)', 'cancelled'],
      ['publish (3)', 'success'],
      ['publish (3) / work', 'success'],
    ]);
    // `github.workflow` in the called workflow is the caller's name, "Release".
    expect(r.result.annotations).toContainEqual(
      expect.objectContaining({
        job: 'publish (2)',
        message: "Canceling since a higher priority waiting request for 'Release-serial' exists",
      }),
    );
    const events = order(r);
    expect(events.indexOf('job-end publish (1) / work')).toBeLessThan(
      events.indexOf('job-start publish (3) / work'),
    );
  });
});

describe('deadlocks: a member asking for a group its own run holds', () => {
  it("cancels a job whose group is the workflow's (case-insensitive); other jobs run", async () => {
    const repo = fixtureRepo('concurrency');
    const r = await run(repo, 'deadlock-job.yml', { concurrencyDir: stateDir });
    expect(conclusions(r)).toEqual([
      ['deadlock', 'cancelled'],
      ['other', 'success'],
    ]);
    expect(r.result.conclusion).toBe('cancelled');
    expect(r.job('deadlock').steps).toEqual([]);
    expect(r.all).not.toContain('should not run');
    expect(r.lines('other')).toEqual(['other ran']);
    expect(r.result.annotations).toContainEqual(
      expect.objectContaining({
        job: 'deadlock',
        message:
          "Canceling since a deadlock was detected for concurrency group: 'Test' between a top level workflow and 'deadlock'",
      }),
    );
  });

  it("cancels a call whose workflow's group equals the caller's through github.workflow", async () => {
    const repo = fixtureRepo('concurrency');
    const r = await run(repo, 'deadlock-call.yml', { concurrencyDir: stateDir });
    expect(conclusions(r)).toEqual([
      ['Publish SDKs', 'cancelled'],
      ['announce', 'skipped'],
    ]);
    expect(r.result.conclusion).toBe('cancelled');
    expect(r.all).not.toContain('should not run');
    expect(r.result.annotations).toContainEqual(
      expect.objectContaining({
        job: 'Publish SDKs',
        message:
          "Canceling since a deadlock was detected for concurrency group: 'Release pipeline-refs/heads/main' between a top level workflow and 'Publish SDKs'",
      }),
    );
  });

  it("cancels a job of a called workflow whose group is the calling job's", async () => {
    const repo = fixtureRepo('concurrency');
    const r = await run(repo, 'deadlock-nested.yml', { concurrencyDir: stateDir });
    expect(conclusions(r)).toEqual([
      ['call / inner', 'cancelled'],
      ['call / free', 'success'],
      ['call', 'cancelled'],
    ]);
    expect(r.all).not.toContain('should not run');
    expect(r.result.annotations).toContainEqual(
      expect.objectContaining({
        job: 'call / inner',
        message:
          "Canceling since a deadlock was detected for concurrency group: 'nested-refs/heads/main' between a top level workflow and 'inner'",
      }),
    );
  });
});

describe('a workflow-level cancel in a directory run', () => {
  it('cancels only that workflow; the others of the same paved run go on', async () => {
    const repo = fixtureRepo('concurrency-pair');
    const marker = (name: string): string => join(work, name);
    const directory = run(repo, '', {
      concurrencyDir: stateDir,
      env: { MARKER_DIR: work, RUN_LABEL: 'a' },
    });
    await until('both workflows of the directory run to start', () =>
      ['started-hold-a', 'started-other-a'].every((name) => existsSync(marker(name))),
    );
    // A newer run of hold.yml, with cancel-in-progress, cancels the directory run's hold.yml.
    const newer = run(repo, 'hold.yml', {
      concurrencyDir: stateDir,
      eventName: 'push',
      env: { MARKER_DIR: work, RUN_LABEL: 'b' },
    });
    await until('the newer run to start', () => existsSync(marker('started-hold-b')));
    expect(existsSync(marker('always-hold-a'))).toBe(true);
    writeFileSync(marker('release-other-a'), '');
    writeFileSync(marker('release-hold-b'), '');
    const [first, second] = await Promise.all([directory, newer]);
    expect(
      first.result.workflows
        .map((w) => [w.workflow, w.conclusion])
        .sort((a, b) => a[0]!.localeCompare(b[0]!)),
    ).toEqual([
      [expect.stringMatching(/hold\.yml$/), 'cancelled'],
      [expect.stringMatching(/other\.yml$/), 'success'],
    ]);
    expect(first.job('other.yml / wait').conclusion).toBe('success');
    expect(first.lines('other.yml / wait')).toContain('other finished');
    expect(first.job('hold.yml / slow').conclusion).toBe('cancelled');
    expect(first.result.conclusion).toBe('cancelled');
    expect(first.result.exitCode).toBe(1);
    expect(first.result.annotations).toContainEqual(
      expect.objectContaining({
        message: "Canceling since a higher priority waiting request for 'hold-refs/heads/main' exists",
      }),
    );
    expect(second.result.conclusion).toBe('success');
  });
});

describe('queue: max', () => {
  // "GitHub Actions concurrency groups now allow larger queues" (changelog, 2026-05-07): `queue: max`
  // keeps every waiting job of a group and runs them in order; without it the legs displace each other.
  it('runs every leg of a queue: max group in turn, cancelling none', async () => {
    const repo = fixtureRepo('concurrency');
    const r = await run(repo, 'queue-max.yml', { concurrencyDir: stateDir });
    expect(byName(r)).toEqual([
      ['deploy (four)', 'success'],
      ['deploy (one)', 'success'],
      ['deploy (three)', 'success'],
      ['deploy (two)', 'success'],
    ]);
    const deployed = r.events
      .filter((e) => e.kind === 'line' && e.text.startsWith('deployed '))
      .map((e) => e.text);
    expect(deployed).toEqual(['deployed one', 'deployed two', 'deployed three', 'deployed four']);
    expect(r.result.exitCode).toBe(0);
  });
});
