/** Pull an image into a directory: resolve the platform, download every layer, apply them in order. */
import { mkdirSync } from 'node:fs';
import { RegistryClient, type RegistryClientOptions, type ResolvedImage } from './client.js';
import { credentialsFromDockerConfig, type RegistryCredentials } from './auth.js';
import { unpackLayer } from './layer.js';
import { referenceTarget, type ImageReference } from './reference.js';
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
