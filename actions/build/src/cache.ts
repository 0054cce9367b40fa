/**
 * The dependency cache: which directories each package manager downloads into, the key
 * (`<os>-<package manager>-<hash of lockfiles>`, the same hash as `hashFiles()` in a workflow), and
 * restore/save through the unmodified `@actions/cache`, which talks to GitHub's cache service or to
 * `paved run`'s local one.
 */
import { homedir } from 'node:os';
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { request } from '../../../shared/http.js';
import type { BuildPlan } from './detect.js';

/** Runs a command and returns its trimmed stdout, or undefined when it fails. */
export type QueryCommand = (argv: readonly string[], cwd: string) => Promise<string | undefined>;

/** The runner's name for the OS, as in `runner.os`. */
export function runnerOs(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env['RUNNER_OS']) return env['RUNNER_OS'];
  return platform === 'win32' ? 'Windows' : platform === 'darwin' ? 'macOS' : 'Linux';
}

/** Where each package manager keeps what it downloads. Asks the tool when it can say, as setup-* actions do. */
export async function cachePaths(
  plan: BuildPlan,
  projectDir: string,
  query: QueryCommand,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const home = env['HOME'] || homedir();
  const ask = async (argv: string[], fallback: string): Promise<string> => {
    const answer = await query(argv, projectDir);
    return answer && isAbsolute(answer.split('\n').pop() as string)
      ? (answer.split('\n').pop() as string)
      : fallback;
  };
  switch (plan.packageManager) {
    case 'npm':
      return [env['npm_config_cache'] || join(home, '.npm')];
    case 'pnpm':
      return [
        await ask(
          ['corepack', 'pnpm', 'store', 'path', '--silent'],
          join(env['XDG_DATA_HOME'] || join(home, '.local/share'), 'pnpm/store'),
        ),
      ];
    case 'yarn':
      return [await ask(['corepack', 'yarn', 'cache', 'dir'], join(home, '.cache/yarn'))];
    case 'yarn-berry':
      return [
        await ask(['corepack', 'yarn', 'config', 'get', 'cacheFolder'], join(home, '.yarn/berry/cache')),
      ];
    case 'go':
      return [
        await ask(['go', 'env', 'GOMODCACHE'], join(home, 'go/pkg/mod')),
        await ask(['go', 'env', 'GOCACHE'], join(home, '.cache/go-build')),
      ];
    case 'pip':
      return [env['PIP_CACHE_DIR'] || join(env['XDG_CACHE_HOME'] || join(home, '.cache'), 'pip')];
    case 'uv':
      return [await ask(['uv', 'cache', 'dir'], join(home, '.cache/uv'))];
    case 'poetry':
      return [join(env['XDG_CACHE_HOME'] || join(home, '.cache'), 'pypoetry')];
    case 'maven':
      return [join(home, '.m2/repository')];
    case 'gradle':
      return [join(home, '.gradle/caches'), join(home, '.gradle/wrapper')];
    case 'cargo': {
      const cargoHome = env['CARGO_HOME'] || join(home, '.cargo');
      // target/ too: dependencies compile once per lockfile, which is most of a Rust build's time.
      return [
        join(cargoHome, 'registry/index'),
        join(cargoHome, 'registry/cache'),
        join(cargoHome, 'git/db'),
        join(projectDir, 'target'),
      ];
    }
    default:
      return [];
  }
}

/** The primary key and the prefix restore key. `hash` is hashFiles() of the plan's key files. */
export function cacheKeys(os: string, plan: BuildPlan, hash: string): { key: string; restoreKeys: string[] } {
  const prefix = `${os}-${plan.packageManager}-`;
  return { key: `${prefix}${hash || 'no-lockfile'}`, restoreKeys: [prefix] };
}

/** hashFiles()-compatible: the same digest GitHub computes for `hashFiles('<patterns>')` in the workflow. */
export async function hashKeyFiles(plan: BuildPlan, projectDir: string, workspace: string): Promise<string> {
  const { hashFiles } = await import('@actions/glob');
  const rel = relative(workspace, projectDir);
  const patterns = plan.keyFiles.map((p) =>
    (rel && !rel.startsWith('..') ? `${rel}/${p}` : p).replace(/\\/g, '/'),
  );
  // hashFiles resolves patterns against the workspace and ignores files outside it, as the runner does.
  return hashFiles(patterns.map((p) => join(workspace, p)).join('\n'), workspace);
}

export type CacheAvailability = { available: true } | { available: false; reason: string };

/**
 * Whether a cache service is configured and answers. One probe, so that an unreachable service gives one
 * notice instead of a warning from restore and another from save.
 */
export async function probeCacheService(env: NodeJS.ProcessEnv = process.env): Promise<CacheAvailability> {
  const { isFeatureAvailable } = await import('@actions/cache');
  if (!isFeatureAvailable()) {
    return {
      available: false,
      reason:
        'no cache service is configured for this run (ACTIONS_RESULTS_URL/ACTIONS_CACHE_URL is not set)',
    };
  }
  const url = env['ACTIONS_CACHE_SERVICE_V2']
    ? env['ACTIONS_RESULTS_URL']
    : (env['ACTIONS_CACHE_URL'] ?? env['ACTIONS_RESULTS_URL']);
  try {
    // Any HTTP answer means it is there; only a transport failure means it is not.
    await request(url as string, {
      method: 'GET',
      timeoutMs: 5000,
      retry: false,
      okStatuses: Array.from({ length: 500 }, (_, i) => 100 + i),
      service: 'the Actions cache service',
    });
    return { available: true };
  } catch (error) {
    return {
      available: false,
      reason: `the cache service at ${new URL(url as string).origin} does not answer (${(error as Error).message})`,
    };
  }
}

export function existingPaths(paths: readonly string[]): string[] {
  return paths.filter((p) => existsSync(p));
}
