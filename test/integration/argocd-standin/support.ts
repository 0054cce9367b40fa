/**
 * Test environment for the Argo CD stand-in and deploy-argocd: a real docker-registry, demo images built
 * with buildah, a GitOps bare repo behind the token-checking git server, and the stand-in reading it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireCommand } from '../../../sandbox/process.js';
import { startRegistry, type LocalRegistry } from '../../../sandbox/registry.js';
import { createBareRepo, startGitServer, type GitServer } from '../../../sandbox/git-server.js';
import { demoImageBuilder, type DemoImageBuilder } from '../../../sandbox/argocd/demo-image.js';
import {
  startArgoCdStandIn,
  type ArgoCdStandIn,
  type StandInOptions,
  type ApplicationDefinition,
} from '../../../sandbox/argocd/index.js';
import { ArgoCdClient, OPERATION_NONCE_INFO, waitForDeployment } from '../../../shared/argocd/index.js';

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const CACHE_DIR = join(REPO_ROOT, '.cache', 'argocd-standin');

export type TestRegistry = LocalRegistry;

/** The real docker-registry (sandbox/registry.ts), plus the tools the stand-in pulls with. */
export async function startTestRegistry(): Promise<TestRegistry> {
  requireCommand('skopeo', 'skopeo');
  requireCommand('umoci', 'umoci');
  return startRegistry();
}

/** A kustomize app directory whose image is `image`. */
export function kustomizeApp(image: string, name = 'demo'): Record<string, string> {
  const [repo, tag] = [image.slice(0, image.lastIndexOf(':')), image.slice(image.lastIndexOf(':') + 1)];
  return {
    'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
# bumped by CI
images:
  - name: ${repo} # the service
    newTag: "${tag}"
`,
    'deployment.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${repo}\n`,
  };
}

/** A Helm-values app directory whose image is `image`. */
export function helmApp(image: string): Record<string, string> {
  const [repo, tag] = [image.slice(0, image.lastIndexOf(':')), image.slice(image.lastIndexOf(':') + 1)];
  return {
    'Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
    'values.yaml': `# Default values for demo.\nreplicaCount: 1\nimage:\n  repository: ${repo} # where CI pushes\n  tag: "${tag}"\n  pullPolicy: IfNotPresent\n`,
  };
}

export function under(prefix: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([path, text]) => [`${prefix}/${path}`, text]));
}

/** Add `names` as manual-sync apps at `apps/<name>` and deploy what the repo says, waiting until Healthy. */
export async function deployInitially(
  env: DeployEnvironment,
  names: string[],
  definition: Partial<ApplicationDefinition> = {},
): Promise<void> {
  const client = new ArgoCdClient({
    server: env.standIn.url,
    auth: { token: env.standIn.adminToken },
    insecure: true,
  });
  await Promise.all(
    names.map(async (name) => {
      await env.standIn.addApplication({
        name,
        repoURL: env.gitopsUrl,
        path: `apps/${name}`,
        targetRevision: 'main',
        ...definition,
      });
      const app = await client.getApplication(name);
      const revision = app.status?.sync?.revision as string;
      const quiet = { info: () => undefined };
      if (definition.automated) {
        // Auto-sync deploys it by itself.
        await waitForDeployment(
          client,
          name,
          { revision, requireOperation: false },
          { timeoutMs: 60_000, log: quiet },
        );
        return;
      }
      await client.sync(name, {
        revision,
        infos: [{ name: OPERATION_NONCE_INFO, value: `initial-${name}` }],
      });
      await waitForDeployment(
        client,
        name,
        { revision, requireOperation: true, operationNonce: `initial-${name}` },
        { timeoutMs: 60_000, log: quiet },
      );
    }),
  );
}

export interface DeployEnvironment {
  registry: TestRegistry;
  images: DemoImageBuilder;
  git: GitServer;
  gitRoot: string;
  gitopsBare: string;
  /** http URL of the GitOps repo on the git server. */
  gitopsUrl: string;
  standIn: ArgoCdStandIn;
  stop(): Promise<void>;
}

/**
 * Registry + images + git server with one GitOps repo (`files`) + the stand-in (which reads the repo with
 * the git server's token).
 */
export async function startDeployEnvironment(
  files: Record<string, string> | ((registry: string) => Record<string, string>),
  standInOptions: StandInOptions = {},
): Promise<DeployEnvironment> {
  // Whatever started is stopped again when a later step fails, so a broken setup leaves nothing running.
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const registry = await startTestRegistry();
    cleanups.push(() => registry.stop());
    const images = await demoImageBuilder(registry.host, CACHE_DIR);
    cleanups.push(() => images.dispose());
    const gitRoot = mkdtempSync(join(tmpdir(), 'paved-gitops-root-'));
    cleanups.push(() => rmSync(gitRoot, { recursive: true, force: true }));
    const gitopsBare = await createBareRepo(
      gitRoot,
      'gitops',
      typeof files === 'function' ? files(registry.host) : files,
    );
    const git = await startGitServer({ root: gitRoot, token: `git-token-${Date.now()}` });
    cleanups.push(() => git.stop());
    const gitopsUrl = `${git.url}/gitops.git`;
    const standIn = await startArgoCdStandIn({
      repoCredentials: { [git.url]: git.token },
      recordExchanges: true,
      ...standInOptions,
    });
    cleanups.push(() => standIn.stop());
    return { registry, images, git, gitRoot, gitopsBare, gitopsUrl, standIn, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
