import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

afterAll(removeFixtureRepos);

function sha256(data: Buffer | string): Buffer {
  return createHash('sha256').update(data).digest();
}

describe('expressions and contexts', () => {
  it('evaluates contexts, functions, insert and hashFiles as GitHub does', async () => {
    const repo = fixtureRepo('expressions');
    const r = await run(repo, 'expr.yml', {
      eventName: 'workflow_dispatch',
      inputs: { flag: 'true', label: 'custom' },
      vars: { COLOR: 'blue' },
      secrets: { TOKEN: 'tok-123456' },
    });
    expect(r.result.exitCode, r.all).toBe(0);
    const lines = r.lines('contexts');
    expect(lines).toContain('job=hello world from=workflow_dispatch-main inserted=yes');
    expect(lines).toContain('repo=acme/widgets owner=acme event=workflow_dispatch');
    expect(lines).toContain('runner=Linux job-status=success workspace-set=true');
    expect(lines).toContain('inputs flag=true count=3 label=custom sum=true');
    expect(lines).toContain('vars=blue secret-length=true');
    expect(lines).toContain('a-b true true true');
    expect(lines).toContain('x+y+z 1 true true true');
    expect(lines).toContain('empty=[]');
    expect(lines).toContain('override=step-level');
    expect(lines).toContain('filter=a,b');
    // GitHub's algorithm: sha256 over the sha256 digests of the matched files in path order.
    const files = ['a.lock', 'sub/b.lock'].map((f) => readFileSync(join(repo, f)));
    const expected = createHash('sha256');
    for (const file of files) expected.update(sha256(file));
    expect(r.job('contexts').outputs['lock-hash']).toBe(expected.digest('hex'));
    expect(r.job('contexts').outputs['json']).toBe('[1,2]');
  });

  it('types workflow_dispatch inputs and rejects malformed ones before running', async () => {
    const repo = fixtureRepo('expressions');
    await expect(
      run(repo, 'expr.yml', { eventName: 'workflow_dispatch', inputs: { count: 'many' } }),
    ).rejects.toThrow(/input 'count' must be a number; got "many"/);
    await expect(
      run(repo, 'expr.yml', { eventName: 'workflow_dispatch', inputs: { nope: '1' } }),
    ).rejects.toThrow(/input 'nope' is not defined by the workflow/);
  });
});
