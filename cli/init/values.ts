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
];

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
