/** Every input of rollback, read and validated before Argo CD or git is touched. */
import { InputError } from '../../../shared/errors.js';
import { InputReader } from '../../../shared/inputs.js';
import { maskSecret } from '../../../shared/secrets.js';
import type { HealthCheck } from '../../../shared/health/checks.js';
import { checksFromInputs } from '../../../shared/health/inputs.js';
import type { RollbackStrategy } from '../../../shared/rollback/perform.js';
import type { ArgoCdTarget } from '../../../shared/argocd/client.js';

export interface Inputs extends ArgoCdTarget {
  /** The GitHub deployment being rolled back: marked failure, the restored one success again. */
  githubDeploymentId?: number;
  githubToken?: string;
  strategy: RollbackStrategy;
  toHistoryId?: number;
  toRevision?: string;
  revision?: string;
  gitops?: { repo: string; branch: string; token?: string };
  reason: string;
  timeoutMs: number;
  checks: HealthCheck[];
  prometheus?: { url: URL; token?: string };
  intervalMs: number;
  recoveryTimeoutMs: number;
  recoverySuccesses: number;
}

const SHA = /^[0-9a-f]{7,64}$/i;
const SHA_FORM = 'a git commit sha (7 to 64 hex digits)';

export async function getInputs(reader = new InputReader()): Promise<Inputs> {
  const server = reader.url('argocd-server', { required: true });
  const token = reader.secret('argocd-token', maskSecret, { required: true });
  const insecure = reader.boolean('argocd-insecure', { default: false });
  const app = reader.string('app', {
    required: true,
    pattern: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    accepted: 'an Argo CD application name (lower-case letters, digits, - and .)',
  });
  const appNamespace = reader.string('app-namespace');
  const project = reader.string('project');
  const strategy = reader.enum('strategy', ['argocd', 'git-revert'], { default: 'argocd' });
  const toHistoryId = reader.integer('to-history-id', { min: 0 });
  const toRevision = reader.string('to-revision', { pattern: SHA, accepted: SHA_FORM });
  const revision = reader.string('gitops-commit', { pattern: SHA, accepted: SHA_FORM });
  const gitopsRepo = reader.string('gitops-repo');
  const gitopsBranch = reader.string('gitops-branch', { default: 'main' });
  const gitopsToken = reader.secret('gitops-token', maskSecret);
  const reason = reader.string('reason', { default: 'manual rollback' });
  const timeoutMs = reader.duration('timeout', { default: '5m', minMs: 1000 });
  const prometheusUrl = reader.url('prometheus-url');
  const prometheusToken = reader.secret('prometheus-token', maskSecret);
  const checks = checksFromInputs(
    {
      checks: await reader.yamlObject('checks', {
        arrayAllowed: true,
        // Loaded only for a YAML value: the no-input and JSON paths start without it (see yamlObject).
        loadYaml: async () => (await import('yaml')).parse,
      }),
      urls: reader.list('urls'),
      method: 'GET',
      headers: {},
      expectedStatus: '2xx',
      requestTimeoutMs: 10_000,
      insecure: false,
      prometheusUrl,
      prometheusQuery: reader.string('prometheus-query'),
      prometheusCondition: reader.string('prometheus-condition'),
      // Recovery checks wait for successes; these limits do not apply to them (see runRecoveryCheck).
      policy: { failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 0, consecutiveSuccesses: 0 },
    },
    { required: false },
  );
  const intervalMs = reader.duration('interval', { default: '10s', minMs: 100 });
  const recoveryTimeoutMs = reader.duration('recovery-timeout', { default: '3m', minMs: 1 });
  const recoverySuccesses = reader.integer('recovery-successes', { default: 2, min: 1 });

  if (toHistoryId !== undefined && toRevision !== undefined) {
    throw InputError.conflict(
      'to-history-id',
      'to-revision',
      'each names the deployment to go back to; give one (or neither for the previous deployment)',
    );
  }
  if (strategy === 'git-revert' && (toHistoryId !== undefined || toRevision !== undefined)) {
    throw new InputError(
      toHistoryId !== undefined ? 'to-history-id' : 'to-revision',
      `Input '${toHistoryId !== undefined ? 'to-history-id' : 'to-revision'}' only applies to strategy: argocd; git-revert reverts 'gitops-commit' (default: the revision Argo CD has synced now)`,
    );
  }
  if (strategy === 'git-revert' && !gitopsRepo) {
    throw new InputError(
      'gitops-repo',
      "Input 'gitops-repo' is required with strategy: git-revert: it is where the commit is reverted",
    );
  }
  return {
    server,
    token,
    insecure,
    app,
    appNamespace,
    project,
    strategy,
    toHistoryId,
    toRevision,
    revision,
    gitops: gitopsRepo ? { repo: gitopsRepo, branch: gitopsBranch, token: gitopsToken } : undefined,
    reason,
    timeoutMs,
    checks,
    prometheus: prometheusUrl ? { url: prometheusUrl, token: prometheusToken } : undefined,
    intervalMs,
    recoveryTimeoutMs,
    recoverySuccesses,
    githubDeploymentId: reader.integer('github-deployment-id', { min: 1 }),
    githubToken: reader.secret('github-token', maskSecret),
  };
}
