/**
 * The registry as a sandbox stack service (`paved sandbox serve`): docker-registry on a free port with
 * its blobs under the sandbox directory, and the Node base image published to it so the sample service
 * builds right away. Pipelines find it through PAVED_REGISTRY and PAVED_BASE_IMAGE.
 */
import { join } from 'node:path';
import { publishNodeBaseImage } from './base-image.js';
import { startRegistry } from './registry.js';
import type { RunningService, ServiceDefinition } from './stack.js';

export const registryService: ServiceDefinition = {
  name: 'registry',
  description: "docker-registry on 127.0.0.1 with a Node base image made from this host's node",
  async start(context): Promise<RunningService> {
    const registry = await startRegistry({ storageDir: join(context.dir, 'registry') });
    try {
      const base = await publishNodeBaseImage({ registry: registry.host });
      context.log(`  published ${base.reference} (${base.tags.join(', ')})`);
      const baseImage = `${registry.host}/paved/node:${base.tags[1] ?? base.tags[0]}`;
      return {
        name: 'registry',
        url: registry.url,
        details: { host: registry.host, 'base image': baseImage },
        env: { PAVED_REGISTRY: registry.host, PAVED_BASE_IMAGE: baseImage },
        stop: () => registry.stop(),
      };
    } catch (error) {
      await registry.stop();
      throw error;
    }
  },
};
