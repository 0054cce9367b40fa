import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

describe('events', () => {
  it('derives github.ref and sha for a push from the local repository', async () => {
    const repo = fixtureRepo('events');
    const r = await run(repo, 'events.yml');
    expect(r.lines('show').slice(0, 2)).toEqual([
      'event=push ref=refs/heads/main ref_name=main head= base=',
      'env-ref=refs/heads/main sha-matches=true',
    ]);
  });

  it('takes a pull_request payload and sets head_ref, base_ref and the merge ref', async () => {
    const repo = fixtureRepo('events');
    const payload = {
      action: 'synchronize',
      number: 7,
      pull_request: {
        number: 7,
        title: 'Add widgets',
        head: { ref: 'feature/x', sha: 'a'.repeat(40) },
        base: { ref: 'main' },
      },
    };
    const r = await run(repo, 'events.yml', { eventName: 'pull_request', eventPayload: payload });
    expect(r.lines('show')).toEqual([
      'event=pull_request ref=refs/pull/7/merge ref_name=7/merge head=feature/x base=main',
      'env-ref=refs/pull/7/merge sha-matches=true',
      'payload-title=Add widgets event-file=synchronize',
    ]);
  });

  it("gives a synthetic schedule event the workflow's first cron as github.event.schedule", async () => {
    // "Events that trigger workflows", schedule: github.event.schedule is the cron string that
    // triggered the run. A local run stands for the first one; --eventpath chooses another.
    const repo = fixtureRepo('events');
    writeFileSync(
      join(repo, '.github', 'workflows', 'nightly.yml'),
      [
        'on:',
        '  schedule:',
        "    - cron: '30 5 * * 1-5'",
        "    - cron: '0 0 * * 6'",
        'jobs:',
        '  show:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: echo "schedule=${{ github.event.schedule }}"',
        '',
      ].join('\n'),
    );
    const synthetic = await run(repo, 'nightly.yml');
    expect(synthetic.lines('show')).toEqual(['schedule=30 5 * * 1-5']);
    const given = await run(repo, 'nightly.yml', { eventPayload: { schedule: '0 0 * * 6' } });
    expect(given.lines('show')).toEqual(['schedule=0 0 * * 6']);
  });
});
