/** Every input of health-check, read and validated before anything is measured or rolled back. */
import { InputError, quote } from '../../../shared/errors.js';
import { InputReader } from '../../../shared/inputs.js';
import { ENVIRONMENT_INPUT, SERVICE_INPUT } from '../../../shared/metrics/inputs.js';
import { formatDuration } from '../../../shared/duration.js';
import { maskSecret } from '../../../shared/secrets.js';
import type { HealthCheck } from '../../../shared/health/checks.js';
import { checksFromInputs } from '../../../shared/health/inputs.js';
import type { RollbackStrategy } from '../../../shared/rollback/perform.js';
import type { ArgoCdTarget } from '../../../shared/argocd/client.js';

export type ArgoCdInputs = ArgoCdTarget;

export interface Inputs {
  checks: HealthCheck[];
  prometheus?: { url: URL; token?: string };
  durationMs: number;
  intervalMs: number;
  initialDelayMs: number;
  onInconclusive: 'fail' | 'rollback' | 'pass';
  rollback: 'auto' | 'off';
  strategy: RollbackStrategy;
  argocd?: ArgoCdInputs;
  previousHistoryId?: number;
  revision?: string;
  gitops?: { repo: string; branch: string; token?: string };
  rollbackTimeoutMs: number;
  recoveryTimeoutMs: number;
  recoverySuccesses: number;
  failOnRollback: boolean;
  /** deploy-argocd's GitHub deployment: marked failure on a rollback (the restored one success). */
  githubDeploymentId?: number;
  githubToken?: string;
  /** Recording the verdict and the delivery health section (record.ts). */
  deliveryHealth: boolean;
  service: string | undefined;
  environment: string | undefined;
}

const SHA = /^[0-9a-f]{7,64}$/i;

export async function getInputs(reader = new InputReader()): Promise<Inputs> {
  const prometheusUrl = reader.url('prometheus-url');
  const prometheusToken = reader.secret('prometheus-token', maskSecret);
  const policy = {
    failureLimit: reader.integer('failure-limit', { default: 1, min: 0 }),
    inconclusiveLimit: reader.integer('inconclusive-limit', { default: 0, min: 0 }),
    consecutiveErrorLimit: reader.integer('consecutive-error-limit', { default: 4, min: 0 }),
    consecutiveSuccesses: reader.integer('consecutive-successes', { default: 0, min: 0 }),
  };
  const checks = checksFromInputs(
    {
      checks: await reader.yamlObject('checks', {
        arrayAllowed: true,
        // Loaded only for a YAML value: the no-input and JSON paths start without it (see yamlObject).
        loadYaml: async () => (await import('yaml')).parse,
      }),
      urls: reader.list('urls'),
      method: reader.string('method', { default: 'GET' }),
      headers: reader.map('headers'),
      expectedStatus: reader.string('expected-status', { default: '2xx' }),
      bodyContains: reader.string('body-contains', { trim: false }),
      jsonPath: reader.string('json-path'),
      jsonEquals: reader.string('json-equals'),
      maxLatencyMs: reader.duration('max-latency'),
      requestTimeoutMs: reader.duration('request-timeout', { default: '10s', minMs: 100 }),
      insecure: reader.boolean('insecure', { default: false }),
      prometheusUrl,
      prometheusQuery: reader.string('prometheus-query'),
      prometheusCondition: reader.string('prometheus-condition'),
      policy,
    },
    { required: true },
  );
  const durationMs = reader.duration('duration', { default: '5m', minMs: 1 });
  const intervalMs = reader.duration('interval', { default: '30s', minMs: 100 });
  if (intervalMs > durationMs) {
    throw new InputError(
      'interval',
      `Input 'interval' must not be longer than 'duration'; got interval ${quote(formatDuration(intervalMs))} with duration ${quote(formatDuration(durationMs))}`,
    );
  }
  const initialDelayMs = reader.duration('initial-delay', { default: '0' });
  const onInconclusive = reader.enum('on-inconclusive', ['fail', 'rollback', 'pass'], { default: 'fail' });
  const rollback = reader.enum('rollback', ['auto', 'off'], { default: 'auto' });
  const strategy = reader.enum('rollback-strategy', ['argocd', 'git-revert'], { default: 'argocd' });
  const server = reader.url('argocd-server');
  const token = reader.secret('argocd-token', maskSecret);
  const argocdInsecure = reader.boolean('argocd-insecure', { default: false });
  const app = reader.string('app', {
    pattern: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    accepted: 'an Argo CD application name (lower-case letters, digits, - and .)',
  });
  const appNamespace = reader.string('app-namespace');
  const project = reader.string('project');
  const previousHistoryId = reader.integer('previous-history-id', { min: 0 });
  const revision = reader.string('gitops-commit', {
    pattern: SHA,
    accepted: 'a git commit sha (7 to 64 hex digits)',
  });
  const gitopsRepo = reader.string('gitops-repo');
  const gitopsBranch = reader.string('gitops-branch', { default: 'main' });
  const gitopsToken = reader.secret('gitops-token', maskSecret);
  const rollbackTimeoutMs = reader.duration('rollback-timeout', { default: '5m', minMs: 1000 });
  const recoveryTimeoutMs = reader.duration('recovery-timeout', { default: '3m', minMs: 1 });
  const recoverySuccesses = reader.integer('recovery-successes', { default: 2, min: 1 });
  const failOnRollback = reader.boolean('fail-on-rollback', { default: true });
  const deliveryHealth = reader.boolean('delivery-health', { default: true });
  const service = reader.string('service', SERVICE_INPUT);
  const environment = reader.string('environment', ENVIRONMENT_INPUT);

  let argocd: ArgoCdInputs | undefined;
  if (rollback === 'auto') {
    const why = "rollback is 'auto' (set rollback: off to only report)";
    if (!server) throw new InputError('argocd-server', `Input 'argocd-server' is required because ${why}`);
    if (!token) throw new InputError('argocd-token', `Input 'argocd-token' is required because ${why}`);
    if (!app) throw new InputError('app', `Input 'app' is required because ${why}`);
    argocd = { server, token, insecure: argocdInsecure, app, appNamespace, project };
    if (strategy === 'argocd' && previousHistoryId === undefined) {
      throw new InputError(
        'previous-history-id',
        "Input 'previous-history-id' is required with rollback: auto and rollback-strategy: argocd; pass deploy-argocd's output, e.g. previous-history-id: ${{ steps.deploy.outputs.previous-history-id }} (or use rollback-strategy: git-revert)",
      );
    }
    if (strategy === 'git-revert' && (!gitopsRepo || !revision)) {
      throw new InputError(
        gitopsRepo ? 'gitops-commit' : 'gitops-repo',
        `Input '${gitopsRepo ? 'gitops-commit' : 'gitops-repo'}' is required with rollback-strategy: git-revert: git-revert reverts 'gitops-commit' (deploy-argocd's gitops-commit output) in 'gitops-repo'`,
      );
    }
  }
  return {
    checks,
    prometheus: prometheusUrl ? { url: prometheusUrl, token: prometheusToken } : undefined,
    durationMs,
    intervalMs,
    initialDelayMs,
    onInconclusive,
    rollback,
    strategy,
    argocd,
    previousHistoryId,
    revision,
    gitops: gitopsRepo ? { repo: gitopsRepo, branch: gitopsBranch, token: gitopsToken } : undefined,
    rollbackTimeoutMs,
    recoveryTimeoutMs,
    recoverySuccesses,
    failOnRollback,
    githubDeploymentId: reader.integer('github-deployment-id', { min: 1 }),
    githubToken: reader.secret('github-token', maskSecret),
    deliveryHealth,
    service: service ?? app,
    environment,
  };
}
