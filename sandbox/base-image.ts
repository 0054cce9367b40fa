/**
 * A Node base image made from this machine's own Node runtime, for registries that cannot reach Docker
 * Hub (the sandbox, air-gapped CI). Layer 1 holds the shared libraries `ldd` says the node binary needs
 * (and the dynamic loader), a minimal /etc/passwd and /tmp; layer 2 holds the node binary at
 * /usr/local/bin/node. Published as a multi-platform index with this host's platform, so builders
 * exercise platform selection exactly as with official images.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { PavedError } from '../shared/errors.js';
import { RegistryClient, sha256Digest, type BlobPushResult } from '../shared/oci/client.js';
import type { RegistryCredentials } from '../shared/oci/auth.js';
import { buildLayer } from '../shared/oci/layer.js';
import {
  MediaType,
  hostPlatform,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from '../shared/oci/types.js';
import type { TarEntry } from '../shared/tar.js';

export interface BaseImageOptions {
  /** `host:port` of the registry, e.g. `127.0.0.1:5000`. */
  registry: string;
  /** Default `paved/node`. */
  repository?: string;
  /** Default: the full Node version (`20.20.2`), the major (`20`) and `latest`. */
  tags?: string[];
  credentials?: RegistryCredentials;
  /** The node binary to package; default the one running this code. */
  nodeBinary?: string;
}

export interface PublishedBaseImage {
  /** `registry/repository:<first tag>` */
  reference: string;
  /** Digest of the index the tags point at. */
  indexDigest: string;
  /** Digest of the platform manifest inside it. */
  manifestDigest: string;
  tags: string[];
  bytesSent: number;
}

/** Paths of the shared libraries and loader a binary loads, from `ldd`. */
export function sharedLibraries(binary: string): string[] {
  const result = spawnSync('ldd', [binary], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new PavedError(`ldd ${binary} failed: ${result.stderr.trim() || result.stdout.trim()}`);
  return parseLdd(result.stdout);
}

/** `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` and `/lib64/ld-linux-x86-64.so.2 (0x…)` lines → paths. */
export function parseLdd(output: string): string[] {
  const paths = new Set<string>();
  for (const line of output.split('\n')) {
    const arrow = /=>\s+(\/\S+)/.exec(line);
    const bare = /^\s*(\/\S+)\s+\(/.exec(line);
    const path = arrow?.[1] ?? bare?.[1];
    if (path) paths.add(path);
  }
  return [...paths].sort();
}

function file(path: string, data: Uint8Array | string, mode = 0o644): TarEntry {
  return { path, type: 'file', data: typeof data === 'string' ? Buffer.from(data) : data, mode };
}

/** Build the two layers, config and manifest, and push them with an index to the registry. */
export async function publishNodeBaseImage(options: BaseImageOptions): Promise<PublishedBaseImage> {
  const nodeBinary = realpathSync(options.nodeBinary ?? process.execPath);
  const repository = options.repository ?? 'paved/node';
  const version = spawnSync(nodeBinary, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+/.test(version))
    throw new PavedError(`${nodeBinary} --version did not print a version`);
  const tags = options.tags ?? [version, version.split('.')[0] as string, 'latest'];
  const platform = hostPlatform();

  const libraries = sharedLibraries(nodeBinary).map((path) =>
    file(path.replace(/^\//, ''), readFileSync(realpathSync(path)), 0o755),
  );
  const system = buildLayer([
    ...libraries,
    file(
      'etc/passwd',
      'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000:node:/home/node:/sbin/nologin\n',
    ),
    file('etc/group', 'root:x:0:\nnode:x:1000:\n'),
    { path: 'tmp', type: 'directory', mode: 0o1777 },
    { path: 'home/node', type: 'directory', uid: 1000, gid: 1000 },
  ]);
  const runtime = buildLayer([file('usr/local/bin/node', readFileSync(nodeBinary), 0o755)]);
  const layers = [system, runtime];
  const created = '1970-01-01T00:00:00.000Z';
  const config: ImageConfig = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: {
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin', `NODE_VERSION=${version}`],
      Cmd: ['node'],
      WorkingDir: '/',
      Labels: {
        'org.opencontainers.image.title': 'paved/node',
        'org.opencontainers.image.description': `Node ${version} from the host runtime, for the Paved sandbox`,
        'org.opencontainers.image.version': version,
      },
    },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: [
      { created, created_by: `paved sandbox base-image: shared libraries of node (${libraries.length})` },
      { created, created_by: `paved sandbox base-image: node ${version}` },
    ],
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: sha256Digest(configBytes), size: configBytes.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestDigest = sha256Digest(manifestBytes);
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [
      { mediaType: MediaType.ociManifest, digest: manifestDigest, size: manifestBytes.length, platform },
    ],
  };
  const indexBytes = Buffer.from(JSON.stringify(index));

  const client = new RegistryClient({ registry: options.registry, credentials: options.credentials });
  const results: BlobPushResult[] = [];
  for (const layer of layers)
    results.push(await client.pushBlob(repository, layer.blob, { digest: layer.digest }));
  results.push(await client.pushBlob(repository, configBytes));
  await client.putManifest(repository, manifestDigest, manifestBytes, MediaType.ociManifest);
  let indexDigest = '';
  for (const tag of tags)
    indexDigest = await client.putManifest(repository, tag, indexBytes, MediaType.ociIndex);
  return {
    reference: `${options.registry}/${repository}:${tags[0]}`,
    indexDigest,
    manifestDigest,
    tags,
    bytesSent: results.reduce((sum, r) => sum + r.bytesSent, 0),
  };
}
