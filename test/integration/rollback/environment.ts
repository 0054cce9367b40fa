/**
 * The whole loop for the rollback end-to-end tests and bench/rollback: a real docker-registry holding
 * sample-service images built by the containerize action (good, bad with 5xx, ...), a GitOps repo behind
 * the token-checking git server, the Argo CD stand-in running those images, and a real Prometheus
 * scraping the app's Service URL. A deploy here is what deploy-argocd does: bump the image in git, push,
 * sync, wait until live; it reports the same numbers (revision, history id, previous history id).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgoCdClient, waitForDeployment, type Application } from '../../../shared/argocd/index.js';
import { GitOpsCheckout, setKustomizeImage } from '../../../shared/gitops/index.js';
import { closeHttpAgents } from '../../../shared/http.js';
import { publishNodeBaseImage } from '../../../sandbox/base-image.js';
import { createBareRepo, startGitServer, type GitServer } from '../../../sandbox/git-server.js';
import { startArgoCdStandIn, type ArgoCdStandIn } from '../../../sandbox/argocd/index.js';
import { requireCommand } from '../../../sandbox/process.js';
import { startPrometheus, type LocalPrometheus } from '../../../sandbox/prometheus.js';
import { startRegistry, type LocalRegistry } from '../../../sandbox/registry.js';
import { makeWorkspace, runContainerize } from '../containerize/harness.js';

/** A sample-service build: its tag, the version it reports and its fault switch. */
export interface Variant {
  tag: string;
  version: string;
  fault: string;
}

export interface Deployed {
  /** The GitOps commit of the bump. */
  revision: string;
  historyId: number;
  previousHistoryId: number | undefined;
}

export interface LoopEnvironment {
  registry: LocalRegistry;
  git: GitServer;
  gitopsUrl: string;
  standIn: ArgoCdStandIn;
  prometheus: LocalPrometheus;
  client: ArgoCdClient;
  imageName: string;
  /** Add an app (auto-sync or not) whose GitOps folder starts at `variant`, and deploy it. */
  addApp(name: string, options: { automated: boolean; initial: Variant }): Promise<Deployed>;
  /** Bump `app` to `variant` in git and wait until it is live (syncing it when auto-sync is off). */
  deploy(name: string, variant: Variant): Promise<Deployed>;
  serviceUrl(name: string): string;
  /** The version the app's Service answers with right now. */
  servedVersion(name: string): Promise<string | undefined>;
  /** Keep requests flowing to `/` so the error rate has something to measure. */
  startTraffic(name: string): { stop(): void };
  stop(): Promise<void>;
}

async function buildVariants(registryHost: string, variants: Variant[]): Promise<void> {
  await publishNodeBaseImage({ registry: registryHost });
  const workspace = makeWorkspace();
  for (const variant of variants) {
    writeFileSync(
      join(workspace.service, 'build-info.json'),
      `${JSON.stringify({ version: variant.version, fault: variant.fault })}\n`,
    );
    // build-info.json is git-ignored on purpose (a build-time switch), so nothing is committed here.
    const run = await runContainerize(workspace, {
      images: `${registryHost}/acme/sample`,
      tags: `type=raw,value=${variant.tag}`,
      builder: 'paved',
      context: 'service',
      'base-image': `${registryHost}/paved/node:20`,
      user: '1000',
      expose: '8080',
      env: 'NODE_ENV=production',
    });
    if (run.code !== 0) throw new Error(`building ${variant.tag} failed:\n${run.stdout}`);
  }
  rmSync(workspace.dir, { recursive: true, force: true });
}

export async function startLoopEnvironment(variants: Variant[]): Promise<LoopEnvironment> {
  requireCommand('skopeo', 'skopeo');
  requireCommand('umoci', 'umoci');
  const registry = await startRegistry();
  const imageName = `${registry.host}/acme/sample`;
  await buildVariants(registry.host, variants);
  const gitRoot = mkdtempSync(join(tmpdir(), 'paved-loop-git-'));
  const git = await startGitServer({ root: gitRoot, token: `git-token-${Date.now()}` });
  const standIn = await startArgoCdStandIn({
    repoCredentials: { [git.url]: git.token },
    // Auto-sync notices a push on refresh (Paved asks for one) or at the next poll.
    timing: { gitPollMs: 1000 },
  });
  const client = new ArgoCdClient({ server: standIn.url, auth: { token: standIn.adminToken }, retry: false });
  const prometheus = await startPrometheus({ targets: [] });
  const targets: { address: string; labels: Record<string, string> }[] = [];
  const gitopsUrl = `${git.url}/gitops.git`;
  let repoCreated = false;

  const waitLive = async (
    name: string,
    revision: string,
    previous: Application,
    requireOperation: boolean,
  ): Promise<Deployed> => {
    const live = await waitForDeployment(
      client,
      name,
      {
        revision,
        requireOperation,
        previousOperationStartedAt: previous.status?.operationState?.startedAt,
        // Argo CD timestamps have one-second precision: two syncs in the same second look alike by
        // startedAt, but each adds a history entry.
        previousHistoryId: Math.max(-1, ...(previous.status?.history ?? []).map((entry) => entry.id)),
      },
      { timeoutMs: 120_000, log: { info: () => undefined }, mode: 'poll', pollIntervalMs: 100 },
    );
    const history = [...(live.status?.history ?? [])].sort((a, b) => b.id - a.id);
    return { revision, historyId: history[0]?.id as number, previousHistoryId: history[1]?.id };
  };

  const env: LoopEnvironment = {
    registry,
    git,
    gitopsUrl,
    standIn,
    prometheus,
    client,
    imageName,
    async addApp(name, options) {
      const files = {
        [`apps/${name}/kustomization.yaml`]: `resources:\n  - deployment.yaml\nimages:\n  - name: ${imageName}\n    newTag: "${options.initial.tag}"\n`,
        [`apps/${name}/deployment.yaml`]: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${imageName}\n`,
      };
      let revision: string;
      if (!repoCreated) {
        await createBareRepo(gitRoot, 'gitops', files);
        repoCreated = true;
      }
      const checkout = await GitOpsCheckout.clone(gitopsUrl, { branch: 'main', auth: { token: git.token } });
      try {
        revision =
          (await checkout.commitAndPush((c) => {
            let changed = false;
            for (const [path, text] of Object.entries(files)) {
              if (c.read(path) !== text) {
                c.write(path, text);
                changed = true;
              }
            }
            return changed;
          }, `add ${name}`)) ?? (await checkout.head());
      } finally {
        checkout.dispose();
      }
      await standIn.addApplication({
        name,
        repoURL: gitopsUrl,
        path: `apps/${name}`,
        targetRevision: 'main',
        automated: options.automated,
        imageName,
      });
      const before = await client.getApplication(name);
      if (!options.automated) await client.sync(name, {});
      const deployed = await waitLive(name, revision, before, !options.automated);
      const url = new URL(env.serviceUrl(name));
      targets.push({ address: url.host, labels: { app: name } });
      await prometheus.setTargets(targets);
      return deployed;
    },
    async deploy(name, variant) {
      const before = await client.getApplication(name);
      const automated = Boolean(before.spec?.syncPolicy?.automated);
      const checkout = await GitOpsCheckout.clone(gitopsUrl, { branch: 'main', auth: { token: git.token } });
      let revision: string;
      try {
        revision = (await checkout.commitAndPush((c) => {
          const path = `apps/${name}/kustomization.yaml`;
          const edited = setKustomizeImage(c.read(path) as string, `${imageName}:${variant.tag}`);
          if (!edited.changed) return false;
          c.write(path, edited.text);
          return true;
        }, `Deploy ${imageName}:${variant.tag} to ${name}`)) as string;
      } finally {
        checkout.dispose();
      }
      await client.getApplication(name, { refresh: 'normal' });
      if (!automated) await client.sync(name, { revision });
      return waitLive(name, revision, before, !automated);
    },
    serviceUrl(name) {
      const url = standIn.serviceUrl(name);
      if (!url) throw new Error(`the stand-in has no Service for ${name}`);
      return url;
    },
    async servedVersion(name) {
      const response = await fetch(`${env.serviceUrl(name)}/healthz`, {
        signal: AbortSignal.timeout(20_000),
      });
      await response.body?.cancel();
      return response.headers.get('x-service-version') ?? undefined;
    },
    startTraffic(name) {
      let stopped = false;
      const loop = async (): Promise<void> => {
        while (!stopped) {
          await fetch(`${env.serviceUrl(name)}/`, { signal: AbortSignal.timeout(2000) })
            .then((r) => r.body?.cancel())
            .catch(() => undefined);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      void loop();
      return { stop: () => void (stopped = true) };
    },
    async stop() {
      await prometheus.stop();
      await standIn.stop();
      await git.stop();
      await registry.stop();
      await closeHttpAgents();
      rmSync(gitRoot, { recursive: true, force: true });
    },
  };
  return env;
}
