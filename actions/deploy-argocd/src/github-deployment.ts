/**
 * deploy-argocd's GitHub deployment record around one deploy: opened (in_progress) once the image is
 * written, with the GitOps commit in its payload, and closed success or failure when the deploy ends.
 * Every step only warns when GitHub does not take it (shared/github/deployments.ts).
 */
import { messageOf } from '../../../shared/errors.js';
import type { GitHubContext } from '../../../shared/github-context.js';
import {
  DeploymentRecorder,
  deploymentTargetFrom,
  digestOf,
  type RecordLog,
} from '../../../shared/github/deployments.js';
import type { Inputs } from './inputs.js';

export interface DeploymentMirror {
  /** Hook for DeployContext.onWritten. */
  onWritten(written: { gitopsCommit: string | undefined }): Promise<void>;
  succeeded(revision: string): Promise<void>;
  failed(error: unknown): Promise<void>;
  /** The recorded deployment, once opened. */
  readonly id: number | undefined;
}

/** A mirror for this deploy, or undefined when there is no environment or token to record with. */
export function deploymentMirror(
  inputs: Inputs,
  github: GitHubContext,
  log: RecordLog,
): DeploymentMirror | undefined {
  const target = deploymentTargetFrom({
    token: inputs.githubToken,
    repository: github.repository,
    environment: inputs.environment,
    runUrl: github.runUrl,
    environmentUrl: inputs.environmentUrl,
    apiUrl: github.apiUrl,
  });
  if (!target || !/^[0-9a-f]{40}$/.test(github.sha)) {
    if (inputs.environment)
      log.info(
        `No GitHub deployment recorded for ${inputs.environment}: ${inputs.githubToken ? 'no commit sha in GITHUB_SHA' : "no 'github-token'"}`,
      );
    return undefined;
  }
  const recorder = new DeploymentRecorder(target, log);
  let id: number | undefined;
  return {
    get id() {
      return id;
    },
    async onWritten({ gitopsCommit }) {
      id = await recorder.start(
        github.sha,
        {
          image: inputs.image,
          digest: digestOf(inputs.image),
          gitops_commit: gitopsCommit,
          argocd_app: inputs.app,
        },
        `${inputs.app}: ${inputs.image.slice(inputs.image.lastIndexOf('/') + 1)}`,
      );
    },
    async succeeded(revision) {
      if (id !== undefined)
        await recorder.finish(id, 'success', `Synced and Healthy at ${revision.slice(0, 12)}`);
    },
    async failed(error) {
      if (id !== undefined) await recorder.finish(id, 'failure', messageOf(error));
    },
  };
}
