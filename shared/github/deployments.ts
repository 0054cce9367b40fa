/**
 * GitHub Deployments as a mirror of Paved's deploys (the GitOps repository stays the record; these are
 * for people in the GitHub UI and for tools that read deployments). deploy-argocd opens one per deploy
 * and moves it `in_progress` → `success`/`failure`, marking the deployment it replaced `inactive`;
 * health-check and rollback mark the failed one `failure` and the restored one `success` again.
 *
 * Recording never fails a deploy: GitHub being unreachable or the token lacking `deployments: write`
 * is a warning naming what to fix, and the deploy goes on (see {@link DeploymentRecorder}).
 */
import { describeGitHubError, githubClient, permissionHint, type GitHubClient } from './client.js';

/** A GitHub environment name as Paved accepts it (GitHub's limit is 255 characters). */

/** `sha256:…` of an image reference pinned by digest, else undefined. */
export function digestOf(image: string): string | undefined {
  return /@(sha256:[a-f0-9]{64})$/.exec(image)?.[1];
}

/** Where and as whom deployments are recorded. */
export interface DeploymentTarget {
  token: string;
  /** `owner/name` */
  repository: string;
  /** The GitHub environment, e.g. `staging`. */
  environment: string;
  /** The run's URL (the deployment's log_url). */
  logUrl: string | undefined;
  /** Where the environment answers (environment_url), if known. */
  environmentUrl: string | undefined;
  apiUrl?: string;
}

/** What a deployment carries (its payload), so anyone can tell what was deployed. */
export interface DeploymentPayload {
  image: string;
  digest: string | undefined;
  gitops_commit: string | undefined;
  argocd_app: string;
}

export interface RecordLog {
  info(message: string): void;
  warning(message: string): void;
}

type State = 'in_progress' | 'success' | 'failure' | 'inactive' | 'error';

const SHORT = 140;
function clip(text: string): string {
  return text.length > SHORT ? `${text.slice(0, SHORT - 1)}…` : text;
}

/**
 * One environment's deployment records for one run. Every method warns instead of throwing; after the
 * first failure to reach GitHub the rest are skipped with one note, so a deploy is not slowed by retries.
 */
export class DeploymentRecorder {
  private client: GitHubClient | undefined;
  private broken = false;
  private readonly owner: string;
  private readonly repo: string;

  constructor(
    private readonly target: DeploymentTarget,
    private readonly log: RecordLog,
  ) {
    [this.owner = '', this.repo = ''] = target.repository.split('/');
  }

  private async api(): Promise<GitHubClient> {
    this.client ??= await githubClient(this.target.token, { apiUrl: this.target.apiUrl });
    return this.client;
  }

  private async attempt<T>(what: string, fn: (client: GitHubClient) => Promise<T>): Promise<T | undefined> {
    if (this.broken) return undefined;
    try {
      return await fn(await this.api());
    } catch (error) {
      this.broken = true;
      const { status, message } = describeGitHubError(error);
      this.log.warning(
        `GitHub deployment record not written (${what}): ${message}${permissionHint(status, 'deployments')}. The deploy itself is unaffected; later records of this run are skipped.`,
      );
      return undefined;
    }
  }

  private async setState(id: number, state: State, description: string): Promise<boolean> {
    const done = await this.attempt(`${state} for deployment ${id}`, (client) =>
      client.rest.repos.createDeploymentStatus({
        owner: this.owner,
        repo: this.repo,
        deployment_id: id,
        state,
        description: clip(description),
        environment: this.target.environment,
        ...(this.target.logUrl ? { log_url: this.target.logUrl } : {}),
        ...(this.target.environmentUrl && state !== 'inactive'
          ? { environment_url: this.target.environmentUrl }
          : {}),
        // Paved marks what it replaced itself, the same way for production and other environments.
        auto_inactive: false,
      }),
    );
    return done !== undefined;
  }

  /**
   * Open a deployment of `sha` and set it `in_progress`. `auto_merge: false` (Paved deploys the commit
   * that was built, never a merge) and `required_contexts: []` (the pipeline already gated on its checks).
   */
  async start(sha: string, payload: DeploymentPayload, description: string): Promise<number | undefined> {
    const created = await this.attempt(`create in ${this.target.environment}`, (client) =>
      client.rest.repos.createDeployment({
        owner: this.owner,
        repo: this.repo,
        ref: sha,
        environment: this.target.environment,
        payload: { ...payload },
        description: clip(description),
        auto_merge: false,
        required_contexts: [],
        production_environment: this.target.environment === 'production',
      }),
    );
    // 202 is GitHub's "merged the default branch first" answer, which auto_merge: false rules out.
    const id = created && created.status === 201 ? (created.data as { id: number }).id : undefined;
    if (id === undefined) return undefined;
    await this.setState(id, 'in_progress', description);
    this.log.info(`GitHub deployment ${id} in ${this.target.environment}: in_progress`);
    return id;
  }

  /** The deploy finished: `success` (and the deployment it replaced `inactive`) or `failure`. */
  async finish(id: number, outcome: 'success' | 'failure', description: string): Promise<void> {
    if (!(await this.setState(id, outcome, description))) return;
    this.log.info(`GitHub deployment ${id} in ${this.target.environment}: ${outcome}`);
    if (outcome !== 'success') return;
    for (const previous of await this.earlierSuccessful(id)) {
      if (await this.setState(previous, 'inactive', `replaced by deployment ${id}`))
        this.log.info(`GitHub deployment ${previous} in ${this.target.environment}: inactive (replaced)`);
    }
  }

  /**
   * A rollback: the failed deployment becomes `failure`, and the latest earlier deployment that had
   * succeeded becomes `success` again (it is what runs now). Returns the restored deployment's id.
   */
  async rolledBack(failedId: number, reason: string): Promise<number | undefined> {
    await this.setState(failedId, 'failure', `rolled back: ${reason}`);
    const [restored] = await this.earlierSuccessful(failedId, true);
    if (restored === undefined) return undefined;
    if (await this.setState(restored, 'success', `restored by the rollback of deployment ${failedId}`))
      this.log.info(
        `GitHub deployment ${failedId} in ${this.target.environment}: failure; ${restored}: success again (restored)`,
      );
    return restored;
  }

  /**
   * Deployments of this environment older than `id` whose latest state is success (or, with
   * `everSucceeded`, that succeeded at some point: a replaced one is `inactive` now), newest first.
   */
  private async earlierSuccessful(id: number, everSucceeded = false): Promise<number[]> {
    const found = await this.attempt(`list ${this.target.environment} deployments`, async (client) => {
      const deployments = await client.rest.repos.listDeployments({
        owner: this.owner,
        repo: this.repo,
        environment: this.target.environment,
        per_page: 20,
      });
      const out: number[] = [];
      for (const deployment of deployments.data) {
        if (deployment.id >= id) continue;
        const statuses = await client.rest.repos.listDeploymentStatuses({
          owner: this.owner,
          repo: this.repo,
          deployment_id: deployment.id,
          per_page: 100,
        });
        const states = statuses.data.map((s) => s.state);
        if (everSucceeded ? states.includes('success') : states[0] === 'success') {
          out.push(deployment.id);
          if (everSucceeded) break;
        }
      }
      return out;
    });
    return found ?? [];
  }
}

/** Whether there is enough to record deployments: a token, a repository and an environment. */
export function deploymentTargetFrom(input: {
  token: string | undefined;
  repository: string;
  environment: string | undefined;
  runUrl: string;
  environmentUrl: string | undefined;
  apiUrl: string;
}): DeploymentTarget | undefined {
  if (!input.token || !input.environment || !input.repository.includes('/')) return undefined;
  return {
    token: input.token,
    repository: input.repository,
    environment: input.environment,
    logUrl: input.runUrl || undefined,
    environmentUrl: input.environmentUrl,
    apiUrl: input.apiUrl || undefined,
  };
}

/**
 * After a rollback (health-check or rollback action): the failed deployment `deploymentId` becomes
 * `failure`, the one it replaced `success` again. The environment is read from the deployment itself.
 * Warns, never throws.
 */
export async function recordRollback(options: {
  token: string | undefined;
  deploymentId: number | undefined;
  repository: string;
  runUrl: string;
  apiUrl: string;
  reason: string;
  log: RecordLog;
}): Promise<void> {
  const { token, deploymentId, log } = options;
  if (!token || deploymentId === undefined || !options.repository.includes('/')) return;
  const [owner = '', repo = ''] = options.repository.split('/');
  let environment: string;
  try {
    const client = await githubClient(token, { apiUrl: options.apiUrl || undefined });
    const found = await client.rest.repos.getDeployment({ owner, repo, deployment_id: deploymentId });
    environment = found.data.environment;
  } catch (error) {
    const { status, message } = describeGitHubError(error);
    log.warning(
      `GitHub deployment ${deploymentId} not marked rolled back: ${message}${permissionHint(status, 'deployments')}. The rollback itself is unaffected.`,
    );
    return;
  }
  const recorder = new DeploymentRecorder(
    {
      token,
      repository: options.repository,
      environment,
      logUrl: options.runUrl || undefined,
      environmentUrl: undefined,
      apiUrl: options.apiUrl || undefined,
    },
    log,
  );
  await recorder.rolledBack(deploymentId, options.reason);
}
