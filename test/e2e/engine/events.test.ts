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
});
