/** The content of each file `paved init` writes, as pure functions of the answers. */
import {
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  YAMLSeq,
  type Document,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import { PavedError } from '../../shared/errors.js';
import { SETTINGS_FILE, type SettingKey } from '../settings.js';
import {
  PIPELINE_SECRETS,
  PIPELINE_VAULT_INPUTS,
  PIPELINE_WORKFLOW,
  PLACEHOLDERS,
  TEMPLATES,
  type Placeholder,
  type TemplateName,
} from './contract.js';
import { withHeader } from './header.js';

export const WORKFLOW_FILE = '.github/workflows/paved.yml';
export const DEPENDABOT_FILES = ['.github/dependabot.yml', '.github/dependabot.yaml'];
export const DEPLOY_DOC = 'docs/DEPLOY.md';

/** Everything init knows once the questions are answered. */
export interface Answers {
  org: string;
  template: TemplateName;
  service: string;
  argocdApp: string;
  gitopsRepo: string;
  gitopsPath: string;
  registry: string;
  slackChannel: string;
  /** Release tag the workflow pins, e.g. v0.1.0. */
  versionTag: string;
  defaultBranch: string;
  /** Kept from an existing .github/paved.yml: labels people added for paved lint. */
  runnerLabels: string[];
  /** When set, the pipeline reads its secrets from Vault instead of repository secrets. */
  vault?: { url: string; role: string };
}

function writtenBy(answers: Answers): string {
  return `paved init (Paved ${answers.versionTag}, template ${answers.template})`;
}

/** Replace every `$placeholder` in a template; an unknown leftover is a bug in the template. */
export function fillTemplate(template: string, answers: Answers): string {
  const values: Record<Placeholder, string> = {
    'paved-org': answers.org,
    'paved-version': answers.versionTag,
    'default-branch': answers.defaultBranch,
    'service-name': answers.service,
    registry: answers.registry,
    'argocd-app': answers.argocdApp,
    'gitops-repo': answers.gitopsRepo,
    'gitops-path': answers.gitopsPath,
    'slack-channel': answers.slackChannel,
  };
  // Longest names first so $registry never eats the start of a longer placeholder.
  const names = [...PLACEHOLDERS].sort((a, b) => b.length - a.length);
  return pinOwnRefs(template, answers).replace(
    new RegExp(`\\$(${names.join('|')})(?![A-Za-z0-9_-])`, 'g'),
    (_, name: Placeholder) => values[name],
  );
}

/** Paved's own references, whether still placeholders or already rewritten by the release script. */
const OWN_REF =
  /(?<![\w./$-])(?:\$paved-org|<org>|[A-Za-z0-9][A-Za-z0-9-]*)\/paved\/(actions\/[A-Za-z0-9._-]+|\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml)@(?:\$paved-version|[A-Za-z0-9._-]+)/g;

/** Point every reference to Paved's actions and reusable workflows at the chosen owner and release tag. */
export function pinOwnRefs(text: string, answers: Pick<Answers, 'org' | 'versionTag'>): string {
  return text.replace(OWN_REF, (_all, path: string) => `${answers.org}/paved/${path}@${answers.versionTag}`);
}

export function renderWorkflow(template: string, answers: Answers): string {
  const filled = fillTemplate(template, answers);
  return withHeader(answers.vault ? useVault(filled, answers.vault) : filled, 'yaml', writtenBy(answers));
}

/**
 * Turn a filled template's pipeline call into the Vault variant: `vault-url`/`vault-role` in `with:`,
 * `id-token: write` (the OIDC token Vault's JWT login checks) and no `secrets:`. Edits the parsed
 * document so the template's comments and layout stay.
 */
export function useVault(workflow: string, vault: { url: string; role: string }): string {
  const doc = parseDocument(workflow);
  const jobs = isMap(doc.contents) ? doc.contents.get('jobs') : undefined;
  const calls = isMap(jobs)
    ? jobs.items
        .map((pair) => pair.value as unknown)
        .filter(
          (job): job is YAMLMap => isMap(job) && String(job.get('uses') ?? '').includes(PIPELINE_WORKFLOW),
        )
    : [];
  if (calls.length !== 1)
    throw new PavedError(
      `the template must have exactly one job calling ${PIPELINE_WORKFLOW}; found ${calls.length}`,
    );
  const job = calls[0] as YAMLMap;
  const inputs = job.get('with');
  const permissions = job.get('permissions');
  if (!isMap(inputs) || !isMap(permissions))
    throw new PavedError(
      `the ${PIPELINE_WORKFLOW} call in the template must have with: and permissions: mappings`,
    );
  const [urlInput, roleInput] = PIPELINE_VAULT_INPUTS;
  inputs.set(urlInput.name, quotedScalar(doc, vault.url));
  inputs.set(roleInput.name, quotedScalar(doc, vault.role));
  // The templates already grant it (delivery.yml's deploy jobs ask for it either way, and a called
  // workflow cannot be granted more than its caller has); only say what it is for now.
  const existing = permissions.get('id-token', true) as Scalar | undefined;
  if (existing) existing.comment = " the job's OIDC token, for the Vault login";
  else {
    const idToken = doc.createPair('id-token', 'write');
    (idToken.value as Scalar).comment = " the job's OIDC token, for the Vault login";
    permissions.items.push(idToken as never);
  }
  job.delete('secrets');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function quotedScalar(doc: Document, value: string): Scalar {
  const node = doc.createNode(value) as Scalar;
  node.type = 'QUOTE_SINGLE';
  return node;
}

const DEPENDABOT_ENTRY = {
  'package-ecosystem': 'github-actions',
  directory: '/',
  schedule: { interval: 'weekly' },
};

export function renderDependabot(answers: Answers): string {
  const body = [
    '# Dependabot keeps the actions and reusable workflows this repository uses up to date,',
    `# including the Paved version pinned in ${WORKFLOW_FILE}.`,
    'version: 2',
    'updates:',
    '  - package-ecosystem: github-actions',
    '    directory: /',
    '    schedule:',
    '      interval: weekly',
    '',
  ].join('\n');
  return withHeader(body, 'yaml', writtenBy(answers));
}

/** Whether a Dependabot config already updates GitHub Actions at the repository root. */
function hasActionsUpdates(doc: Document): boolean {
  const updates = isMap(doc.contents) ? doc.contents.get('updates') : undefined;
  if (!isSeq(updates)) return false;
  return updates.items.some((item) => {
    if (!isMap(item) || item.get('package-ecosystem') !== 'github-actions') return false;
    const directory = item.get('directory');
    const directories = item.get('directories');
    const list = isSeq(directories) ? directories.items.map((d) => (isScalar(d) ? String(d.value) : '')) : [];
    return directory === '/' || list.includes('/') || list.includes('/*') || list.includes('**');
  });
}

/**
 * Add a github-actions entry to someone's existing Dependabot config, keeping their comments and
 * entries. Undefined when it already has one. Throws with a readable message when it is not valid.
 */
export function mergeDependabot(existing: string, file: string): string | undefined {
  const doc = parseDocument(existing);
  if (doc.errors.length > 0)
    throw new Error(
      `${file} is not valid YAML (${doc.errors[0]?.message.split('\n')[0]}); fix it, then run paved init again`,
    );
  if (doc.contents !== null && !isMap(doc.contents))
    throw new Error(`${file} must be a mapping with 'version: 2' and 'updates:'`);
  if (hasActionsUpdates(doc)) return undefined;
  if (doc.contents === null) doc.contents = doc.createNode({ version: 2 }) as never;
  const root = doc.contents as unknown as YAMLMap;
  if (!root.has('version')) root.set('version', 2);
  let updates = root.get('updates');
  if (!isSeq(updates)) {
    updates = new YAMLSeq();
    root.set('updates', updates);
  }
  (updates as YAMLSeq).add(doc.createNode(DEPENDABOT_ENTRY));
  return doc.toString();
}

export function renderSettings(answers: Answers): string {
  const values: Array<[SettingKey, string]> = [
    ['org', answers.org],
    ['template', answers.template],
    ['service', answers.service],
    ['argocd-app', answers.argocdApp],
    ['gitops-repo', answers.gitopsRepo],
    ['gitops-path', answers.gitopsPath],
    ['registry', answers.registry],
    ['slack-channel', answers.slackChannel],
    ...(answers.vault
      ? ([
          ['vault-url', answers.vault.url],
          ['vault-role', answers.vault.role],
        ] as Array<[SettingKey, string]>)
      : []),
  ];
  const body = [
    `# Paved settings for this repository. paved init reads them on a re-run (flags override them);`,
    `# paved lint trusts release tags of ${answers.org}/paved because of 'org'. Self-hosted runner`,
    `# labels used in runs-on: go under lint.runner-labels.`,
    ...values.map(([key, value]) => `${key}: ${JSON.stringify(value)}`),
    'lint:',
    `  runner-labels: ${JSON.stringify(answers.runnerLabels)}`,
    '',
  ].join('\n');
  return withHeader(body, 'yaml', writtenBy(answers));
}

function repositorySecretsSection(): string {
  return `## Secrets to set once

In *Settings → Secrets and variables → Actions*:

| secret | what it is |
|---|---|
${PIPELINE_SECRETS.map((s) => `| \`${s.repositorySecret}\` | ${s.description} |`).join('\n')}
`;
}

function vaultSecretsSection(vault: { url: string; role: string }): string {
  return `## Secrets

The pipeline keeps no repository secrets: its deploy job logs in to Vault at ${vault.url} with the job's GitHub
OIDC token (the workflow grants \`id-token: write\`) as the role \`${vault.role}\`, and reads these there:

| secret | what it is |
|---|---|
${PIPELINE_SECRETS.map((s) => `| \`${s.name}\` | ${s.description} |`).join('\n')}

The role must be bound to this repository and to Paved's pipeline workflow (see Paved's docs/vault.md).
`;
}

export function renderDeployDoc(answers: Answers): string {
  const toolchain = TEMPLATES[answers.template].toolchain;
  const build =
    toolchain === 'none'
      ? 'builds the image from the Dockerfile'
      : `builds and tests the ${TEMPLATES[answers.template].label} code`;
  const gitopsRepo = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(answers.gitopsRepo)
    ? `github.com/${answers.gitopsRepo}`
    : answers.gitopsRepo;
  const body = `# Deploying ${answers.service}

This repository deploys with [Paved](https://github.com/${answers.org}/paved) ${answers.versionTag}, through
\`${WORKFLOW_FILE}\`.

## What happens

- **Pull request:** Paved ${build}; failures are annotated on the changed lines.
- **Push to \`${answers.defaultBranch}\`:** the same, then the image \`${answers.registry}/${answers.service}\` is pushed,
  its digest is written to \`${answers.gitopsPath}\` in ${gitopsRepo}, and Argo CD syncs the application
  \`${answers.argocdApp}\`. A health check watches the new version; if it is unhealthy, Paved rolls back to the
  previous version and checks that it recovered. Every outcome, rollback included, is posted to
  Slack ${answers.slackChannel}.

${answers.vault ? vaultSecretsSection(answers.vault) : repositorySecretsSection()}
To require an approval before production deploys, add required reviewers to the environment in
*Settings → Environments*.

## Day to day

- **Roll back by hand:** revert the image bump commit in ${gitopsRepo} (Argo CD syncs it), or
  \`argocd app rollback ${answers.argocdApp}\` when auto-sync is off.
- **Upgrade Paved:** Dependabot opens a pull request that bumps \`${answers.versionTag}\` in the workflow; merge it
  when the checks pass.
- **Run the pipeline locally:** \`npx paved run ${WORKFLOW_FILE}\` (see \`paved run --help\`).
- **Check workflow changes:** \`npx paved lint\` before you push.

## Files paved init manages

\`${WORKFLOW_FILE}\`, \`.github/dependabot.yml\`, \`${SETTINGS_FILE}\` and this file. Running \`paved init\` again
regenerates the ones nobody edited and changes nothing when the answers are the same; an edited file is kept
unless you pass \`--force\`. \`paved init --dry-run\` shows the diff first.
`;
  return withHeader(body, 'markdown', writtenBy(answers));
}
