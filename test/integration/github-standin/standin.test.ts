/**
 * The GitHub API stand-in driven by Paved's own GitHub code (Octokit through shared/github): the
 * deployment status sequence of a promotion and a rollback, one PR comment updated on every push, the
 * commit status on a push, and GitHub's refusals. Every request and response is checked by the stand-in
 * against @octokit/openapi's description; `violations()` must stay empty.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { GitHubContext } from '../../../shared/github-context.js';
import { githubClient } from '../../../shared/github/client.js';
import { DeploymentRecorder, recordRollback } from '../../../shared/github/deployments.js';
import { closeHttpAgents } from '../../../shared/http.js';
import { commentMarker, publishFeedback } from '../../../actions/test/src/feedback.js';
import { GitHubRestContract } from '../../../sandbox/github/openapi.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../../sandbox/github/server.js';
import { latestState } from '../../../sandbox/github/records.js';

const REPO = 'acme/shop';
const SHA = 'a1'.repeat(20);
const DIGEST = `sha256:${'d'.repeat(64)}`;
let standIn: GitHubStandIn;
const warnings: string[] = [];
const log = { info: () => undefined, warning: (m: string) => warnings.push(m) };

beforeAll(async () => {
  standIn = await startGitHubStandIn({ contract: new GitHubRestContract() });
});
afterAll(async () => {
  await standIn.stop();
  await closeHttpAgents();
});

function recorder(environment: string, token: string): DeploymentRecorder {
  return new DeploymentRecorder(
    {
      token,
      repository: REPO,
      environment,
      logUrl: 'https://github.com/acme/shop/actions/runs/7',
      environmentUrl: `https://${environment}.shop.example.com/`,
      apiUrl: standIn.url,
    },
    log,
  );
}

function deploymentsIn(environment: string) {
  const repo = standIn.record().repositories.find((r) => r.full_name === REPO);
  return (repo?.deployments ?? []).filter((d) => d.environment === environment);
}

describe('deployments', () => {
  test('staging then production with the same digest; a failed release is rolled back in staging only', async () => {
    const token = standIn.mintToken({
      repository: REPO,
      permissions: { contents: 'read', deployments: 'write' },
    });
    const payload = {
      image: `registry/shop@${DIGEST}`,
      digest: DIGEST,
      gitops_commit: 'b'.repeat(40),
      argocd_app: 'shop',
    };
    const staging = recorder('staging', token);
    const v1Staging = await staging.start(SHA, payload, 'v1');
    await staging.finish(v1Staging as number, 'success', 'healthy');
    const production = recorder('production', token);
    const v1Production = await production.start(SHA, { ...payload, argocd_app: 'shop-prod' }, 'v1');
    await production.finish(v1Production as number, 'success', 'healthy');

    const v2 = await staging.start('c3'.repeat(20), { ...payload, digest: `sha256:${'e'.repeat(64)}` }, 'v2');
    await staging.finish(v2 as number, 'success', 'synced');
    await recordRollback({
      token,
      deploymentId: v2,
      repository: REPO,
      runUrl: 'https://github.com/acme/shop/actions/runs/8',
      apiUrl: standIn.url,
      reason: 'health-check failed: 5xx rate',
      log,
    });

    const [first, second] = deploymentsIn('staging');
    expect(first?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success', 'inactive', 'success']);
    expect(second?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success', 'failure']);
    const [prod] = deploymentsIn('production');
    expect(prod?.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    // Promotion by digest: production records the very digest staging ran.
    expect((prod?.payload as { digest: string }).digest).toBe((first?.payload as { digest: string }).digest);
    expect(prod?.production_environment).toBe(true);
    expect(first?.production_environment).toBe(false);
    expect(first?.statuses[1]).toMatchObject({
      environment_url: 'https://staging.shop.example.com/',
      log_url: 'https://github.com/acme/shop/actions/runs/7',
    });
    expect(deploymentsIn('production').map(latestState)).toEqual(['success']);
    expect(warnings).toEqual([]);
    expect(standIn.violations()).toEqual([]);
  });

  test('a token without deployments: write gets a warning naming the permission, not a thrown error', async () => {
    const token = standIn.mintToken({ repository: REPO, permissions: { contents: 'read' } });
    const local: string[] = [];
    const id = await new DeploymentRecorder(
      {
        token,
        repository: REPO,
        environment: 'staging',
        logUrl: undefined,
        environmentUrl: undefined,
        apiUrl: standIn.url,
      },
      { info: () => undefined, warning: (m) => local.push(m) },
    ).start(SHA, { image: 'x:1', digest: undefined, gitops_commit: undefined, argocd_app: 'shop' }, 'v1');
    expect(id).toBeUndefined();
    expect(local).toHaveLength(1);
    expect(local[0]).toMatch(/Resource not accessible by integration.*permissions: deployments: write/);
  });
});

describe('refusals, as GitHub words them', () => {
  test('401, 403, 404 and 422', async () => {
    const read = standIn.mintToken({ repository: REPO, permissions: { deployments: 'read' } });
    const call = async (token: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${standIn.url}${path}`, {
        method,
        headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await call('ghs_unknown', 'GET', `/repos/${REPO}/deployments`)).toMatchObject({
      status: 401,
      body: { message: 'Bad credentials' },
    });
    expect(await call(read, 'POST', `/repos/${REPO}/deployments`, { ref: SHA })).toMatchObject({
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    });
    expect(await call(read, 'GET', '/repos/acme/unknown/deployments')).toMatchObject({
      status: 404,
      body: { message: 'Not Found' },
    });
    const write = standIn.mintToken({ repository: REPO, permissions: { deployments: 'write' } });
    const missing = await call(write, 'POST', `/repos/${REPO}/deployments`, { environment: 'staging' });
    expect(missing.status).toBe(422);
    expect(missing.body['message']).toBe('Invalid request.\n\n"ref" wasn\'t supplied.');
    const [deployment] = deploymentsIn('staging');
    const long = await call(write, 'POST', `/repos/${REPO}/deployments/${deployment?.id}/statuses`, {
      state: 'success',
      description: 'x'.repeat(141),
    });
    expect(long).toMatchObject({
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [{ resource: 'DeploymentStatus', field: 'description' }],
      },
    });
    expect(standIn.violations()).toEqual([]);
  });

  test('a token for scopes the workflow schema knows but no endpoint here needs is minted, not refused', async () => {
    // artifact-metadata, code-quality, … are valid `permissions:` scopes (@actions/workflow-parser's
    // schema; "Controlling permissions for GITHUB_TOKEN"): a job that names them must still get a token.
    const token = standIn.mintToken({
      repository: REPO,
      permissions: { 'artifact-metadata': 'write', 'vulnerability-alerts': 'read', deployments: 'read' },
    });
    const response = await fetch(`${standIn.url}/repos/${REPO}/deployments`, {
      headers: { authorization: `token ${token}` },
    });
    expect(response.status).toBe(200);
    expect(() => standIn.mintToken({ repository: REPO, permissions: { models: 'write' } })).toThrow(
      'permission "models" must be read or none; got "write"',
    );
  });
});

describe('pull-request feedback', () => {
  const github = (overrides: Partial<GitHubContext>): GitHubContext =>
    ({
      repository: REPO,
      owner: 'acme',
      repo: 'shop',
      apiUrl: standIn.url,
      workflow: 'ci',
      job: 'build-test',
      runUrl: 'https://github.com/acme/shop/actions/runs/9',
      sha: SHA,
      prNumber: undefined,
      ...overrides,
    }) as GitHubContext;

  test('one comment per workflow and job, updated on every push', async () => {
    standIn.addPullRequest(REPO, 12);
    const token = standIn.mintToken({
      repository: REPO,
      permissions: { contents: 'read', 'pull-requests': 'write' },
    });
    const context = github({ eventName: 'pull_request', prNumber: 12 });
    const first = await publishFeedback(
      token,
      context,
      { body: '❌ 1 failed: cart.test.ts:14', state: 'failure', description: '' },
      log,
    );
    const second = await publishFeedback(
      token,
      context,
      { body: '✅ 12 passed', state: 'success', description: '' },
      log,
    );
    expect(second).toBe(first);
    const comments = standIn.record().repositories.find((r) => r.full_name === REPO)?.comments ?? [];
    expect(comments.filter((c) => c.issue_number === 12)).toHaveLength(1);
    expect(comments[0]?.body).toContain(commentMarker(context));
    expect(comments[0]?.body).toContain('✅ 12 passed');
    expect(comments[0]?.body).not.toContain('cart.test.ts:14');
    // Another job's comment is its own.
    await publishFeedback(
      token,
      github({ prNumber: 12, job: 'lint' }),
      { body: 'lint', state: 'success', description: '' },
      log,
    );
    expect(standIn.record().repositories.find((r) => r.full_name === REPO)?.comments).toHaveLength(2);
    expect(standIn.violations()).toEqual([]);
  });

  test('a push sets a commit status linking to the run; without statuses: write it warns', async () => {
    const token = standIn.mintToken({ repository: REPO, permissions: { statuses: 'write' } });
    const url = await publishFeedback(
      token,
      github({}),
      { body: '', state: 'success', description: '12 tests: 12 passed' },
      log,
    );
    expect(url).toBe('https://github.com/acme/shop/actions/runs/9');
    const client = await githubClient(token, { apiUrl: standIn.url });
    const statuses = await client.rest.repos.listCommitStatusesForRef({
      owner: 'acme',
      repo: 'shop',
      ref: SHA,
    });
    expect(statuses.data[0]).toMatchObject({
      state: 'success',
      context: 'paved/tests (ci / build-test)',
      target_url: url,
    });
    const local: string[] = [];
    const none = standIn.mintToken({ repository: REPO, permissions: { contents: 'read' } });
    await publishFeedback(
      none,
      github({}),
      { body: '', state: 'success', description: 'x' },
      { info: () => undefined, warning: (m) => local.push(m) },
    );
    expect(local[0]).toMatch(/permissions: statuses: write/);
    expect(standIn.violations()).toEqual([]);
  });
});
