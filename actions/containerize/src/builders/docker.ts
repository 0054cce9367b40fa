/**
 * The docker builder: `docker buildx build --push` with an argument array. Secrets reach BuildKit as
 * files (`--secret id=…,src=…`), never on the command line.
 * Flags: https://docs.docker.com/reference/cli/docker/buildx/build/
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PavedError } from '../../../../shared/errors.js';
import { info } from '../../../../shared/log.js';
import { formatPlatform, type Platform } from '../../../../shared/oci/types.js';
import { runChecked, type CommandRunner } from '../command.js';

export interface DockerfileBuild {
  context: string;
  file: string;
  tags: readonly string[];
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  platforms: readonly Platform[];
  buildArgs: Readonly<Record<string, string>>;
  /** Secret id → file holding the value. */
  secretFiles: Readonly<Record<string, string>>;
  cacheFrom: readonly string[];
  cacheTo: readonly string[];
  push: boolean;
}

function pairs(flag: string, values: Readonly<Record<string, string>>): string[] {
  return Object.entries(values).flatMap(([key, value]) => [flag, `${key}=${value}`]);
}

/** The exact argv after `docker`. */
export function dockerBuildxArgs(build: DockerfileBuild, metadataFile: string): string[] {
  return [
    'buildx',
    'build',
    '--file',
    build.file,
    ...build.tags.flatMap((tag) => ['--tag', tag]),
    ...pairs('--label', build.labels),
    ...pairs('--annotation', build.annotations),
    ...(build.platforms.length > 0 ? ['--platform', build.platforms.map(formatPlatform).join(',')] : []),
    ...pairs('--build-arg', build.buildArgs),
    ...Object.entries(build.secretFiles).flatMap(([id, src]) => ['--secret', `id=${id},src=${src}`]),
    ...build.cacheFrom.flatMap((value) => ['--cache-from', value]),
    ...build.cacheTo.flatMap((value) => ['--cache-to', value]),
    '--metadata-file',
    metadataFile,
    ...(build.push ? ['--push'] : []),
    build.context,
  ];
}

/** Write secrets to private files for the build; returns their paths and a cleanup. */
export function writeSecretFiles(secrets: Readonly<Record<string, string>>): {
  files: Record<string, string>;
  dir: string;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'paved-secrets-'));
  const files: Record<string, string> = {};
  for (const [id, value] of Object.entries(secrets)) {
    const path = join(dir, id.replace(/[^A-Za-z0-9_.-]/g, '_'));
    writeFileSync(path, value, { mode: 0o600 });
    files[id] = path;
  }
  return { files, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Whether a Docker engine answers (`docker info` exits 0 within 10 s) and buildx is there. */
export async function dockerEngineAnswers(runner: CommandRunner): Promise<boolean> {
  const engine = await runner('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 10_000 });
  if (engine.code !== 0 || !engine.stdout.trim()) return false;
  const buildx = await runner('docker', ['buildx', 'version'], { timeoutMs: 10_000 });
  return buildx.code === 0;
}

/** Build and push with buildx; returns the pushed digest from the metadata file. */
export async function buildWithDocker(
  build: DockerfileBuild,
  secrets: Readonly<Record<string, string>>,
  runner: CommandRunner,
): Promise<string | undefined> {
  const secretFiles = writeSecretFiles(secrets);
  const metadataFile = join(secretFiles.dir, 'metadata.json');
  try {
    const args = dockerBuildxArgs({ ...build, secretFiles: secretFiles.files }, metadataFile);
    await runChecked(runner, 'docker', args, { stream: info }, 'docker buildx build');
    let metadata: Record<string, unknown> = {};
    try {
      metadata = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, unknown>;
    } catch {
      if (build.push)
        throw new PavedError(
          'docker buildx did not write its metadata file, so the pushed digest is unknown',
        );
    }
    const digest = metadata['containerimage.digest'];
    return typeof digest === 'string' ? digest : undefined;
  } finally {
    secretFiles.cleanup();
  }
}
