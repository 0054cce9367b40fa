/**
 * The buildah builder for runners without a Docker daemon: `buildah bud` then `buildah push` per tag.
 * Chroot isolation and the vfs storage driver work unprivileged and inside containers; STORAGE_DRIVER
 * and BUILDAH_ISOLATION in the environment override them, as buildah itself documents.
 * Credentials go in a temporary auth file, never on the command line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { info } from '../../../../shared/log.js';
import { isLoopbackRegistry, parseImageReference } from '../../../../shared/oci/reference.js';
import { formatPlatform } from '../../../../shared/oci/types.js';
import { maskSecret } from '../../../../shared/secrets.js';
import { runChecked, type CommandRunner } from '../command.js';
import { writeSecretFiles, type DockerfileBuild } from './docker.js';

export interface BuildahOptions {
  env: NodeJS.ProcessEnv;
  /** Registries reached without TLS verification (loopback ones always are). */
  insecure: boolean;
}

function globalFlags(env: NodeJS.ProcessEnv): string[] {
  return env['STORAGE_DRIVER'] ? [] : ['--storage-driver', 'vfs'];
}

function tlsVerify(reference: string, insecure: boolean): string[] {
  const registry = parseImageReference(reference).registry;
  return insecure || isLoopbackRegistry(registry) ? ['--tls-verify=false'] : [];
}

/** argv after `buildah` for the build. The base image's registry decides `--tls-verify`. */
export function buildahBudArgs(
  build: DockerfileBuild,
  options: BuildahOptions,
  baseImage: string | undefined,
  authFile: string | undefined,
): string[] {
  return [
    ...globalFlags(options.env),
    'bud',
    ...(options.env['BUILDAH_ISOLATION'] ? [] : ['--isolation', 'chroot']),
    '--format',
    'oci',
    ...(authFile ? ['--authfile', authFile] : []),
    ...(baseImage ? tlsVerify(baseImage, options.insecure) : []),
    '--file',
    build.file,
    ...build.tags.flatMap((tag) => ['--tag', tag]),
    ...Object.entries(build.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ...Object.entries(build.annotations).flatMap(([k, v]) => ['--annotation', `${k}=${v}`]),
    ...(build.platforms.length > 0 ? ['--platform', build.platforms.map(formatPlatform).join(',')] : []),
    ...Object.entries(build.buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
    ...Object.entries(build.secretFiles).flatMap(([id, src]) => ['--secret', `id=${id},src=${src}`]),
    build.context,
  ];
}

/** argv after `buildah` to push one tag and write its digest. */
export function buildahPushArgs(
  tag: string,
  digestFile: string,
  options: BuildahOptions,
  authFile: string | undefined,
): string[] {
  return [
    ...globalFlags(options.env),
    'push',
    ...(authFile ? ['--authfile', authFile] : []),
    ...tlsVerify(tag, options.insecure),
    '--digestfile',
    digestFile,
    tag,
    `docker://${tag}`,
  ];
}

/** Whether buildah is installed and runs. */
export async function buildahAvailable(runner: CommandRunner): Promise<boolean> {
  return (await runner('buildah', ['--version'], { timeoutMs: 10_000 })).code === 0;
}

/** Build with buildah and push every tag; returns the digest of the pushed manifest. */
export async function buildWithBuildah(
  build: DockerfileBuild,
  secrets: Readonly<Record<string, string>>,
  credentials: { registry: string; username: string; password: string } | undefined,
  baseImage: string | undefined,
  options: BuildahOptions,
  runner: CommandRunner,
): Promise<string | undefined> {
  const temp = writeSecretFiles(secrets);
  try {
    let authFile: string | undefined;
    if (credentials) {
      authFile = join(temp.dir, 'auth.json');
      const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
      maskSecret(auth);
      writeFileSync(authFile, JSON.stringify({ auths: { [credentials.registry]: { auth } } }), {
        mode: 0o600,
      });
    }
    await runChecked(
      runner,
      'buildah',
      buildahBudArgs({ ...build, secretFiles: temp.files }, options, baseImage, authFile),
      { stream: info, env: options.env },
      'buildah bud',
    );
    if (!build.push) return undefined;
    let digest: string | undefined;
    for (const tag of build.tags) {
      const digestFile = join(temp.dir, 'digest');
      await runChecked(
        runner,
        'buildah',
        buildahPushArgs(tag, digestFile, options, authFile),
        { stream: info, env: options.env },
        'buildah push',
      );
      digest = readFileSync(digestFile, 'utf8').trim();
    }
    return digest;
  } finally {
    temp.cleanup();
  }
}
