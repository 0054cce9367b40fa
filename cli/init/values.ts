/**
 * The values `paved init` needs, how each is validated, and where a default comes from.
 * Every check returns the message for the person typing, with the accepted form.
 */
import type { SettingKey } from '../settings.js';
import { TEMPLATES, isTemplateName } from './contract.js';

export interface ValueSpec {
  key: SettingKey;
  flag: string;
  prompt: string;
  /** Optional values may stay unset; the Vault pair is optional, and both-or-neither. */
  optional?: boolean;
  /** Undefined when valid, else what is wrong and what is accepted. */
  check(value: string): string | undefined;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function quoted(value: string): string {
  return JSON.stringify(value);
}

export function checkServiceName(value: string): string | undefined {
  if (value.length <= 63 && DNS_LABEL.test(value)) return undefined;
  return `invalid service name ${quoted(value)}: use a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), e.g. orders or billing-api`;
}

/** A Vault address the reusable workflow logs in to: http(s), no credentials, query or fragment. */
export function checkVaultUrl(value: string): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const ok =
    url !== undefined &&
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    !url.username &&
    !url.password &&
    !url.search &&
    !url.hash &&
    !/\s/.test(value);
  return ok
    ? undefined
    : `invalid --vault-url ${quoted(value)}: use the http(s) address of Vault without credentials, query or fragment, e.g. https://vault.example.com:8200`;
}

/**
 * A Vault JWT auth role. Vault itself only refuses whitespace and '/', and lower-cases the name; the
 * narrower set here is what shows up unchanged in Vault's CLI, policies and audit log.
 */
export function checkVaultRole(value: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(value)
    ? undefined
    : `invalid --vault-role ${quoted(value)}: use a Vault role name (letters, digits, '.', '_' and '-', at most 128 characters, no spaces or '/'), e.g. paved-deploy`;
}

export const VALUE_SPECS: readonly ValueSpec[] = [
  {
    key: 'service',
    flag: '--service',
    prompt: 'Service name',
    check: checkServiceName,
  },
  {
    key: 'argocd-app',
    flag: '--argocd-app',
    prompt: 'Argo CD application',
    check: (value) =>
      value.length <= 253 && DNS_SUBDOMAIN.test(value)
        ? undefined
        : `invalid Argo CD application ${quoted(value)}: use a Kubernetes resource name (lower-case letters, digits, '-' and '.'), e.g. orders-prod`,
  },
  {
    key: 'gitops-repo',
    flag: '--gitops-repo',
    prompt: 'GitOps repository (owner/repo or git URL)',
    check: (value) =>
      /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(value) ||
      /^(https?|ssh|file):\/\/[^\s'"]+$/.test(value) ||
      /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s'"]+$/.test(value)
        ? undefined
        : `invalid GitOps repository ${quoted(value)}: use owner/repo for GitHub, or a git URL (https://…, ssh://…, git@host:path, file://…)`,
  },
  {
    key: 'gitops-path',
    flag: '--gitops-path',
    prompt: 'Path in the GitOps repository',
    check: (value) =>
      /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(value) &&
      !value.split('/').includes('..') &&
      !value.split('/').includes('.')
        ? undefined
        : `invalid GitOps path ${quoted(value)}: use a relative directory like apps/orders (letters, digits, '.', '_', '-', separated by '/', no '..')`,
  },
  {
    key: 'registry',
    flag: '--registry',
    prompt: 'Container registry (host[:port]/namespace)',
    check: (value) =>
      /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(value)
        ? undefined
        : `invalid registry ${quoted(value)}: use host[:port][/namespace] in lower case without a scheme, e.g. ghcr.io/acme or 127.0.0.1:5000/team`,
  },
  {
    key: 'slack-channel',
    flag: '--slack-channel',
    prompt: 'Slack channel',
    check: (value) =>
      /^#[a-z0-9][a-z0-9_-]{0,79}$/.test(value) || /^[CG][A-Z0-9]{8,}$/.test(value)
        ? undefined
        : `invalid Slack channel ${quoted(value)}: use #name (lower-case letters, digits, '-' and '_') or a channel ID like C0123456789`,
  },
  {
    key: 'org',
    flag: '--paved-org',
    prompt: 'GitHub owner of the Paved repository',
    check: (value) =>
      /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(value)
        ? undefined
        : `invalid --paved-org ${quoted(value)}: use a GitHub user or organization name (letters, digits, single '-'), e.g. acme-platform`,
  },
  {
    key: 'template',
    flag: '--template',
    prompt: 'Template',
    check: (value) =>
      isTemplateName(value)
        ? undefined
        : `unknown template ${quoted(value)}: choose one of ${Object.keys(TEMPLATES).join(', ')}`,
  },
  {
    key: 'vault-url',
    flag: '--vault-url',
    prompt: 'Vault URL for the deploy secrets (empty: repository secrets)',
    optional: true,
    check: checkVaultUrl,
  },
  {
    key: 'vault-role',
    flag: '--vault-role',
    prompt: 'Vault role',
    optional: true,
    check: checkVaultRole,
  },
];

/** Undefined when the Vault values are both set or both unset; else the message naming the missing flag. */
export function checkVaultPair(values: Partial<Record<SettingKey, string>>): string | undefined {
  const url = values['vault-url'];
  const role = values['vault-role'];
  if ((url === undefined) === (role === undefined)) return undefined;
  const [given, missing] =
    url === undefined ? ['--vault-role', '--vault-url'] : ['--vault-url', '--vault-role'];
  return `${given} ${quoted((url ?? role) as string)} needs ${missing} too: pass both (the pipeline reads the Argo CD, GitOps and Slack secrets from Vault) or neither (repository secrets)`;
}

export function specFor(key: SettingKey): ValueSpec {
  const spec = VALUE_SPECS.find((s) => s.key === key);
  if (!spec) throw new Error(`no spec for ${key}`);
  return spec;
}

/** Default suggested on a terminal: derived from the directory and the values given so far. */
export function suggestion(
  key: SettingKey,
  known: Partial<Record<SettingKey, string>>,
  context: { dirName: string; githubOwner: string | undefined },
): string | undefined {
  switch (key) {
    case 'service': {
      const name = context.dirName
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 63);
      return checkServiceName(name) === undefined ? name : undefined;
    }
    case 'argocd-app':
      return known.service;
    case 'gitops-path':
      return known.service ? `apps/${known.service}` : undefined;
    case 'registry':
      return context.githubOwner ? `ghcr.io/${context.githubOwner.toLowerCase()}` : undefined;
    case 'gitops-repo':
      return context.githubOwner ? `${context.githubOwner}/gitops` : undefined;
    default:
      return undefined;
  }
}
