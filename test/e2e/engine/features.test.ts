/**
 * Whole workflows through runWorkflow for the run-level capabilities: `on:` filters, environments,
 * permissions and the job token, OIDC ID tokens, and concurrency groups within one run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcIssuer, type OidcIssuer } from '../../../shared/oidc/issuer.js';
import { verifyJwtSignature, type Jwks } from '../../../shared/oidc/jwt.js';
import type { GitHubPermissions } from '../../../shared/github-permissions.js';
import { fixtureRepo, removeFixtureRepos, run } from './helpers.js';

let stateDir: string;
beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'paved-features-state-'));
});
afterAll(() => {
  removeFixtureRepos();
  rmSync(stateDir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

describe('on: filters', () => {
  it('skips a push to a branch the filters exclude, and runs it with force', async () => {
    const repo = fixtureRepo('features');
    git(repo, 'checkout', '-q', '-b', 'feature');
    const skipped = await run(repo, 'triggers.yml', { concurrencyDir: stateDir });
    expect(skipped.result.exitCode).toBe(0);
    expect(skipped.result.jobs).toEqual([]);
    expect(skipped.result.skipped).toEqual([
      {
        workflow: expect.stringContaining('triggers.yml'),
        reason:
          'the push to refs/heads/feature does not match on.push.branches [main, releases/**, !releases/**-alpha]',
      },
    ]);
    const forced = await run(repo, 'triggers.yml', { concurrencyDir: stateDir, force: true });
    expect(forced.result.conclusion).toBe('success');
    expect(forced.lines('build')).toEqual(['built refs/heads/feature']);
    expect(forced.all).toContain('--force: running although the push to refs/heads/feature');
  });

  it('applies negated branch patterns in order', async () => {
    const repo = fixtureRepo('features');
    git(repo, 'checkout', '-q', '-b', 'releases/1.0-alpha');
    const alpha = await run(repo, 'triggers.yml', { concurrencyDir: stateDir });
    expect(alpha.result.skipped).toHaveLength(1);
    git(repo, 'checkout', '-q', '-b', 'releases/1.0');
    const release = await run(repo, 'triggers.yml', { concurrencyDir: stateDir });
    expect(release.result.skipped).toEqual([]);
    expect(release.lines('build')).toEqual(['built refs/heads/releases/1.0']);
  });

  it('compares the paths filter with the files the last commit changed', async () => {
    const repo = fixtureRepo('features');
    // The fixture's single commit adds src/app.js: it runs.
    expect((await run(repo, 'triggers.yml', { concurrencyDir: stateDir })).result.jobs).toHaveLength(1);
    mkdirSync(join(repo, 'docs'));
    writeFileSync(join(repo, 'docs', 'guide.md'), '# guide\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'docs only');
    const docs = await run(repo, 'triggers.yml', { concurrencyDir: stateDir });
    expect(docs.result.skipped[0]?.reason).toBe(
      'none of the 1 changed file (HEAD~1..HEAD) matches on.push.paths [src/**]',
    );
    // An explicit before..after range that includes the src change runs.
    const first = git(repo, 'rev-list', '--max-parents=0', 'HEAD');
    writeFileSync(join(repo, 'src', 'app.js'), 'export const answer = 43;\n');
    git(repo, 'commit', '-q', '-am', 'src');
    const head = git(repo, 'rev-parse', 'HEAD');
    const ranged = await run(repo, 'triggers.yml', {
      concurrencyDir: stateDir,
      eventPayload: { ref: 'refs/heads/main', before: first, after: head },
    });
    expect(ranged.result.skipped).toEqual([]);
    expect(ranged.result.conclusion).toBe('success');
  });

  it('filters pull requests by activity type and base branch', async () => {
    const repo = fixtureRepo('features');
    const pr = (action: string, base: string) => ({
      action,
      number: 3,
      pull_request: { number: 3, head: { ref: 'feature' }, base: { ref: base } },
    });
    const closed = await run(repo, 'triggers.yml', {
      concurrencyDir: stateDir,
      eventName: 'pull_request',
      eventPayload: pr('closed', 'main'),
    });
    expect(closed.result.skipped[0]?.reason).toBe(
      "the pull_request activity 'closed' is not in on.pull_request.types [opened, labeled]",
    );
    const develop = await run(repo, 'triggers.yml', {
      concurrencyDir: stateDir,
      eventName: 'pull_request',
      eventPayload: pr('labeled', 'develop'),
    });
    expect(develop.result.skipped[0]?.reason).toBe(
      'the pull request into develop does not match on.pull_request.branches [main]',
    );
  });

  it('starts on a matching tag without evaluating paths filters', async () => {
    const repo = fixtureRepo('features');
    const tag = await run(repo, 'tags.yml', {
      concurrencyDir: stateDir,
      eventPayload: { ref: 'refs/tags/v1.20.3' },
    });
    expect(tag.lines('release')).toEqual(['released v1.20.3']);
    const branch = await run(repo, 'tags.yml', { concurrencyDir: stateDir });
    expect(branch.result.skipped[0]?.reason).toBe(
      'the push to refs/heads/main is a branch, and on.push filters tags only',
    );
  });
});

describe('environments', () => {
  const environments = {
    staging: { vars: { REGION: 'eu-west-1' }, secrets: { DEPLOY_TOKEN: 'staging-s3cr3t' } },
    production: { protected: true, vars: { REGION: 'us-east-1' }, url: 'https://prod.example.com' },
  };

  it('selects environment vars and secrets, evaluates the url at job end, and waits for approval', async () => {
    const repo = fixtureRepo('features');
    const asked: unknown[] = [];
    const r = await run(repo, 'environments.yml', {
      concurrencyDir: stateDir,
      vars: { REGION: 'repo-default', TEAM: 'payments' },
      environments,
      approve: async (request) => {
        asked.push(request);
        return true;
      },
    });
    expect(r.result.conclusion).toBe('success');
    expect(r.lines('deploy')).toEqual(['region=eu-west-1 team=payments', 'token=***']);
    expect(r.all).not.toContain('staging-s3cr3t');
    expect(r.job('deploy').environment).toEqual({
      name: 'staging',
      url: 'https://staging.example.com/eu-west-1',
    });
    expect(asked).toEqual([{ environment: 'production', job: 'prod', url: 'https://prod.example.com' }]);
    expect(r.lines('prod')).toEqual(['prod region=us-east-1']);
    expect(r.job('prod').environment).toEqual({ name: 'production', url: 'https://prod.example.com' });
  });

  it('fails a job whose protected environment is not approved, naming the environment', async () => {
    const repo = fixtureRepo('features');
    const r = await run(repo, 'environments.yml', { concurrencyDir: stateDir, environments });
    expect(r.result.conclusion).toBe('failure');
    expect(r.job('deploy').conclusion).toBe('success');
    expect(r.job('prod').conclusion).toBe('failure');
    expect(r.job('prod').steps).toEqual([]);
    expect(r.result.annotations.map((a) => a.message)).toContain(
      "The job 'prod' needs an approval to deploy to the protected environment 'production' and was not approved; pass --approve production to approve it (or run paved run on a terminal to be asked)",
    );
  });
});

describe('permissions, the job token and OIDC', () => {
  let issuer: OidcIssuer;
  beforeAll(async () => {
    issuer = await startOidcIssuer();
  });
  afterAll(() => issuer.close());

  it('gives id-token: write jobs a verifiable GitHub-shaped token, and others no variables', async () => {
    const repo = fixtureRepo('features');
    const out = mkdtempSync(join(tmpdir(), 'paved-oidc-out-'));
    try {
      const r = await run(repo, 'oidc.yml', {
        concurrencyDir: stateDir,
        env: { OIDC_OUT: out },
        oidc: issuer,
      });
      expect(r.result.conclusion).toBe('success');
      expect(r.lines('without-token')).toEqual(['no oidc variables']);
      const saved = JSON.parse(readFileSync(join(out, 'with-token.json'), 'utf8')) as {
        token: string;
        jwks: Jwks;
        requestToken: string;
      };
      const { claims } = verifyJwtSignature(saved.token, issuer.jwks);
      const sha = git(repo, 'rev-parse', 'HEAD');
      expect(claims).toMatchObject({
        iss: issuer.issuer,
        aud: 'sts.example.com',
        sub: 'repo:acme/widgets:environment:staging',
        environment: 'staging',
        repository: 'acme/widgets',
        repository_owner: 'acme',
        ref: 'refs/heads/main',
        sha,
        event_name: 'workflow_dispatch',
        workflow: 'oidc',
        workflow_ref: 'acme/widgets/.github/workflows/oidc.yml@refs/heads/main',
        job_workflow_ref: 'acme/widgets/.github/workflows/oidc.yml@refs/heads/main',
      });
      expect(Number(claims['exp'])).toBeGreaterThan(Date.now() / 1000);
      expect(r.job('with-token').environment).toEqual({ name: 'staging' });
      expect(r.job('with-token').permissions).toMatchObject({ 'id-token': 'write', contents: 'read' });
      // The request token was masked in logs and stops working when the job ends.
      expect(r.all).not.toContain(saved.requestToken);
      expect(() => issuer.tokenFor(saved.requestToken)).toThrow(/revoked/);

      const inner = JSON.parse(readFileSync(join(out, 'inner.json'), 'utf8')) as { token: string };
      const innerClaims = verifyJwtSignature(inner.token, issuer.jwks).claims;
      expect(innerClaims).toMatchObject({
        sub: 'repo:acme/widgets:ref:refs/heads/main',
        workflow_ref: 'acme/widgets/.github/workflows/oidc.yml@refs/heads/main',
        job_workflow_ref: 'acme/widgets/.github/workflows/called-oidc.yml@refs/heads/main',
      });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("carries the payload's numeric ids in actor_id, repository_id and repository_owner_id", async () => {
    // "OpenID Connect reference", Understanding the OIDC token: the example token has all three, as
    // strings of digits; they are the payload's sender.id, repository.id and repository.owner.id.
    const repo = fixtureRepo('features');
    const out = mkdtempSync(join(tmpdir(), 'paved-oidc-out-'));
    try {
      const r = await run(repo, 'oidc.yml', {
        concurrencyDir: stateDir,
        env: { OIDC_OUT: out },
        oidc: issuer,
        job: 'with-token',
        eventPayload: {
          inputs: {},
          repository: { id: 123456, full_name: 'acme/widgets', owner: { login: 'acme', id: 4242 } },
          sender: { login: 'octocat', id: 583231 },
        },
      });
      expect(r.result.conclusion).toBe('success');
      const saved = JSON.parse(readFileSync(join(out, 'with-token.json'), 'utf8')) as { token: string };
      expect(verifyJwtSignature(saved.token, issuer.jwks).claims).toMatchObject({
        actor_id: '583231',
        repository_id: '123456',
        repository_owner_id: '4242',
      });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('masks the runner-issued tokens it puts in a step environment, as the runner masks its access token', async () => {
    // actions/runner (Worker.cs, InitializeSecretMasker) masks every endpoint's authorization
    // parameters, among them the job's AccessToken that steps see as ACTIONS_RUNTIME_TOKEN, so `env`
    // in a run step prints *** for it; the OIDC request token is masked the same way.
    const repo = fixtureRepo('features');
    writeFileSync(
      join(repo, '.github', 'workflows', 'show-env.yml'),
      'on: push\njobs:\n  env:\n    runs-on: ubuntu-latest\n    permissions: { id-token: write }\n    steps:\n      - run: env | grep -E "^ACTIONS_(RUNTIME|ID_TOKEN_REQUEST)_TOKEN=" | sort\n',
    );
    const r = await run(repo, 'show-env.yml', {
      concurrencyDir: stateDir,
      oidc: issuer,
      runnerEnv: {
        ACTIONS_RUNTIME_TOKEN: 'runtime-token-4f9a2c',
        ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/',
      },
    });
    expect(r.result.conclusion).toBe('success');
    expect(r.lines('env')).toEqual(['ACTIONS_ID_TOKEN_REQUEST_TOKEN=***', 'ACTIONS_RUNTIME_TOKEN=***']);
    expect(r.all).not.toContain('runtime-token-4f9a2c');
  });

  it('serves tokens from an in-process issuer with discovery and JWKS when none is given', async () => {
    const repo = fixtureRepo('features');
    const out = mkdtempSync(join(tmpdir(), 'paved-oidc-out-'));
    try {
      const r = await run(repo, 'oidc.yml', {
        concurrencyDir: stateDir,
        env: { OIDC_OUT: out },
        job: 'with-token',
      });
      expect(r.result.conclusion).toBe('success');
      const saved = JSON.parse(readFileSync(join(out, 'with-token.json'), 'utf8')) as {
        token: string;
        jwks: Jwks;
        discovery: { issuer: string; id_token_signing_alg_values_supported: string[] };
      };
      const { claims, header } = verifyJwtSignature(saved.token, saved.jwks);
      expect(header.alg).toBe('RS256');
      expect(claims['iss']).toBe(saved.discovery.issuer);
      expect(saved.discovery.id_token_signing_alg_values_supported).toEqual(['RS256']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('refuses a called workflow job that asks for more than its caller granted', async () => {
    const repo = fixtureRepo('features');
    const r = await run(repo, 'escalate.yml', { concurrencyDir: stateDir });
    expect(r.result.conclusion).toBe('failure');
    expect(r.all).not.toContain('should not run');
    expect(r.result.annotations.map((a) => a.message)).toContain(
      "permissions: The nested job 'push' is requesting 'contents: write', but is only allowed 'contents: read'.",
    );
  });

  it('mints the job token for its permissions through the githubToken hook, masked, and revokes it', async () => {
    const repo = fixtureRepo('features');
    const requests: Array<{
      job: string;
      workflow: string;
      repository: string;
      permissions: GitHubPermissions;
    }> = [];
    let revoked = 0;
    const r = await run(repo, 'token.yml', {
      concurrencyDir: stateDir,
      githubToken: async (request) => {
        requests.push(request);
        return { token: 'ghs_minted0123456789', revoke: async () => void revoked++ };
      },
    });
    expect(r.result.conclusion).toBe('success');
    expect(r.lines('use-token')).toEqual(['token=***', 'same token']);
    expect(r.all).not.toContain('ghs_minted0123456789');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      job: 'use-token',
      workflow: '.github/workflows/token.yml',
      repository: 'acme/widgets',
    });
    const granted = Object.entries(requests[0]?.permissions ?? {}).filter(([, level]) => level !== 'none');
    expect(Object.fromEntries(granted)).toEqual({ contents: 'read', issues: 'write' });
    expect(revoked).toBe(1);
  });
});

describe('concurrency within one run', () => {
  it('runs one leg of a group at a time and cancels the older pending leg', async () => {
    const repo = fixtureRepo('features');
    const r = await run(repo, 'concurrency-matrix.yml', { concurrencyDir: stateDir, concurrency: 3 });
    expect(r.result.jobs.map((job) => [job.name, job.conclusion])).toEqual([
      ['deploy (1)', 'success'],
      ['deploy (2)', 'cancelled'],
      ['deploy (3)', 'success'],
    ]);
    expect(r.result.conclusion).toBe('cancelled');
    expect(r.job('deploy (2)').steps).toEqual([]);
    expect(r.result.annotations).toContainEqual(
      expect.objectContaining({
        job: 'deploy (2)',
        message: "Canceling since a higher priority waiting request for 'deploy-refs/heads/main' exists",
      }),
    );
    // Leg 3 started only after leg 1 had finished.
    const order = r.events
      .filter((e) => e.kind === 'job-start' || e.kind === 'job-end')
      .map((e) => `${e.kind} ${e.job}`);
    expect(order.indexOf('job-end deploy (1)')).toBeLessThan(order.indexOf('job-start deploy (3)'));
  });
});
