/**
 * What the starter templates in workflows-templates/ pass to Paved's reusable pipeline workflow,
 * `$paved-org/paved/.github/workflows/pipeline.yml@$paved-version`. The reusable workflow must declare
 * these inputs and secrets; test/unit/init/templates.test.ts checks that every template passes exactly
 * these, so a rename shows up on both sides.
 */

/** The reusable workflow every template calls, relative to the Paved repository. */
export const PIPELINE_WORKFLOW = '.github/workflows/pipeline.yml';

/** `with:` inputs of the pipeline call, in template order. */
export const PIPELINE_INPUTS = [
  { name: 'service', description: 'service name, a DNS-1123 label (orders, billing-api)' },
  { name: 'toolchain', description: 'node | python | go | none (none: the Dockerfile builds and tests)' },
  { name: 'image', description: 'image repository without tag: <registry>/<service>' },
  { name: 'argocd-app', description: 'the Argo CD application to sync' },
  { name: 'gitops-repo', description: 'the GitOps repository: owner/repo on GitHub, or a git URL' },
  {
    name: 'gitops-path',
    description:
      'directory in the GitOps repository holding the manifests (kustomization.yaml or values.yaml)',
  },
  { name: 'slack-channel', description: 'Slack channel name (#deploys) or ID (C0123456789)' },
] as const;

/** `secrets:` of the pipeline call: name in the reusable workflow -> repository secret the template reads. */
export const PIPELINE_SECRETS = [
  {
    name: 'argocd-token',
    repositorySecret: 'ARGOCD_AUTH_TOKEN',
    description: 'Argo CD API token allowed to sync and roll back the application',
  },
  {
    name: 'gitops-token',
    repositorySecret: 'GITOPS_TOKEN',
    description: 'token that can push to the GitOps repository',
  },
  {
    name: 'slack-token',
    repositorySecret: 'SLACK_BOT_TOKEN',
    description: 'Slack bot token (chat:write) for the deploy channel',
  },
] as const;

/** Permissions the calling job grants; the reusable workflow's jobs can use at most these. */
export const CALLER_PERMISSIONS = {
  contents: 'read',
  packages: 'write',
  // GitHub deployment records, the PR test-results comment, the commit status on pushes.
  deployments: 'write',
  'pull-requests': 'write',
  statuses: 'write',
  // delivery.yml's jobs ask for it (the Vault login with the job's OIDC token, when vault-url is set);
  // a called workflow cannot ask for more than its caller grants.
  'id-token': 'write',
} as const;

/**
 * With `paved init --vault-url/--vault-role`, the caller passes these inputs too; the reusable workflow
 * logs in to Vault with the job's OIDC token and reads the secrets above there, so the caller passes no
 * `secrets:` and grants `id-token: write` on top of {@link CALLER_PERMISSIONS}.
 */
export const PIPELINE_VAULT_INPUTS = [
  { name: 'vault-url', description: 'Vault address, e.g. https://vault.example.com:8200' },
  { name: 'vault-role', description: "Vault JWT auth role bound to the pipeline's workflow" },
] as const;

export const VAULT_CALLER_PERMISSIONS = { ...CALLER_PERMISSIONS, 'id-token': 'write' } as const;

/** The starter templates, with the toolchain each passes. */
export const TEMPLATES = {
  'node-service': { toolchain: 'node', label: 'Node.js' },
  'python-service': { toolchain: 'python', label: 'Python' },
  'go-service': { toolchain: 'go', label: 'Go' },
  'docker-generic': { toolchain: 'none', label: 'Dockerfile' },
} as const;
export type TemplateName = keyof typeof TEMPLATES;

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(TEMPLATES, name);
}

/**
 * Placeholders in the templates, replaced by `paved init`. `$paved-org`/`$paved-version` are also what
 * the reusable workflows use for Paved's own references until the release script rewrites them;
 * `$default-branch` is GitHub's own starter-workflow placeholder.
 */
export const PLACEHOLDERS = [
  'paved-org',
  'paved-version',
  'default-branch',
  'service-name',
  'registry',
  'argocd-app',
  'gitops-repo',
  'gitops-path',
  'slack-channel',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
