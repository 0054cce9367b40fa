/**
 * containerize: tags and OCI labels from the git context, an image built by docker buildx, buildah or
 * Paved's daemonless builder, pushed, and its digest reported.
 */
import { readFileSync } from 'node:fs';
import { InputError, RemoteError } from '../../../shared/errors.js';
import { runAction } from '../../../shared/action.js';
import { getGitHubContext } from '../../../shared/github-context.js';
import { group, info } from '../../../shared/log.js';
import { setOutput } from '../../../shared/outputs.js';
import { markdownTable, SummaryBuilder } from '../../../shared/summary.js';
import { getInputs, type BuilderName, type Inputs } from './inputs.js';
import { computeLabels, computeTags } from './metadata.js';
import { metadataContext, readGitFacts } from './context.js';
import { spawnCommand, type CommandRunner } from './command.js';
import type { AppLayer } from './builders/paved.js';

/** auto: docker buildx when an engine answers, else buildah, else the paved builder. */
export async function chooseBuilder(
  wanted: BuilderName,
  runner: CommandRunner,
): Promise<Exclude<BuilderName, 'auto'>> {
  if (wanted !== 'auto') return wanted;
  const { dockerEngineAnswers } = await import('./builders/docker.js');
  if (await dockerEngineAnswers(runner)) return 'docker';
  const { buildahAvailable } = await import('./builders/buildah.js');
  if (await buildahAvailable(runner)) return 'buildah';
  return 'paved';
}

export interface BuildResult {
  digest: string | undefined;
  bytesSent?: number;
  layers?: { name: string; digest: string; size: number; action: string }[];
}

async function buildWithPaved(
  inputs: Inputs,
  tags: readonly string[],
  labels: Record<string, string>,
  annotations: Record<string, string>,
  created: Date,
): Promise<BuildResult> {
  const { clientForReference } = await import('../../../shared/oci/pull.js');
  const { hostPlatform } = await import('../../../shared/oci/types.js');
  const { referenceTarget, formatImageReference } = await import('../../../shared/oci/reference.js');
  const {
    assembleImage,
    pushImage,
    splitTagged,
    presentDependencyPaths,
    dependencyLayerSalt,
    buildDependencyLayer,
    buildSourcesLayer,
  } = await import('./builders/paved.js');
  const { MediaType } = await import('../../../shared/oci/types.js');
  const credentialsFor = (registry: string) =>
    inputs.username && inputs.password && registry === inputs.registry
      ? { username: inputs.username, password: inputs.password, source: 'inputs' }
      : undefined;
  const clients = new Map<string, ReturnType<typeof clientForReference>>();
  const clientFor = (registry: string) => {
    let client = clients.get(registry);
    if (!client) {
      client = clientForReference(
        { registry },
        { credentials: credentialsFor(registry), plainHttp: inputs.insecure ? true : undefined },
      );
      clients.set(registry, client);
    }
    return client;
  };
  const baseRef = inputs.baseImage!;
  const platform = inputs.platforms[0] ?? hostPlatform();
  const targets = [...splitTagged(tags).values()].map(({ ref, tags: list }) => ({
    ref,
    tags: list,
    client: clientFor(ref.registry),
  }));
  const spec = {
    context: inputs.context,
    workdir: inputs.workdir,
    dependencyPaths: inputs.dependencyPaths,
    env: inputs.env,
    entrypoint: inputs.entrypoint,
    cmd: inputs.cmd,
    expose: inputs.expose,
    user: inputs.user,
    labels,
    annotations,
    created,
  };
  // Registry round trips (credentials check, base image) run while the layers are read and compressed;
  // nothing is sent until all of them have succeeded.
  const checkingCredentials = inputs.push
    ? Promise.all(
        [...new Set(targets.map((t) => t.ref.registry))].map((registry) => clientFor(registry).ping()),
      )
    : Promise.resolve([]);
  const baseClient = clientFor(baseRef.registry);
  const resolvingBase = baseClient
    .resolveImage(baseRef.repository, referenceTarget(baseRef), platform)
    .catch((error: unknown) => {
      if (error instanceof RemoteError && error.status === 404) {
        throw new RemoteError(
          error.service,
          `${error.message.replace(/^registry [^:]+(:\d+)?: /, '')}; check the 'base-image' input (${formatImageReference(baseRef)})`,
          { status: 404, cause: error },
        );
      }
      throw error;
    });
  // Whichever fails first is reported; the others must not surface as unhandled rejections.
  checkingCredentials.catch(() => undefined);
  resolvingBase.catch(() => undefined);
  const image = await group('Assembling layers', async () => {
    const { LayerCache, layerCacheDir, fingerprintPaths } = await import('./layer-cache.js');
    const layers: AppLayer[] = [];
    const present = presentDependencyPaths(spec);
    if (present.length > 0) {
      // Unchanged dependencies that every target already holds are not read, tarred or compressed again.
      const cache = new LayerCache(layerCacheDir());
      const fingerprint = fingerprintPaths(inputs.context, present, dependencyLayerSalt(spec));
      const cached = cache.get(fingerprint);
      let everywhere = false;
      if (cached && inputs.push) {
        await checkingCredentials;
        const sizes = await Promise.all(
          targets.map((t) => t.client.blobSize(t.ref.repository, cached.digest)),
        );
        everywhere = sizes.every((size) => size !== undefined);
      }
      if (cached && everywhere) {
        layers.push({
          name: `dependencies (${present.join(', ')})`,
          layer: { mediaType: MediaType.ociLayerGzip, ...cached },
          cached: true,
        });
      } else {
        const built = (await buildDependencyLayer(spec)) as AppLayer;
        cache.set(fingerprint, {
          digest: built.layer.digest,
          diffId: built.layer.diffId,
          size: built.layer.size,
          entries: built.layer.entries,
        });
        layers.push(built);
      }
    }
    layers.push(buildSourcesLayer(spec));
    await checkingCredentials;
    const base = await resolvingBase;
    info(
      `base image ${formatImageReference(baseRef)} → ${base.digest}${base.index ? ` (${platform.os}/${platform.architecture} from a multi-platform index)` : ''}`,
    );
    const assembled = assembleImage(base, baseRef, spec, layers);
    for (const { name, layer, cached } of assembled.appLayers) {
      info(
        `layer ${name}: ${layer.entries} entries, ${layer.size} bytes, ${layer.digest}${cached ? ' (unchanged since the last build: not rebuilt)' : ''}`,
      );
    }
    return assembled;
  });
  if (!inputs.push) return { digest: image.digest, bytesSent: 0 };
  const report = await group('Pushing', () =>
    pushImage(image, targets, { ref: baseRef, client: baseClient }),
  );
  const layersSent = report.blobs.filter((b) => b.result.action === 'uploaded').length;
  info(
    `pushed ${image.digest}: ${report.bytesSent} bytes sent in ${layersSent} blob(s); ${report.blobs.length - layersSent} already present or mounted`,
  );
  return {
    digest: image.digest,
    bytesSent: report.bytesSent,
    layers: report.blobs.map((b) => ({
      name: `${b.target} ${b.name}`,
      digest: b.result.digest,
      size: b.result.size,
      action: b.result.action,
    })),
  };
}

export async function run(): Promise<void> {
  await runAction(async () => {
    const inputs = getInputs(undefined, process.env, (path) => readFileSync(path, 'utf8'));
    const gh = getGitHubContext();
    const ctx = metadataContext(gh, readGitFacts(inputs.context, gh.sha || undefined), process.env);
    const computed = computeTags(inputs.tagRules, inputs.flavor, inputs.images, ctx, inputs.shaLength);
    if (computed.tags.length === 0) {
      throw new InputError(
        'tags',
        `Input 'tags' produced no tag for event '${ctx.eventName}' on '${ctx.ref || 'no ref'}'; add a rule that always applies, like type=sha or type=raw,value=dev`,
      );
    }
    const labels = computeLabels(ctx, computed.version, inputs.labels);
    const annotations = computeLabels(ctx, computed.version, inputs.annotations);
    info(`tags:\n  ${computed.tags.join('\n  ')}`);
    const builder = await chooseBuilder(inputs.builder, spawnCommand);
    info(`builder: ${builder}${inputs.builder === 'auto' ? ' (auto)' : ''}`);
    let result: BuildResult;
    if (builder === 'paved') {
      result = await buildWithPaved(inputs, computed.tags, labels, annotations, ctx.date);
    } else {
      const build = {
        context: inputs.context,
        file: inputs.file,
        tags: computed.tags,
        labels,
        annotations,
        platforms: inputs.platforms,
        buildArgs: inputs.buildArgs,
        secretFiles: {},
        cacheFrom: inputs.cacheFrom,
        cacheTo: inputs.cacheTo,
        push: inputs.push,
      };
      if (builder === 'docker') {
        const { buildWithDocker } = await import('./builders/docker.js');
        result = { digest: await buildWithDocker(build, inputs.secrets, spawnCommand) };
      } else {
        const { buildWithBuildah } = await import('./builders/buildah.js');
        const credentials =
          inputs.username && inputs.password
            ? { registry: inputs.registry, username: inputs.username, password: inputs.password }
            : undefined;
        const base = inputs.baseImage
          ? `${inputs.baseImage.registry}/${inputs.baseImage.repository}`
          : undefined;
        result = {
          digest: await buildWithBuildah(
            build,
            inputs.secrets,
            credentials,
            base,
            { env: process.env, insecure: inputs.insecure },
            spawnCommand,
          ),
        };
      }
    }
    const image = result.digest ? `${inputs.images[0]}@${result.digest}` : (computed.tags[0] as string);
    setOutput('image', image);
    setOutput('digest', result.digest ?? '');
    setOutput('tags', computed.tags);
    setOutput(
      'labels',
      Object.entries(labels).map(([k, v]) => `${k}=${v}`),
    );
    setOutput('version', computed.version);
    setOutput('builder', builder);
    setOutput('metadata', {
      image,
      digest: result.digest ?? null,
      tags: computed.tags,
      version: computed.version,
      labels,
      annotations,
      builder,
      pushed: inputs.push,
      ...(result.bytesSent !== undefined ? { bytesSent: result.bytesSent } : {}),
    });
    const summary = new SummaryBuilder();
    summary.heading(`Image ${inputs.push ? 'pushed' : 'built'} with ${builder}`);
    summary.add(
      markdownTable(
        ['', ''],
        [
          ['image', image],
          ['version', computed.version],
          ['tags', computed.tags.join('\n')],
        ],
      ),
    );
    if (result.layers) {
      summary.add(
        markdownTable(
          ['blob', 'digest', 'size', 'result'],
          result.layers.map((l) => [l.name, l.digest.slice(0, 19), String(l.size), l.action]),
        ),
      );
      summary.add(`${result.bytesSent ?? 0} bytes sent.`);
    }
    await summary.write();
  });
}
