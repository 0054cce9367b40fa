/** deploy-argocd inputs: every input read and validated here, before anything touches git or Argo CD. */
import { InputError, quote } from '../../../shared/errors.js';
import { InputReader } from '../../../shared/inputs.js';
import { ENVIRONMENT_INPUT, SERVICE_INPUT } from '../../../shared/metrics/inputs.js';
import { maskSecret } from '../../../shared/secrets.js';

export interface Inputs {
  readonly server: URL;
  readonly app: string;
  readonly image: string;
  readonly auth: { readonly token: string } | { readonly username: string; readonly password: string };
  readonly insecure: boolean;
  readonly appNamespace: string | undefined;
  readonly project: string | undefined;
  readonly mode: 'gitops' | 'api';
  readonly gitopsRepo: string | undefined;
  readonly gitopsBranch: string | undefined;
  readonly gitopsToken: string | undefined;
  readonly gitopsSshKey: string | undefined;
  readonly path: string | undefined;
  readonly file: string | undefined;
  readonly imageName: string | undefined;
  readonly helmRepositoryKey: string;
  readonly helmTagKey: string;
  readonly commitMessage: string | undefined;
  readonly gitUser: { readonly name: string; readonly email: string };
  readonly sync: boolean;
  readonly prune: boolean;
  readonly refresh: 'normal' | 'hard';
  readonly timeoutMs: number;
  readonly stableForMs: number;
  readonly watch: 'stream' | 'poll';
  readonly pollIntervalMs: number;
  readonly sourceRepository: string | undefined;
  /** GitHub deployment records (shared/github/deployments.ts); recorded only with an environment. */
  readonly environment: string | undefined;
  readonly environmentUrl: string | undefined;
  readonly githubToken: string | undefined;
  /** For the Paved-* trailers that paved metrics reads. */
  readonly service: string;
  readonly sourceTime: string | undefined;
}

/** Kubernetes object names (DNS-1123 subdomain). */
const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** An image with a tag and/or digest; the name part as the OCI distribution spec allows (plus a registry host:port). */
const IMAGE =
  /^(?:[A-Za-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const DOTTED_KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const GIT_URL = /^(https?:\/\/|ssh:\/\/|file:\/\/|git@[^:]+:)/;
const BRANCH = /^(?!\/|.*\/\/|.*\.\.|.*@\{|.*\.lock$|.*\/$)[^\s~^:?*[\\]+$/;

function relativePath(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const clean = value.replace(/^\.\/+/, '').replace(/\/+$/, '');
  if (value.startsWith('/') || clean.split('/').includes('..')) {
    throw InputError.invalid(
      name,
      value,
      'a path inside the GitOps repository, like apps/shop (no leading / and no ..)',
    );
  }
  return clean === '' ? '.' : clean;
}

/**
 * The value of `current` or of its deprecated alias: deploy-argocd once named `argocd-server` and
 * `argocd-token` (as health-check and rollback do) `server` and `token`. action.yml's deprecationMessage
 * makes the runner warn when an alias is used. Both names at once is an error: which was meant is a guess.
 */
function currentOrAlias<T>(
  current: { name: string; value: T | undefined },
  alias: { name: string; value: T | undefined },
): { name: string; value: T | undefined } {
  if (alias.value === undefined) return current;
  if (current.value !== undefined)
    throw InputError.conflict(
      current.name,
      alias.name,
      `'${alias.name}' is the deprecated name of '${current.name}'; keep only '${current.name}'`,
    );
  return alias;
}

export function getInputs(input: InputReader = new InputReader()): Inputs {
  const insecure = input.boolean('insecure', { default: false });
  const example = 'https://argocd.example.com';
  const { name: serverInput, value: server } = currentOrAlias(
    { name: 'argocd-server', value: input.url('argocd-server', { example }) },
    { name: 'server', value: input.url('server', { example }) },
  );
  if (!server) throw InputError.missing('argocd-server');
  if (server.protocol !== 'https:' && !insecure) {
    throw new InputError(
      serverInput,
      `Input '${serverInput}' must be an https URL, because the Argo CD token travels with every request; got ${quote(server.toString())}. Set insecure: true only for a sandbox or a server without TLS.`,
    );
  }
  const app = input.string('app', {
    required: true,
    pattern: K8S_NAME,
    accepted: 'an Argo CD application name (lower-case letters, digits, - and .), like shop-prod',
  });
  const image = input.string('image', {
    required: true,
    pattern: IMAGE,
    accepted:
      'an image reference with a tag or digest, like ghcr.io/acme/shop:1.4.2 or ghcr.io/acme/shop@sha256:<64 hex>',
  });
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  if (!lastSegment.includes(':') && !image.includes('@')) {
    throw InputError.invalid(
      'image',
      image,
      'an image reference with a tag or digest (a bare name would deploy whatever :latest is), like ghcr.io/acme/shop:1.4.2',
    );
  }

  const { name: tokenInput, value: token } = currentOrAlias(
    { name: 'argocd-token', value: input.secret('argocd-token', maskSecret) },
    { name: 'token', value: input.secret('token', maskSecret) },
  );
  const username = input.string('username');
  const password = input.secret('password', maskSecret);
  let auth: Inputs['auth'];
  if (token && (username || password))
    throw InputError.conflict(
      tokenInput,
      username ? 'username' : 'password',
      'give either a token or a username and password',
    );
  if (token) auth = { token };
  else if (username && password) auth = { username, password };
  else if (username)
    throw new InputError(
      'password',
      `Input 'password' is required when 'username' is set (got username ${quote(username)})`,
    );
  else if (password) throw new InputError('username', `Input 'username' is required when 'password' is set`);
  else
    throw new InputError(
      tokenInput,
      `Input '${tokenInput}' is required (or 'username' and 'password'): create one with \`argocd account generate-token\` or \`argocd proj role create-token\``,
    );

  const appNamespace = input.string('app-namespace', {
    pattern: K8S_NAME,
    accepted: 'a Kubernetes namespace name, like argocd-apps',
  });
  const project = input.string('project', {
    pattern: K8S_NAME,
    accepted: 'an Argo CD project name, like default',
  });
  const mode = input.enum('mode', ['gitops', 'api'] as const, { default: 'gitops' });

  const gitopsRepo = input.string('gitops-repo', {
    pattern: GIT_URL,
    accepted: 'a git clone URL starting with https://, ssh://, git@host: or file://',
  });
  const gitopsBranch = input.string('gitops-branch', {
    pattern: BRANCH,
    accepted: 'a git branch name, like main or env/prod',
  });
  const gitopsToken = input.secret('gitops-token', maskSecret);
  const gitopsSshKey = input.secret('gitops-ssh-key', maskSecret);
  if (gitopsToken && gitopsSshKey)
    throw InputError.conflict(
      'gitops-token',
      'gitops-ssh-key',
      'a repository is reached either over https with a token or over ssh with a key',
    );
  if (gitopsSshKey && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(gitopsSshKey)) {
    throw new InputError(
      'gitops-ssh-key',
      "Input 'gitops-ssh-key' must be a private key in OpenSSH/PEM format (starting with -----BEGIN … PRIVATE KEY-----)",
    );
  }
  if (gitopsRepo && gitopsSshKey && /^https?:/.test(gitopsRepo)) {
    throw InputError.conflict(
      'gitops-ssh-key',
      'gitops-repo',
      `an SSH key cannot be used with the https URL ${quote(gitopsRepo)}; use gitops-token or an ssh:// / git@ URL`,
    );
  }
  if (gitopsRepo && gitopsToken && !/^https?:/.test(gitopsRepo)) {
    throw InputError.conflict(
      'gitops-token',
      'gitops-repo',
      `a token is only sent to https URLs; got ${quote(gitopsRepo)}`,
    );
  }
  if (gitopsRepo && /^https?:\/\/[^/]*@/.test(gitopsRepo)) {
    throw InputError.invalid(
      'gitops-repo',
      gitopsRepo.replace(/\/\/[^/]*@/, '//***@'),
      'a URL without credentials; pass the token in gitops-token',
    );
  }
  const path = relativePath('path', input.string('path'));
  const file = relativePath('file', input.string('file'));
  const imageName = input.string('image-name', {
    pattern: /^[^\s:@=]+$/,
    accepted: 'an image name without tag, like ghcr.io/acme/shop',
  });
  const repositoryKey = input.string('helm-repository-key', {
    default: 'image.repository',
    pattern: DOTTED_KEY,
    accepted: 'a dotted key like image.repository, or none',
  });
  const helmRepositoryKey = repositoryKey === 'none' ? '' : repositoryKey;
  const helmTagKey = input.string('helm-tag-key', {
    default: 'image.tag',
    pattern: DOTTED_KEY,
    accepted: 'a dotted key like image.tag',
  });
  const commitMessage = input.string('commit-message');
  if (commitMessage && /[\r\n]/.test(commitMessage))
    throw InputError.invalid('commit-message', commitMessage, 'one line (the body is written by the action)');
  const gitUser = {
    name: input.string('git-user-name', { default: 'github-actions[bot]' }),
    email: input.string('git-user-email', {
      default: '41898282+github-actions[bot]@users.noreply.github.com',
      pattern: /^[^\s<>]+@[^\s<>]+$/,
      accepted: 'an email address',
    }),
  };
  if (mode === 'api') {
    for (const name of [
      'gitops-repo',
      'gitops-branch',
      'gitops-token',
      'gitops-ssh-key',
      'file',
      'commit-message',
    ] as const) {
      const given = {
        'gitops-repo': gitopsRepo,
        'gitops-branch': gitopsBranch,
        'gitops-token': gitopsToken,
        'gitops-ssh-key': gitopsSshKey,
        file,
        'commit-message': commitMessage,
      }[name];
      if (given)
        throw InputError.conflict(
          'mode',
          name,
          `mode 'api' changes the Application through Argo CD and writes nothing to git`,
        );
    }
  }

  const sync = input.boolean('sync', { default: true });
  const prune = input.boolean('prune', { default: false });
  const refresh = input.enum('refresh', ['normal', 'hard'] as const, { default: 'normal' });
  const timeoutMs = input.duration('timeout', { default: '10m', minMs: 1000 });
  const stableForMs = input.duration('stable-for', { default: '0' });
  if (stableForMs >= timeoutMs) {
    throw new InputError(
      'stable-for',
      `Input 'stable-for' must be shorter than 'timeout' (${timeoutMs}ms); got ${stableForMs}ms`,
    );
  }
  const watch = input.enum('watch', ['stream', 'poll'] as const, { default: 'stream' });
  const pollIntervalMs = input.duration('poll-interval', { default: '5s', minMs: 100, maxMs: 300_000 });
  const sourceRepository = input.string('source-repository', {
    pattern: /^[^\s@]+@[0-9a-f]{7,64}$/,
    accepted: 'owner/repo@<commit sha>',
  });
  const environmentUrl = input.url('environment-url', { example: 'https://staging.shop.example.com' });
  const githubToken = input.secret('github-token', maskSecret);

  const service = input.string('service', SERVICE_INPUT);
  const environment = input.string('environment', ENVIRONMENT_INPUT);
  const sourceTime = input.string('source-time', {
    pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/,
    accepted: 'an ISO 8601 time with offset, like 2026-03-01T10:00:00+01:00 (git show -s --format=%cI)',
  });

  return {
    server,
    app,
    image,
    auth,
    insecure,
    appNamespace,
    project,
    mode,
    gitopsRepo,
    gitopsBranch,
    gitopsToken,
    gitopsSshKey,
    path,
    file,
    imageName,
    helmRepositoryKey,
    helmTagKey,
    commitMessage,
    gitUser,
    sync,
    prune,
    refresh,
    timeoutMs,
    stableForMs,
    watch,
    pollIntervalMs,
    sourceRepository,
    environment,
    environmentUrl: environmentUrl?.toString(),
    githubToken,
    service: service ?? app,
    sourceTime,
  };
}
