/**
 * After a rollback (health-check's automatic one or the rollback action's), mirror it in GitHub's
 * deployment records: the failed deployment becomes `failure`, the one it replaced `success` again.
 * The GitOps record is the source of truth, so this only warns when GitHub refuses or cannot be reached.
 * Octokit is imported only when there is something to record, to keep the actions' start-up cheap.
 */
import { info, warning } from '../log.js';

export async function recordRollbackInGitHub(
  inputs: { githubDeploymentId?: number | undefined; githubToken?: string | undefined },
  reason: string,
): Promise<void> {
  if (inputs.githubDeploymentId === undefined || !inputs.githubToken) return;
  const { recordRollback } = await import('./deployments.js');
  const { getGitHubContext } = await import('../github-context.js');
  const github = getGitHubContext();
  await recordRollback({
    token: inputs.githubToken,
    deploymentId: inputs.githubDeploymentId,
    repository: github.repository,
    runUrl: github.runUrl,
    apiUrl: github.apiUrl,
    reason,
    log: { info, warning },
  });
}
