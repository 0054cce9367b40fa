/**
 * `.github/paved.yml`: the answers `paved init` was given (so a re-run needs no flags) and the two
 * facts `paved lint` needs about a repository — which GitHub owner publishes the Paved release it
 * trusts, and which self-hosted runner labels exist.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

export interface PavedSettings {
  values: Partial<Record<SettingKey, string>>;
  /** Self-hosted runner labels `paved lint` accepts in `runs-on:`. */
  runnerLabels: string[];
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
