/**
 * `.github/paved.yml`: the answers `paved init` was given (so a re-run needs no flags), the two
 * facts `paved lint` needs about a repository — which GitHub owner publishes the Paved release it
 * trusts, and which self-hosted runner labels exist — and, for `paved run`, the deployment
 * environments (protection, url, vars, secrets) and the repository's default token permissions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { EnvironmentSettings } from '../engine/types.js';
import { parse } from 'yaml';
import { PavedError, messageOf } from '../shared/errors.js';

export const SETTINGS_FILE = '.github/paved.yml';

/**
 * The owner placeholder in Paved's own templates and reusable workflows (`$paved-org/paved/...@$paved-version`).
 * `paved init` and the release script replace it with the real owner.
 */
export const ORG_PLACEHOLDER = '$paved-org';
export const VERSION_PLACEHOLDER = '$paved-version';

/** The keys `paved init` records; each is also a `--<key>` flag. */
export const SETTING_KEYS = [
  'org',
  'template',
  'service',
  'argocd-app',
  'gitops-repo',
  'gitops-path',
  'registry',
  'slack-channel',
  // Optional, and only together: the pipeline reads its Argo CD, GitOps and Slack secrets from Vault.
  'vault-url',
  'vault-role',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export interface PavedSettings {
  values: Partial<Record<SettingKey, string>>;
  /** Self-hosted runner labels `paved lint` accepts in `runs-on:`. */
  runnerLabels: string[];
  /** `environments:` for `paved run`; secret values are still references (see {@link resolveEnvironments}). */
  environments?: Record<string, EnvironmentSource>;
  /** `default-permissions:` — the GITHUB_TOKEN's permissions when a workflow declares none. */
  defaultPermissions?: 'permissive' | 'restricted';
}

/** Where an environment secret's value comes from: written inline, an environment variable, or a file. */
export type SecretSource = { value: string } | { env: string } | { file: string };

/** One `environments.<name>` entry as written in the settings file. */
export interface EnvironmentSource {
  protected: boolean;
  reviewers: string[];
  url?: string;
  vars: Record<string, string>;
  secrets: Record<string, SecretSource>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function stringMap(file: string, where: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new PavedError(`${file}: '${where}' must be a mapping of NAME: value`);
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (!NAME.test(key))
      throw new PavedError(`${file}: '${where}.${key}' is not a valid name (letters, digits, _)`);
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean')
      throw new PavedError(`${file}: '${where}.${key}' must be a string`);
    out[key] = String(item);
  }
  return out;
}

function secretSources(file: string, where: string, value: unknown): Record<string, SecretSource> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new PavedError(
      `${file}: '${where}' must be a mapping of NAME: value, NAME: { env: VAR } or NAME: { file: PATH }`,
    );
  const out: Record<string, SecretSource> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (!NAME.test(key))
      throw new PavedError(`${file}: '${where}.${key}' is not a valid secret name (letters, digits, _)`);
    if (typeof item === 'string' || typeof item === 'number') out[key] = { value: String(item) };
    else if (item && typeof item === 'object' && !Array.isArray(item)) {
      const ref = item as Record<string, unknown>;
      if (typeof ref['env'] === 'string' && Object.keys(ref).length === 1) out[key] = { env: ref['env'] };
      else if (typeof ref['file'] === 'string' && Object.keys(ref).length === 1)
        out[key] = { file: ref['file'] };
      else throw new PavedError(`${file}: '${where}.${key}' must be a value, { env: VAR } or { file: PATH }`);
    } else throw new PavedError(`${file}: '${where}.${key}' must be a value, { env: VAR } or { file: PATH }`);
  }
  return out;
}

function environmentSources(file: string, value: unknown): Record<string, EnvironmentSource> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new PavedError(
      `${file}: 'environments' must be a mapping of environment names, like 'production: { protected: true }'`,
    );
  const out: Record<string, EnvironmentSource> = {};
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    const where = `environments.${name}`;
    const entry = (raw ?? {}) as Record<string, unknown>;
    if (typeof entry !== 'object' || Array.isArray(entry))
      throw new PavedError(
        `${file}: '${where}' must be a mapping (protected, reviewers, url, vars, secrets)`,
      );
    for (const key of Object.keys(entry))
      if (!['protected', 'reviewers', 'url', 'vars', 'secrets'].includes(key))
        throw new PavedError(
          `${file}: '${where}.${key}' is not a setting; use protected, reviewers, url, vars or secrets`,
        );
    const prot = entry['protected'];
    if (prot !== undefined && typeof prot !== 'boolean')
      throw new PavedError(
        `${file}: '${where}.protected' must be true or false; got ${JSON.stringify(prot)}`,
      );
    const reviewers = entry['reviewers'];
    if (
      reviewers !== undefined &&
      (!Array.isArray(reviewers) || reviewers.some((r) => typeof r !== 'string'))
    )
      throw new PavedError(`${file}: '${where}.reviewers' must be a list of names like [alice, ops-team]`);
    const url = entry['url'];
    if (url !== undefined && typeof url !== 'string')
      throw new PavedError(`${file}: '${where}.url' must be a string like https://example.com`);
    out[name] = {
      protected: prot === true,
      reviewers: (reviewers as string[] | undefined) ?? [],
      ...(url ? { url } : {}),
      vars: stringMap(file, `${where}.vars`, entry['vars']),
      secrets: secretSources(file, `${where}.secrets`, entry['secrets']),
    };
  }
  return out;
}

/**
 * Environments with their secrets read: `{ env: VAR }` from `env`, `{ file: PATH }` from the file
 * (relative to the repository, trailing newline dropped). A missing source is an error naming it.
 */
export function resolveEnvironments(
  sources: Record<string, EnvironmentSource>,
  env: NodeJS.ProcessEnv,
  repoRoot: string,
): Record<string, EnvironmentSettings> {
  const out: Record<string, EnvironmentSettings> = {};
  for (const [name, source] of Object.entries(sources)) {
    const secrets: Record<string, string> = {};
    for (const [key, from] of Object.entries(source.secrets)) {
      if ('value' in from) secrets[key] = from.value;
      else if ('env' in from) {
        const value = env[from.env];
        if (value === undefined)
          throw new PavedError(
            `${SETTINGS_FILE}: environments.${name}.secrets.${key} reads the environment variable ${from.env}, which is not set`,
          );
        secrets[key] = value;
      } else {
        const path = from.file.startsWith('~/')
          ? join(homedir(), from.file.slice(2))
          : isAbsolute(from.file)
            ? from.file
            : join(repoRoot, from.file);
        if (!existsSync(path))
          throw new PavedError(
            `${SETTINGS_FILE}: environments.${name}.secrets.${key} reads ${path}, which does not exist`,
          );
        secrets[key] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
      }
    }
    out[name] = {
      protected: source.protected,
      reviewers: source.reviewers,
      ...(source.url ? { url: source.url } : {}),
      vars: source.vars,
      secrets,
    };
  }
  return out;
}

/** Read `.github/paved.yml` under `repoRoot`; empty settings when it does not exist. */
export function readSettings(repoRoot: string): PavedSettings {
  const file = join(repoRoot, SETTINGS_FILE);
  const settings: PavedSettings = { values: {}, runnerLabels: [] };
  if (!existsSync(file)) return settings;
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PavedError(`${file} is not valid YAML: ${messageOf(error)}`);
  }
  if (data === null || data === undefined) return settings;
  if (typeof data !== 'object' || Array.isArray(data))
    throw new PavedError(`${file} must be a mapping of settings like 'service: orders'`);
  const record = data as Record<string, unknown>;
  for (const key of SETTING_KEYS) {
    const value = record[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string')
      throw new PavedError(`${file}: '${key}' must be a string; got ${JSON.stringify(value)}`);
    settings.values[key] = value;
  }
  const lint = record['lint'];
  if (lint !== undefined && lint !== null) {
    const labels = (lint as Record<string, unknown>)['runner-labels'];
    if (labels !== undefined && (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string'))) {
      throw new PavedError(
        `${file}: 'lint.runner-labels' must be a list of runner labels like [self-hosted-arm64]`,
      );
    }
    settings.runnerLabels = (labels as string[] | undefined) ?? [];
  }
  if (record['environments'] !== undefined && record['environments'] !== null)
    settings.environments = environmentSources(file, record['environments']);
  const defaults = record['default-permissions'];
  if (defaults !== undefined && defaults !== null) {
    if (defaults !== 'permissive' && defaults !== 'restricted')
      throw new PavedError(
        `${file}: 'default-permissions' must be restricted or permissive; got ${JSON.stringify(defaults)}`,
      );
    settings.defaultPermissions = defaults;
  }
  return settings;
}

/** The nearest directory at or above `start` that holds `.git` (a repository or worktree root), if any. */
export function repositoryRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
