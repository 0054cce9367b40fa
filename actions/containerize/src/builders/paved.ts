/**
 * Paved's daemonless builder: no Dockerfile, no daemon, no root. It takes a base image from a registry
 * (one platform out of a multi-arch index), adds the application as two deterministic layers —
 * dependencies (e.g. node_modules) and sources, so a source change re-uploads only the small layer —
 * writes the image config and an OCI manifest, and pushes through the distribution API: blobs the
 * registry has are skipped, base layers are mounted across repositories, large blobs go in chunks.
 * Manifests are put only after every blob of every target is in place, so a failure never leaves a tag
 * pointing at a half-pushed image.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PavedError } from '../../../../shared/errors.js';
import { info } from '../../../../shared/log.js';
import type { RegistryClient, ResolvedImage, BlobPushResult } from '../../../../shared/oci/client.js';
import { sha256Digest } from '../../../../shared/oci/client.js';
import {
  buildLayer,
  DEFAULT_LAYER_GZIP_LEVEL,
  buildLayerStreaming,
  directoryEntries,
  type BuiltLayer,
} from '../../../../shared/oci/layer.js';
import {
  formatImageReference,
  parseImageReference,
  type ImageReference,
} from '../../../../shared/oci/reference.js';
import {
  MediaType,
  type Descriptor,
  type ImageConfig,
  type ImageManifest,
} from '../../../../shared/oci/types.js';

export interface PavedImageSpec {
  context: string;
  workdir: string;
  dependencyPaths: readonly string[];
  env: Readonly<Record<string, string>>;
  entrypoint: readonly string[] | undefined;
  cmd: readonly string[] | undefined;
  expose: readonly string[];
  user: string | undefined;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** The image's creation time (config.created, history); fixed for reproducible digests. */
  created: Date;
}

/**
 * One application layer. `blob` is absent when the layer was recognised from the layer cache and the
 * registry already holds it: its digests are known without reading a single file.
 */
export interface AppLayer {
  name: string;
  layer: Omit<BuiltLayer, 'blob'> & { blob?: Buffer };
  /** True when taken from the layer cache instead of built. */
  cached?: boolean;
}

/** An image assembled in memory, ready to push. */
export interface AssembledImage {
  digest: string;
  manifest: ImageManifest;
  manifestBytes: Buffer;
  config: ImageConfig;
  configBytes: Buffer;
  configDigest: string;
  /** The layers Paved built (dependencies, sources), in order. */
  appLayers: AppLayer[];
  /** Base layers as listed by the base manifest. */
  baseLayers: Descriptor[];
}

/** `.dockerignore` lines (comments and `!` re-includes dropped) plus what never belongs in an image. */
export function ignorePatterns(context: string): string[] {
  const patterns = ['.git'];
  const file = join(context, '.dockerignore');
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed && !trimmed.startsWith('#') && !trimmed.startsWith('!')) patterns.push(trimmed);
    }
  }
  return patterns;
}

/** Default command for a Node project: `node <package.json main>`; else undefined (keep the base's). */
export function defaultNodeCommand(context: string): string[] | undefined {
  const file = join(context, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { main?: unknown };
    return ['node', typeof pkg.main === 'string' && pkg.main ? pkg.main : 'index.js'];
  } catch {
    return undefined;
  }
}

/** Docker layer media types become their OCI twins (same bytes) so the manifest is one format. */
function asOciLayer(descriptor: Descriptor): Descriptor {
  const mediaType =
    descriptor.mediaType === MediaType.dockerLayerGzip ? MediaType.ociLayerGzip : descriptor.mediaType;
  const { urls: _urls, ...rest } = descriptor;
  return { ...rest, mediaType };
}

/** The dependency paths that exist in the context (`node_modules` by default). */
export function presentDependencyPaths(spec: Pick<PavedImageSpec, 'context' | 'dependencyPaths'>): string[] {
  return spec.dependencyPaths.filter((path) => existsSync(join(spec.context, path)));
}

/** What makes the dependencies layer what it is besides its files: where it lands and what is left out. */
export function dependencyLayerSalt(
  spec: Pick<PavedImageSpec, 'context' | 'workdir' | 'dependencyPaths'>,
): string {
  return JSON.stringify({
    format: 1,
    gzip: DEFAULT_LAYER_GZIP_LEVEL,
    workdir: spec.workdir,
    paths: spec.dependencyPaths,
    ignore: ignorePatterns(spec.context),
  });
}

/** Build the dependencies layer (undefined when none of the paths exist), reading and compressing in parallel. */
export async function buildDependencyLayer(
  spec: Pick<PavedImageSpec, 'context' | 'workdir' | 'dependencyPaths'>,
): Promise<AppLayer | undefined> {
  const present = presentDependencyPaths(spec);
  if (present.length === 0) return undefined;
  const ignore = ignorePatterns(spec.context);
  const entries = present.flatMap((path) =>
    directoryEntries(join(spec.context, path), {
      destination: `${spec.workdir}/${path}`,
      exclude: ignore,
      lazy: true,
    }),
  );
  return { name: `dependencies (${present.join(', ')})`, layer: await buildLayerStreaming(entries) };
}

function buildDependencyLayerSync(
  spec: Pick<PavedImageSpec, 'context' | 'workdir' | 'dependencyPaths'>,
): AppLayer | undefined {
  const present = presentDependencyPaths(spec);
  if (present.length === 0) return undefined;
  const ignore = ignorePatterns(spec.context);
  const entries = present.flatMap((path) =>
    directoryEntries(join(spec.context, path), { destination: `${spec.workdir}/${path}`, exclude: ignore }),
  );
  return { name: `dependencies (${present.join(', ')})`, layer: buildLayer(entries) };
}

/** Build the sources layer: the context minus the dependency paths and ignored files. */
export function buildSourcesLayer(
  spec: Pick<PavedImageSpec, 'context' | 'workdir' | 'dependencyPaths'>,
): AppLayer {
  const exclude = [...ignorePatterns(spec.context), ...spec.dependencyPaths.map((p) => `/${p}`)];
  return {
    name: 'sources',
    layer: buildLayer(directoryEntries(spec.context, { destination: spec.workdir, exclude })),
  };
}

/**
 * Write the config and manifest over `base` for the application layers (built with
 * {@link buildDependencyLayer} and {@link buildSourcesLayer}, or by default built here). Reads files; no network.
 */
export function assembleImage(
  base: ResolvedImage,
  baseRef: ImageReference,
  spec: PavedImageSpec,
  layers?: readonly AppLayer[],
): AssembledImage {
  const destination = spec.workdir;
  const appLayers: AppLayer[] = layers
    ? [...layers]
    : [buildDependencyLayerSync(spec), buildSourcesLayer(spec)].filter((l): l is AppLayer => l !== undefined);

  const created = spec.created.toISOString();
  const baseConfig = base.config.config ?? {};
  const env = new Map<string, string>();
  for (const item of baseConfig.Env ?? []) {
    const eq = item.indexOf('=');
    env.set(eq >= 0 ? item.slice(0, eq) : item, eq >= 0 ? item.slice(eq + 1) : '');
  }
  for (const [key, value] of Object.entries(spec.env)) env.set(key, value);
  const ports: Record<string, Record<string, never>> = { ...(baseConfig.ExposedPorts ?? {}) };
  for (const port of spec.expose) ports[port.includes('/') ? port : `${port}/tcp`] = {};
  const cmd =
    spec.cmd ?? (spec.entrypoint ? undefined : (defaultNodeCommand(spec.context) ?? baseConfig.Cmd));
  const config: ImageConfig = {
    created,
    architecture: base.config.architecture,
    os: base.config.os,
    ...(base.config.variant ? { variant: base.config.variant } : {}),
    config: {
      ...baseConfig,
      Env: [...env].map(([key, value]) => `${key}=${value}`),
      ...(spec.entrypoint ? { Entrypoint: [...spec.entrypoint] } : {}),
      ...(cmd ? { Cmd: [...cmd] } : {}),
      WorkingDir: spec.workdir,
      ...(Object.keys(ports).length > 0 ? { ExposedPorts: ports } : {}),
      ...((spec.user ?? baseConfig.User) ? { User: spec.user ?? baseConfig.User } : {}),
      Labels: { ...(baseConfig.Labels ?? {}), ...spec.labels },
    },
    rootfs: {
      type: 'layers',
      diff_ids: [...base.config.rootfs.diff_ids, ...appLayers.map((l) => l.layer.diffId)],
    },
    history: [
      ...(base.config.history ?? []),
      ...appLayers.map((l) => ({
        created,
        created_by: `paved: ${l.name} → ${destination}`,
        comment: 'paved builder',
      })),
    ],
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = sha256Digest(configBytes);
  const baseLayers = base.manifest.layers.map(asOciLayer);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: configDigest, size: configBytes.length },
    layers: [
      ...baseLayers,
      ...appLayers.map((l) => ({ mediaType: l.layer.mediaType, digest: l.layer.digest, size: l.layer.size })),
    ],
    annotations: {
      ...spec.annotations,
      'org.opencontainers.image.base.name': formatImageReference({ ...baseRef, digest: undefined }),
      'org.opencontainers.image.base.digest': base.digest,
    },
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  return {
    digest: sha256Digest(manifestBytes),
    manifest,
    manifestBytes,
    config,
    configBytes,
    configDigest,
    appLayers,
    baseLayers,
  };
}

/** One place the image goes: a repository on a registry, with its tags. */
export interface PushTarget {
  ref: ImageReference;
  client: RegistryClient;
  tags: readonly string[];
}

export interface PushReport {
  bytesSent: number;
  blobs: { target: string; name: string; result: BlobPushResult }[];
}

function human(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Push every blob to every target, then the manifest under each tag. Base layers are mounted from the
 * base repository when the target is on the same registry, else copied (downloaded once).
 */
export async function pushImage(
  image: AssembledImage,
  targets: readonly PushTarget[],
  base: { ref: ImageReference; client: RegistryClient },
): Promise<PushReport> {
  const report: PushReport = { bytesSent: 0, blobs: [] };
  const baseCache = new Map<string, Promise<Buffer>>();
  const loadBase = (digest: string) => (): Promise<Buffer> => {
    let pending = baseCache.get(digest);
    if (!pending) {
      pending = base.client.getBlob(base.ref.repository, digest);
      baseCache.set(digest, pending);
    }
    return pending;
  };
  for (const target of targets) {
    const name = formatImageReference({ ...target.ref, tag: undefined, digest: undefined });
    const sameRegistry = target.ref.registry === base.ref.registry;
    const record = (label: string, result: BlobPushResult): void => {
      report.bytesSent += result.bytesSent;
      report.blobs.push({ target: name, name: label, result });
      const how =
        result.action === 'uploaded'
          ? `uploaded ${human(result.bytesSent)}${result.chunks > 1 ? ` in ${result.chunks} chunks` : ''}`
          : result.action === 'mounted'
            ? `mounted from ${base.ref.repository}`
            : 'already present, skipped';
      info(`${name}: ${label} ${result.digest.slice(7, 19)} (${human(result.size)}): ${how}`);
    };
    for (const [i, layer] of image.baseLayers.entries()) {
      const result = await target.client.pushBlob(target.ref.repository, loadBase(layer.digest), {
        digest: layer.digest,
        size: layer.size,
        mountFrom: sameRegistry ? [base.ref.repository] : [],
      });
      record(`base layer ${i + 1}/${image.baseLayers.length}`, result);
    }
    for (const { name: layerName, layer } of image.appLayers) {
      const data =
        layer.blob ??
        (() =>
          Promise.reject(
            new PavedError(
              `${name}: the ${layerName} layer ${layer.digest} disappeared from the registry during the build; run the build again`,
            ),
          ));
      record(
        `layer ${layerName}`,
        await target.client.pushBlob(target.ref.repository, data, { digest: layer.digest, size: layer.size }),
      );
    }
    record(
      'config',
      await target.client.pushBlob(target.ref.repository, image.configBytes, { digest: image.configDigest }),
    );
  }
  // Every blob is in place everywhere: only now do tags move.
  for (const target of targets) {
    const name = formatImageReference({ ...target.ref, tag: undefined, digest: undefined });
    for (const tag of target.tags) {
      const digest = await target.client.putManifest(
        target.ref.repository,
        tag,
        image.manifestBytes,
        MediaType.ociManifest,
      );
      if (digest !== image.digest)
        throw new PavedError(
          `${name}:${tag}: the registry stored digest ${digest}, expected ${image.digest}`,
        );
      info(`${name}:${tag} → ${image.digest}`);
    }
  }
  return report;
}

/** Parse `name:tag` strings back into references (tags come out of the metadata step). */
export function splitTagged(tagged: readonly string[]): Map<string, { ref: ImageReference; tags: string[] }> {
  const byImage = new Map<string, { ref: ImageReference; tags: string[] }>();
  for (const text of tagged) {
    const ref = parseImageReference(text);
    const key = `${ref.registry}/${ref.repository}`;
    const entry = byImage.get(key) ?? { ref: { ...ref, tag: undefined }, tags: [] };
    entry.tags.push(ref.tag ?? 'latest');
    byImage.set(key, entry);
  }
  return byImage;
}
