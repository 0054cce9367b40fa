/**
 * The sandbox stack that `paved sandbox up` (through `paved sandbox serve`) and `paved demo` start: a real
 * registry with the Node base image published, a token-checking git server holding a seeded GitOps repo,
 * the Argo CD stand-in with the sample service's two applications (staging and production, each with a
 * Service URL that exists from the start), a real Prometheus scraping both Services, the Slack stand-in,
 * the Actions cache service, an OIDC issuer, Vault and the GitHub API stand-in.
 *
 * Every service hands `paved run --sandbox` its environment (RunningService.env): names ending in
 * TOKEN are secrets, the rest are variables (see cli/sandbox-env.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startCacheService } from './actions-cache/service.js';
import { startOidcIssuer } from '../shared/oidc/issuer.js';
import { startArgoCdStandIn } from './argocd/index.js';
import { publishNodeBaseImage } from './base-image.js';
import { createBareRepo, startGitServer } from './git-server.js';
import { requireCommand } from './process.js';
import { startPrometheus } from './prometheus.js';
import { startRegistry } from './registry.js';
import { githubService } from './github/service.js';
import { slackService } from './slack/service.js';
import { startVaultStandIn } from './vault/server.js';
import type { RunningService, ServiceDefinition, StackContext } from './stack.js';

/** The service the sandbox deploys, and the image repository its manifests name. */
export const SANDBOX_SERVICE = 'sample-service';
export const SANDBOX_IMAGE_REPOSITORY = 'acme/sample-service';
/** The environments the sandbox's Argo CD serves the service in, in promotion order. */
export const SANDBOX_ENVIRONMENTS = ['staging', 'production'] as const;
export type SandboxEnvironment = (typeof SANDBOX_ENVIRONMENTS)[number];
/** One Argo CD application per environment, named as pipeline.yml derives them: <service>-<env>. */
export function sandboxApp(environment: SandboxEnvironment): string {
  return `${SANDBOX_SERVICE}-${environment}`;
}
/** The GitOps layout pipeline.yml's docs recommend: apps/<service>/<env>. */
export function sandboxGitopsPath(environment: SandboxEnvironment): string {
  return `apps/${SANDBOX_SERVICE}/${environment}`;
}
/** What a single-environment pipeline deploys (the PAVED_ARGOCD_APP variable): staging. */
export const SANDBOX_APP = sandboxApp('staging');
/** The Slack channel the sandbox's pipelines post to. */
export const SANDBOX_SLACK_CHANNEL = 'deploys';

function started(context: StackContext, name: string): RunningService {
  const service = context.started.get(name);
  if (!service) throw new Error(`the '${name}' service has not started`);
  return service;
}

function detail(service: RunningService, key: string): string {
  const value = service.details?.[key];
  if (value === undefined) throw new Error(`the '${service.name}' service does not record '${key}'`);
  return value;
}

const registry: ServiceDefinition = {
  name: 'registry',
  description: 'OCI registry (docker-registry) with the Node base image',
  async start(context) {
    const local = await startRegistry();
    try {
      // Pipelines here cannot reach Docker Hub: the base image is this machine's own Node runtime.
      const base = await publishNodeBaseImage({ registry: local.host });
      const baseImage = `${local.host}/paved/node:${base.tags[1] ?? base.tags[0]}`;
      context.log(`  published ${baseImage} (${base.indexDigest.slice(0, 19)}…)`);
      return {
        name: 'registry',
        url: local.url,
        details: {
          host: local.host,
          'base-image': baseImage,
          image: `${local.host}/${SANDBOX_IMAGE_REPOSITORY}`,
        },
        env: {
          PAVED_REGISTRY: local.host,
          PAVED_BASE_IMAGE: baseImage,
          PAVED_IMAGE: `${local.host}/${SANDBOX_IMAGE_REPOSITORY}`,
        },
        stop: () => local.stop(),
      };
    } catch (error) {
      await local.stop();
      throw error;
    }
  },
};

/**
 * The GitOps folders of the sandbox apps, one per environment: a kustomization naming the image, and
 * its Deployment.
 */
export function gitopsFiles(image: string): Record<string, string> {
  const files: Record<string, string> = {
    'README.md': `# GitOps repository of the Paved sandbox\n\n${SANDBOX_ENVIRONMENTS.map((env) => `\`${sandboxGitopsPath(env)}\` is what the Argo CD stand-in's application \`${sandboxApp(env)}\` renders`).join('; ')}. deploy-argocd bumps the image in each kustomization.\n`,
  };
  for (const env of SANDBOX_ENVIRONMENTS) {
    const path = sandboxGitopsPath(env);
    files[`${path}/kustomization.yaml`] =
      `resources:\n  - deployment.yaml\nimages:\n  - name: ${image}\n    newTag: "not-deployed-yet"\n`;
    files[`${path}/deployment.yaml`] =
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${SANDBOX_SERVICE}\n  labels:\n    environment: ${env}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n          ports:\n            - containerPort: 8080\n          readinessProbe:\n            httpGet:\n              path: /healthz\n              port: 8080\n`;
  }
  return files;
}

const git: ServiceDefinition = {
  name: 'git',
  description: 'git server (smart HTTP, token auth) with the GitOps repository',
  needs: ['registry'],
  async start(context) {
    const root = join(context.dir, 'git');
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    const token = `gitops-${randomBytes(16).toString('hex')}`;
    await createBareRepo(root, 'gitops', gitopsFiles(detail(started(context, 'registry'), 'image')), {
      message: `Add ${SANDBOX_SERVICE} (${SANDBOX_ENVIRONMENTS.join(', ')})`,
    });
    const server = await startGitServer({ root, token });
    const repo = `${server.url}/gitops.git`;
    return {
      name: 'git',
      url: server.url,
      details: {
        'gitops-repo': repo,
        'gitops-path': sandboxGitopsPath('staging'),
        ...Object.fromEntries(
          SANDBOX_ENVIRONMENTS.map((env) => [`${env}-gitops-path`, sandboxGitopsPath(env)]),
        ),
        token,
      },
      env: {
        PAVED_GITOPS_REPO: repo,
        PAVED_GITOPS_PATH: sandboxGitopsPath('staging'),
        PAVED_STAGING_GITOPS_PATH: sandboxGitopsPath('staging'),
        PAVED_PRODUCTION_GITOPS_PATH: sandboxGitopsPath('production'),
        PAVED_GITOPS_TOKEN: token,
      },
      stop: async () => {
        await server.stop();
        rmSync(root, { recursive: true, force: true });
      },
    };
  },
};

const argocd: ServiceDefinition = {
  name: 'argocd',
  description: `Argo CD stand-in with the applications ${SANDBOX_ENVIRONMENTS.map((env) => `'${sandboxApp(env)}'`).join(' and ')}`,
  needs: ['git', 'registry'],
  async start(context) {
    requireCommand('skopeo', 'skopeo');
    requireCommand('umoci', 'umoci');
    const gitService = started(context, 'git');
    const workDir = mkdtempSync(join(context.dir, 'argocd-'));
    const standIn = await startArgoCdStandIn({
      workDir,
      repoCredentials: { [gitService.url]: detail(gitService, 'token') },
      // A push is noticed at the next poll even when nobody asks for a refresh.
      timing: { gitPollMs: 1000, progressDeadlineMs: 45_000 },
    });
    try {
      const urls: Record<string, string> = {};
      for (const env of SANDBOX_ENVIRONMENTS) {
        await standIn.addApplication({
          name: sandboxApp(env),
          repoURL: detail(gitService, 'gitops-repo'),
          path: detail(gitService, `${env}-gitops-path`),
          targetRevision: 'main',
          automated: false,
          imageName: detail(started(context, 'registry'), 'image'),
          readinessPath: '/healthz',
        });
        const workload = standIn.controller.find(sandboxApp(env))?.workload;
        if (!workload) throw new Error(`the stand-in did not keep the application '${sandboxApp(env)}'`);
        urls[env] = await workload.expose();
      }
      const staging = urls['staging'] as string;
      const production = urls['production'] as string;
      return {
        name: 'argocd',
        url: standIn.url,
        details: {
          token: standIn.adminToken,
          app: SANDBOX_APP,
          'service-url': staging,
          'staging-app': sandboxApp('staging'),
          'staging-url': staging,
          'production-app': sandboxApp('production'),
          'production-url': production,
        },
        env: {
          PAVED_ARGOCD_SERVER: standIn.url,
          PAVED_ARGOCD_TOKEN: standIn.adminToken,
          // A single-environment pipeline deploys to staging.
          PAVED_ARGOCD_APP: SANDBOX_APP,
          PAVED_SERVICE_URL: staging,
          PAVED_STAGING_ARGOCD_APP: sandboxApp('staging'),
          PAVED_STAGING_URL: staging,
          PAVED_PRODUCTION_ARGOCD_APP: sandboxApp('production'),
          PAVED_PRODUCTION_URL: production,
        },
        stop: async () => {
          await standIn.stop();
          rmSync(workDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      await standIn.stop();
      rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
  },
};

const prometheus: ServiceDefinition = {
  name: 'prometheus',
  description: `Prometheus scraping the '${SANDBOX_SERVICE}' Services (label environment)`,
  needs: ['argocd'],
  async start(context) {
    const argocdService = started(context, 'argocd');
    // Every environment's Service under one app label, told apart by `environment`, so one query
    // shape serves both: rate(...{app="sample-service",environment="staging"}[…]).
    const targets = SANDBOX_ENVIRONMENTS.map((env) => ({
      address: new URL(detail(argocdService, `${env}-url`)).host,
      labels: { app: SANDBOX_SERVICE, environment: env },
    }));
    const local = await startPrometheus({ targets });
    return {
      name: 'prometheus',
      url: local.url,
      details: {
        scrapes: targets
          .map((t) => `${t.address} (app="${t.labels.app}", environment="${t.labels.environment}")`)
          .join(', '),
      },
      env: { PAVED_PROMETHEUS_URL: local.url },
      stop: () => local.stop(),
    };
  },
};

const actionsCache: ServiceDefinition = {
  name: 'actions-cache',
  description: "GitHub's Actions cache service (v2) from a local directory",
  async start(context) {
    const dir = join(context.dir, 'actions-cache');
    const service = await startCacheService({ dir });
    return {
      name: 'actions-cache',
      url: service.url,
      details: { dir },
      env: service.env,
      stop: () => service.stop(),
    };
  },
};

/** The Vault role and KV path of the sandbox's deploy credentials. */
export const SANDBOX_VAULT_ROLE = 'paved-deploy';
export const SANDBOX_VAULT_SECRET = 'secret/data/paved/deploy';
/** The glob the sandbox's Vault role binds `job_workflow_ref` to: Paved's reusable workflows. */
export const SANDBOX_VAULT_WORKFLOWS = '*/paved/.github/workflows/*';

/**
 * A long-lived OIDC issuer shaped like GitHub's: `paved run --sandbox` registers each job that has
 * `id-token: write` with it (admin API), and the Vault stand-in trusts it. The admin token stays in the
 * state file and `status` (like the other stand-ins' tokens), never in a pipeline's environment: with it
 * anyone could mint tokens for any workflow.
 */
const oidc: ServiceDefinition = {
  name: 'oidc',
  description: "OIDC issuer shaped like GitHub Actions' (ID tokens for jobs with id-token: write)",
  async start() {
    const issuer = await startOidcIssuer();
    return {
      name: 'oidc',
      url: issuer.url,
      details: { issuer: issuer.issuer, 'admin-token': issuer.adminToken },
      env: { PAVED_OIDC_ISSUER: issuer.issuer },
      stop: () => issuer.close(),
    };
  },
};

/**
 * The Vault stand-in with a KV v2 mount `secret` holding the sandbox's deploy credentials, and a JWT
 * role bound to the sandbox's issuer and to Paved's reusable workflows (job_workflow_ref), as
 * docs/vault.md tells a platform team to write it.
 */
const vault: ServiceDefinition = {
  name: 'vault',
  description: `Vault stand-in: KV v2 'secret', JWT role '${SANDBOX_VAULT_ROLE}' trusting the sandbox's OIDC issuer`,
  needs: ['oidc', 'git', 'argocd', 'slack'],
  async start(context) {
    const issuer = detail(started(context, 'oidc'), 'issuer');
    const standIn = await startVaultStandIn();
    standIn.enableKv('secret', 2);
    standIn.writeSecret('secret', SANDBOX_VAULT_SECRET.replace('secret/data/', ''), {
      'argocd-token': detail(started(context, 'argocd'), 'token'),
      'gitops-token': detail(started(context, 'git'), 'token'),
      'slack-token': started(context, 'slack').env?.['SLACK_BOT_TOKEN'] ?? '',
    });
    standIn.writePolicy(SANDBOX_VAULT_ROLE, [{ path: 'secret/data/paved/*', capabilities: ['read'] }]);
    standIn.enableJwt('jwt', { oidc_discovery_url: issuer, bound_issuer: issuer });
    standIn.writeJwtRole('jwt', SANDBOX_VAULT_ROLE, {
      role_type: 'jwt',
      user_claim: 'repository',
      bound_audiences: [standIn.url],
      bound_claims_type: 'glob',
      // Any repository's run, but only inside a reusable workflow of a repository named paved (any
      // owner, any ref: the sandbox serves whatever checkout of Paved a team points it at).
      bound_claims: { job_workflow_ref: SANDBOX_VAULT_WORKFLOWS },
      token_policies: [SANDBOX_VAULT_ROLE],
      token_ttl: '15m',
    });
    return {
      name: 'vault',
      url: standIn.url,
      details: {
        role: SANDBOX_VAULT_ROLE,
        audience: standIn.url,
        secrets: SANDBOX_VAULT_SECRET,
        'root-token': standIn.rootToken,
      },
      env: {
        PAVED_VAULT_URL: standIn.url,
        PAVED_VAULT_ROLE: SANDBOX_VAULT_ROLE,
        PAVED_VAULT_SECRET_PATH: SANDBOX_VAULT_SECRET,
      },
      stop: () => standIn.close(),
    };
  },
};

/** Every service of the sandbox, for sandbox/stack.ts's startStack. */
export function sandboxServices(): ServiceDefinition[] {
  const slack = slackService({ channels: ['general', SANDBOX_SLACK_CHANNEL] });
  return [
    registry,
    git,
    argocd,
    prometheus,
    {
      ...slack,
      async start(context) {
        const service = await slack.start(context);
        return { ...service, env: { ...service.env, PAVED_SLACK_CHANNEL: SANDBOX_SLACK_CHANNEL } };
      },
    },
    actionsCache,
    oidc,
    vault,
    githubService(),
  ];
}
