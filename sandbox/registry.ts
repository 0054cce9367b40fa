/**
 * A real OCI registry for tests and `paved run --sandbox`: Debian's `docker-registry` (CNCF distribution)
 * on 127.0.0.1 on a free port, storing into a temporary directory, optionally behind htpasswd (Basic)
 * auth. Stopping it removes the storage.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PavedError } from '../shared/errors.js';
import { answers, freePort, requireCommand, spawnService, waitFor, type ServiceProcess } from './process.js';

export interface LocalRegistryOptions {
  /** Require Basic auth with this user (bcrypt htpasswd file written for it). */
  auth?: { username: string; password: string };
  /** Keep blobs here instead of a fresh temporary directory (kept on stop). */
  storageDir?: string;
  /** Port to listen on; default a free one. */
  port?: number;
}

export interface LocalRegistry {
  /** `127.0.0.1:<port>`: the registry part of image references. */
  host: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  storageDir: string;
  service: ServiceProcess;
  stop(): Promise<void>;
}

/** Start `docker-registry` and wait until `/v2/` answers. Fails with an install hint when it is missing. */
export async function startRegistry(options: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  const binary = requireCommand('docker-registry', 'docker-registry');
  const port = options.port ?? (await freePort());
  const work = mkdtempSync(join(tmpdir(), 'paved-registry-'));
  const storageDir = options.storageDir ?? join(work, 'storage');
  let authBlock = '';
  if (options.auth) {
    requireCommand('htpasswd', 'apache2-utils');
    const result = spawnSync('htpasswd', ['-Bbn', options.auth.username, options.auth.password], {
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new PavedError(`htpasswd failed: ${result.stderr.trim()}`);
    const file = join(work, 'htpasswd');
    writeFileSync(file, result.stdout, { mode: 0o600 });
    authBlock = `auth:\n  htpasswd:\n    realm: paved-sandbox\n    path: ${file}\n`;
  }
  const config = join(work, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${storageDir}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:${port}
${authBlock}`,
  );
  const service = spawnService(`docker-registry :${port}`, binary, ['serve', config]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`docker-registry on ${url}`, () => answers(`${url}/v2/`), {
      process: service.child,
      output: service.output,
      timeoutMs: 20_000,
    });
  } catch (error) {
    await service.stop();
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
  return {
    host: `127.0.0.1:${port}`,
    url,
    port,
    storageDir,
    service,
    stop: async () => {
      await service.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
