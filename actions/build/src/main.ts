import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runAction } from '../../../shared/action.js';
import { CommandError, InputError, messageOf } from '../../../shared/errors.js';
import { group, info, notice } from '../../../shared/log.js';
import { setOutput } from '../../../shared/outputs.js';
import { getInputs } from './inputs.js';
import { assertToolchainFits, planBuild, type Argv, type BuildPlan, type ProjectFiles } from './detect.js';
import { cacheKeys, cachePaths, existingPaths, hashKeyFiles, probeCacheService, runnerOs } from './cache.js';
import { buildVersion, manifestVersion } from './version.js';

export function projectFiles(dir: string): ProjectFiles {
  return {
    exists: (path) => existsSync(join(dir, path)),
    read: (path) => {
      try {
        return readFileSync(join(dir, path), 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** How a command is shown in logs and errors. */
export function showCommand(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}

export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = getInputs();
    const dir = inputs.workingDirectory;
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw InputError.invalid(
        'working-directory',
        relative(process.env['GITHUB_WORKSPACE'] ?? process.cwd(), dir) || dir,
        'an existing folder in the workspace',
      );
    }
    const files = projectFiles(dir);
    const plan = planBuild(files, inputs.toolchain, dir);
    assertToolchainFits(plan, files, inputs.toolchain);
    const install = inputs.installCommand ?? plan.install;
    const build = inputs.buildCommand ?? plan.build;
    info(
      `Toolchain: ${plan.toolchain} (${plan.packageManager}${plan.packageManagerVersion ? ` ${plan.packageManagerVersion}` : ''}), from ${plan.evidence.join(', ')}`,
    );

    const { exec, getExecOutput } = await import('@actions/exec');
    const env: Record<string, string> = { ...(process.env as Record<string, string>) };
    // corepack must never wait for a "download pnpm?" answer in CI.
    env['COREPACK_ENABLE_DOWNLOAD_PROMPT'] ??= '0';
    const query = async (argv: readonly string[], cwd: string): Promise<string | undefined> => {
      try {
        const result = await getExecOutput(argv[0] as string, argv.slice(1), {
          cwd,
          env,
          silent: true,
          ignoreReturnCode: true,
        });
        return result.exitCode === 0 ? result.stdout.trim() : undefined;
      } catch {
        return undefined;
      }
    };

    const workspace = process.env['GITHUB_WORKSPACE'] ?? process.cwd();
    const cache = inputs.cache ? await prepareCache(plan, dir, workspace, query) : undefined;
    let cacheHit = false;
    if (cache) {
      cacheHit = await group('Restore dependency cache', async () => {
        const { restoreCache } = await import('@actions/cache');
        const restored = await restoreCache(cache.paths.slice(), cache.key, cache.restoreKeys);
        if (!restored) info(`No cache for ${cache.key} or any key starting with ${cache.restoreKeys[0]}`);
        return restored === cache.key;
      });
    }

    const started = Date.now();
    let failure: unknown;
    try {
      await runPhase('Install dependencies', install, dir, env, exec);
      await runPhase('Build', build, dir, env, exec);
    } catch (error) {
      failure = error;
    }
    const durationMs = Date.now() - started;

    if (cache && !cacheHit && (failure === undefined || inputs.saveOnFailure)) {
      await group('Save dependency cache', async () => {
        const present = existingPaths(cache.paths);
        if (present.length === 0) {
          info(`Nothing to cache: none of ${cache.paths.join(', ')} exists after the build`);
          return;
        }
        const { saveCache } = await import('@actions/cache');
        // All paths, present or not, exactly as restore was given them: the cache version is a hash of the
        // path list, so saving a filtered list would create an entry that restore can never match.
        // @actions/cache reports its own failures as warnings; a cache problem never fails the build.
        const id = await saveCache(cache.paths.slice(), cache.key);
        if (id > 0) info(`Saved ${present.join(', ')} as ${cache.key}`);
      });
    } else if (cache && cacheHit) {
      info(`Cache ${cache.key} was restored exactly; not saving it again`);
    }

    const version = await computeVersion(plan, files, dir, query);
    setOutput('toolchain', plan.toolchain);
    setOutput('package-manager', plan.packageManager);
    setOutput('version', version);
    setOutput('cache-hit', cacheHit);
    setOutput('cache-key', cache?.key ?? '');
    setOutput('duration-ms', durationMs);
    if (failure !== undefined) throw failure;
    info(`Built ${plan.toolchain} project version ${version} in ${durationMs}ms`);
  });
}

interface PreparedCache {
  paths: string[];
  key: string;
  restoreKeys: string[];
}

async function prepareCache(
  plan: BuildPlan,
  dir: string,
  workspace: string,
  query: (argv: readonly string[], cwd: string) => Promise<string | undefined>,
): Promise<PreparedCache | undefined> {
  const availability = await probeCacheService();
  if (!availability.available) {
    notice(`Building without a dependency cache: ${availability.reason}.`);
    return undefined;
  }
  const paths = await cachePaths(plan, dir, query);
  const hash = await hashKeyFiles(plan, dir, workspace);
  const keys = cacheKeys(runnerOs(), plan, hash);
  return { paths, ...keys };
}

type ExecFn = (
  command: string,
  args?: string[],
  options?: { cwd?: string; env?: Record<string, string>; ignoreReturnCode?: boolean },
) => Promise<number>;

async function runPhase(
  label: string,
  commands: readonly Argv[],
  cwd: string,
  env: Record<string, string>,
  exec: ExecFn,
): Promise<void> {
  if (commands.length === 0) {
    info(`${label}: nothing to run`);
    return;
  }
  await group(label, async () => {
    for (const argv of commands) {
      let code: number;
      try {
        code = await exec(argv[0], argv.slice(1), { cwd, env, ignoreReturnCode: true });
      } catch (error) {
        throw new CommandError(
          `${label}: could not run ${showCommand(argv)}: ${messageOf(error)}. Is ${argv[0]} installed and on PATH?`,
          null,
          { cause: error },
        );
      }
      if (code !== 0)
        throw new CommandError(
          `${label} failed: ${showCommand(argv)} exited with code ${code} (see the "${label}" log group above)`,
          code,
        );
    }
  });
}

async function computeVersion(
  plan: BuildPlan,
  files: ProjectFiles,
  dir: string,
  query: (argv: readonly string[], cwd: string) => Promise<string | undefined>,
): Promise<string> {
  const tags = (await query(['git', 'tag', '--points-at', 'HEAD'], dir))?.split('\n').filter(Boolean) ?? [];
  const shortSha = await query(['git', 'rev-parse', '--short=7', 'HEAD'], dir);
  const manifestText = plan.manifest ? files.read(plan.manifest) : undefined;
  return buildVersion({
    tags,
    shortSha,
    manifestVersion: plan.manifest && manifestText ? manifestVersion(plan.manifest, manifestText) : undefined,
  });
}
