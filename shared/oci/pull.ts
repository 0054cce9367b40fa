/** Pull an image into a directory: resolve the platform, download every layer, apply them in order. */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PavedError } from '../errors.js';
import { RegistryClient, type RegistryClientOptions, type ResolvedImage } from './client.js';
import { credentialsFromDockerConfig, type RegistryCredentials } from './auth.js';
import { unpackLayer } from './layer.js';
import { parseImageReference, referenceTarget, type ImageReference } from './reference.js';
import { hostPlatform, type Platform } from './types.js';

/**
 * A client for the registry of `ref`. Credentials: `credentials` when given, else the Docker config
 * file's entry for that registry, else anonymous.
 */
export function clientForReference(
  ref: Pick<ImageReference, 'registry'>,
  options: Omit<RegistryClientOptions, 'registry'> & { env?: NodeJS.ProcessEnv } = {},
): RegistryClient {
  const credentials: RegistryCredentials | undefined =
    options.credentials ?? credentialsFromDockerConfig(ref.registry, options.env);
  return new RegistryClient({ ...options, registry: ref.registry, credentials });
}

/**
 * Download the image `ref` (for `platform`, default this host's) and unpack its layers into `target`.
 * Returns the resolved manifest and config, whose `config.config` holds Entrypoint, Cmd, Env and
 * WorkingDir for running it.
 */
export async function pullImageToDirectory(
  client: RegistryClient,
  ref: ImageReference,
  target: string,
  platform: Platform = hostPlatform(),
): Promise<ResolvedImage> {
  const image = await client.resolveImage(ref.repository, referenceTarget(ref), platform);
  mkdirSync(target, { recursive: true });
  for (const layer of image.manifest.layers)
    unpackLayer(await client.getBlob(ref.repository, layer.digest), target);
  return image;
}

/** An image unpacked and ready to start as a local process. */
export interface RunnableImage {
  /** The unpacked root filesystem. */
  rootfs: string;
  /** Entrypoint followed by Cmd, as a container runtime would run them. */
  args: string[];
  /** The image's environment, `KEY=value`. */
  env: string[];
  /** WorkingDir inside the image (`/` when unset). */
  cwd: string;
  /** The image's User, when set. */
  user: string | undefined;
  /** Digest of the platform manifest that was unpacked. */
  digest: string;
  image: ResolvedImage;
}

/**
 * Pull `reference` (for this host's platform) and unpack it under `cacheDir`, once per manifest digest:
 * a second call for the same digest reuses the directory. Unpacking goes to a temporary directory that
 * is renamed into place, so an interrupted pull never leaves a half-filled root filesystem behind.
 * Throws when the image has neither Entrypoint nor Cmd.
 */
export async function prepareRunnableImage(
  reference: string,
  cacheDir: string,
  options: Omit<RegistryClientOptions, 'registry'> & { env?: NodeJS.ProcessEnv; platform?: Platform } = {},
): Promise<RunnableImage> {
  const ref = parseImageReference(reference, 'image');
  const client = clientForReference(ref, options);
  const image = await client.resolveImage(
    ref.repository,
    referenceTarget(ref),
    options.platform ?? hostPlatform(),
  );
  const rootfs = join(cacheDir, image.digest.replace(':', '-'), 'rootfs');
  if (!existsSync(rootfs)) {
    mkdirSync(cacheDir, { recursive: true });
    const staging = mkdtempSync(join(cacheDir, '.unpacking-'));
    try {
      for (const layer of image.manifest.layers)
        unpackLayer(await client.getBlob(ref.repository, layer.digest), staging);
      mkdirSync(dirname(rootfs), { recursive: true });
      renameSync(staging, rootfs);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(rootfs)) throw error;
    }
  }
  const config = image.config.config ?? {};
  const args = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (args.length === 0)
    throw new PavedError(`image ${reference} has neither Entrypoint nor Cmd, so there is nothing to run`);
  return {
    rootfs,
    args,
    env: config.Env ?? [],
    cwd: config.WorkingDir || '/',
    user: config.User || undefined,
    digest: image.digest,
    image,
  };
}
