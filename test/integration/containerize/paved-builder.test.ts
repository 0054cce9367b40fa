// The containerize action with the paved builder against a real docker-registry, read back with skopeo
// and umoci, and the unpacked image run as a process.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../../shared/oci/client.js';
import { prepareRunnableImage } from '../../../shared/oci/pull.js';
import { readTar } from '../../../shared/tar.js';
import { publishNodeBaseImage, type PublishedBaseImage } from '../../../sandbox/base-image.js';
import { freePort, requireCommand, stopProcess, waitFor } from '../../../sandbox/process.js';
import { startRegistry, type LocalRegistry } from '../../../sandbox/registry.js';
import { makeWorkspace, node24, run, runContainerize, type Workspace } from './harness.js';

let registry: LocalRegistry;
let base: PublishedBaseImage;
let workspace: Workspace;

beforeAll(async () => {
  requireCommand('skopeo', 'skopeo');
  requireCommand('umoci', 'umoci');
  registry = await startRegistry();
  base = await publishNodeBaseImage({ registry: registry.host });
  workspace = makeWorkspace();
});

afterAll(async () => {
  await registry?.stop();
});

function pavedInputs(repository: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    images: `${registry.host}/${repository}`,
    tags: 'type=sha\ntype=ref,event=branch\ntype=raw,value=v-{{sha}}',
    builder: 'paved',
    context: 'service',
    'base-image': `${registry.host}/paved/node:20`,
    user: '1000',
    expose: '8080',
    env: 'NODE_ENV=production',
    ...extra,
  };
}

function skopeoInspect(reference: string, raw = false): Record<string, unknown> {
  return JSON.parse(
    run('skopeo', ['inspect', '--tls-verify=false', ...(raw ? ['--raw'] : []), `docker://${reference}`]),
  ) as Record<string, unknown>;
}

describe('paved builder, registry without auth', () => {
  let first: Awaited<ReturnType<typeof runContainerize>>;

  beforeAll(async () => {
    first = await runContainerize(workspace, pavedInputs('acme/sample'));
  });

  it('pushes the image and reports image, digest, tags, labels and metadata', () => {
    expect(first.errors).toEqual([]);
    expect(first.code).toBe(0);
    const short = workspace.sha.slice(0, 7);
    const name = `${registry.host}/acme/sample`;
    expect(first.outputs['digest']).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(first.outputs['image']).toBe(`${name}@${first.outputs['digest']}`);
    expect(first.outputs['tags']?.split('\n')).toEqual([
      `${name}:main`,
      `${name}:v-${short}`,
      `${name}:sha-${short}`,
      `${name}:latest`,
    ]);
    expect(first.outputs['labels']).toContain(`org.opencontainers.image.revision=${workspace.sha}`);
    const metadata = JSON.parse(first.outputs['metadata'] as string) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      digest: first.outputs['digest'],
      builder: 'paved',
      version: 'main',
      pushed: true,
    });
    expect(first.stdout).toMatch(/bytes sent in 3 blob\(s\)/);
    expect(first.stdout).toMatch(/base layer 1\/2 .*: mounted from paved\/node/);
  });

  it('skopeo reads back the tags, labels, config and OCI manifest', () => {
    const name = `${registry.host}/acme/sample`;
    const inspect = skopeoInspect(`${name}:main`);
    expect(inspect['Digest']).toBe(first.outputs['digest']);
    expect((inspect['RepoTags'] as string[]).sort()).toEqual(
      ['latest', 'main', `sha-${workspace.sha.slice(0, 7)}`, `v-${workspace.sha.slice(0, 7)}`].sort(),
    );
    expect(inspect['Labels']).toEqual({
      'org.opencontainers.image.created': '2026-01-02T03:04:05.000Z',
      'org.opencontainers.image.description': 'The Paved sample service',
      'org.opencontainers.image.licenses': 'MIT',
      'org.opencontainers.image.revision': workspace.sha,
      'org.opencontainers.image.source': 'https://github.com/acme/sample-service',
      'org.opencontainers.image.title': 'sample-service',
      'org.opencontainers.image.url': 'https://github.com/acme/sample-service',
      'org.opencontainers.image.version': 'main',
    });
    expect(inspect['Layers']).toHaveLength(4);
    const manifest = skopeoInspect(`${name}:main`, true) as {
      mediaType: string;
      annotations: Record<string, string>;
    };
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.annotations['org.opencontainers.image.base.name']).toBe(`${registry.host}/paved/node:20`);
    expect(manifest.annotations['org.opencontainers.image.revision']).toBe(workspace.sha);
    const config = JSON.parse(
      run('skopeo', ['inspect', '--tls-verify=false', '--config', `docker://${name}:main`]),
    ) as {
      config: Record<string, unknown>;
    };
    expect(config.config).toMatchObject({
      User: '1000',
      WorkingDir: '/app',
      Cmd: ['node', 'src/server.js'],
      ExposedPorts: { '8080/tcp': {} },
    });
    expect(config.config['Env']).toEqual(
      expect.arrayContaining(['PATH=/usr/local/bin:/usr/bin:/bin', 'NODE_ENV=production']),
    );
  });

  it('umoci unpacks it: node from the base, dependencies and sources in separate layers, and it runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paved-umoci-'));
    run('skopeo', [
      'copy',
      '--src-tls-verify=false',
      `docker://${registry.host}/acme/sample:main`,
      `oci:${dir}/layout:main`,
    ]);
    // Per layer: which files does each one carry?
    const index = JSON.parse(readFileSync(join(dir, 'layout', 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    const blob = (digest: string) => readFileSync(join(dir, 'layout', 'blobs', 'sha256', digest.slice(7)));
    const manifest = JSON.parse(blob(index.manifests[0]!.digest).toString()) as {
      layers: { digest: string }[];
    };
    const files = manifest.layers.map((layer) =>
      readTar(blob(layer.digest))
        .filter((e) => e.type === 'file')
        .map((e) => e.path),
    );
    expect(files[0]).toEqual(expect.arrayContaining(['etc/passwd', 'lib64/ld-linux-x86-64.so.2']));
    expect(files[1]).toEqual(['usr/local/bin/node']);
    expect(files[2]!.every((p) => p.startsWith('app/node_modules/'))).toBe(true);
    expect(files[2]).toContain('app/node_modules/prom-client/package.json');
    expect(files[3]!.sort()).toEqual(
      [
        'app/.dockerignore',
        'app/.gitignore',
        'app/README.md',
        'app/Dockerfile',
        'app/package-lock.json',
        'app/package.json',
        'app/scripts/configure-build.js',
        'app/src/app.js',
        'app/src/faults.d.ts',
        'app/src/faults.js',
        'app/src/server.js',
      ].sort(),
    );
    // Every entry is owned by root with the fixed mtime.
    for (const layer of manifest.layers.slice(2)) {
      for (const entry of readTar(blob(layer.digest)))
        expect([entry.uid, entry.gid, entry.mtime]).toEqual([0, 0, 0]);
    }

    run('umoci', ['unpack', '--image', `${dir}/layout:main`, `${dir}/bundle`]);
    const rootfs = join(dir, 'bundle', 'rootfs');
    expect(existsSync(join(rootfs, 'usr/local/bin/node'))).toBe(true);
    expect(readdirSync(join(rootfs, 'app/src')).sort()).toEqual([
      'app.js',
      'faults.d.ts',
      'faults.js',
      'server.js',
    ]);
    const runtime = JSON.parse(readFileSync(join(dir, 'bundle', 'config.json'), 'utf8')) as {
      process: { args: string[]; cwd: string; user: { uid: number } };
    };
    expect(runtime.process).toMatchObject({
      args: ['node', 'src/server.js'],
      cwd: '/app',
      user: { uid: 1000 },
    });

    // The image's own node runs the image's service, as the Argo CD stand-in will.
    const port = await freePort();
    const child = spawn(join(rootfs, 'usr/local/bin/node'), runtime.process.args.slice(1), {
      cwd: join(rootfs, 'app'),
      env: { PORT: String(port), HOST: '127.0.0.1', SERVICE_VERSION: 'from-image' },
    });
    try {
      await waitFor(
        'service from the image',
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
        { process: child, timeoutMs: 15_000 },
      );
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(response.headers.get('x-service-version')).toBe('from-image');
    } finally {
      await stopProcess(child);
    }
  });

  it('shared/oci prepareRunnableImage unpacks it once per digest and gives the command to run it', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'paved-runnable-'));
    const image = await prepareRunnableImage(`${registry.host}/acme/sample:main`, cache);
    expect(image.digest).toBe(first.outputs['digest']);
    expect(image).toMatchObject({ args: ['node', 'src/server.js'], cwd: '/app', user: '1000' });
    expect(image.env).toContain('NODE_ENV=production');
    expect(statSync(join(image.rootfs, 'usr/local/bin/node')).mode & 0o111).not.toBe(0);
    expect(readFileSync(join(image.rootfs, 'app/package.json'), 'utf8')).toContain(
      '"name": "sample-service"',
    );
    const again = await prepareRunnableImage(`${registry.host}/acme/sample@${image.digest}`, cache);
    expect(again.rootfs).toBe(image.rootfs);
    expect(readdirSync(cache).filter((name) => name.startsWith('.unpacking-'))).toEqual([]);
    const port = await freePort();
    const child = spawn(join(image.rootfs, 'usr/local/bin', image.args[0] as string), image.args.slice(1), {
      cwd: join(image.rootfs, image.cwd),
      env: { PORT: String(port), HOST: '127.0.0.1' },
    });
    try {
      await waitFor(
        'service from prepareRunnableImage',
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
        {
          process: child,
          timeoutMs: 15_000,
        },
      );
    } finally {
      await stopProcess(child);
    }
  });

  it('builds the same digest from the same inputs, sending nothing the second time', async () => {
    const again = await runContainerize(workspace, pavedInputs('acme/sample'));
    expect(again.code).toBe(0);
    expect(again.outputs['digest']).toBe(first.outputs['digest']);
    expect(again.stdout).toContain('0 bytes sent in 0 blob(s)');
    // node_modules did not change and the registry has the layer: it was not even re-read.
    expect(again.stdout).toMatch(
      /layer dependencies \(node_modules\): \d+ entries, .*\(unchanged since the last build: not rebuilt\)/,
    );
  });

  it('the committed bundle under Node 24 builds the same digest', async () => {
    if (!existsSync(node24))
      throw new Error(`Node 24 is missing at ${node24}; run: bash scripts/ensure-test-deps.sh`);
    const bundled = await runContainerize(workspace, pavedInputs('acme/sample'), {}, { node: node24 });
    expect(bundled.errors).toEqual([]);
    expect(bundled.outputs['digest']).toBe(first.outputs['digest']);
  });

  it('rebuilds a remembered dependencies layer when the target repository does not have it', async () => {
    const other = await runContainerize(workspace, pavedInputs('acme/other'));
    expect(other.code).toBe(0);
    expect(other.outputs['digest']).toBe(first.outputs['digest']);
    expect(other.stdout).not.toContain('not rebuilt');
    expect(other.stdout).toMatch(/acme\/other: layer dependencies \(node_modules\) .*: uploaded/);
  });

  it('after one source file changes, uploads only the sources layer and the config, and says how many bytes', async () => {
    appendFileSync(join(workspace.service, 'src', 'app.js'), '\n// a one-line change\n');
    workspace.commit('change one file');
    const rebuilt = await runContainerize(workspace, pavedInputs('acme/sample'));
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.outputs['digest']).not.toBe(first.outputs['digest']);
    const uploaded = rebuilt.stdout.split('\n').filter((line) => /: uploaded /.test(line));
    expect(uploaded).toHaveLength(2);
    expect(uploaded[0]).toMatch(/layer sources /);
    expect(uploaded[1]).toMatch(/config /);
    expect(rebuilt.stdout).toMatch(/layer dependencies \(node_modules\) .*already present, skipped/);
    const sent = Number(/: (\d+) bytes sent in 2 blob\(s\)/.exec(rebuilt.stdout)?.[1]);
    const metadata = JSON.parse(rebuilt.outputs['metadata'] as string) as { bytesSent: number };
    expect(metadata.bytesSent).toBe(sent);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(20_000);
  });

  it('push: false reports the digest it would push and pushes nothing', async () => {
    const dry = await runContainerize(workspace, { ...pavedInputs('acme/dry-run'), push: 'false' });
    expect(dry.errors).toEqual([]);
    expect(dry.outputs['digest']).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(JSON.parse(dry.outputs['metadata'] as string)).toMatchObject({ pushed: false });
    expect(await new RegistryClient({ registry: registry.host }).listTags('acme/dry-run')).toEqual([]);
    const real = await runContainerize(workspace, pavedInputs('acme/dry-run'));
    expect(real.outputs['digest']).toBe(dry.outputs['digest']);
  });

  it('pushes large blobs in chunks and mounts blobs across repositories', async () => {
    const client = new RegistryClient({ registry: registry.host, chunkSize: 64 * 1024 });
    const data = Buffer.alloc(300 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
    const pushed = await client.pushBlob('chunks/a', data);
    expect(pushed).toMatchObject({ action: 'uploaded', bytesSent: data.length, chunks: 5 });
    expect((await client.getBlob('chunks/a', pushed.digest)).equals(data)).toBe(true);
    expect(await client.pushBlob('chunks/b', data, { mountFrom: ['chunks/a'] })).toMatchObject({
      action: 'mounted',
      bytesSent: 0,
    });
    expect(await client.pushBlob('chunks/b', data)).toMatchObject({ action: 'exists', bytesSent: 0 });
  });

  it('selects the platform from the multi-arch index and says which platforms exist when none fits', async () => {
    const client = new RegistryClient({ registry: registry.host });
    const resolved = await client.resolveImage('paved/node', '20');
    expect(resolved.index?.digest).toBe(base.indexDigest);
    expect(resolved.digest).toBe(base.manifestDigest);
    await expect(
      client.resolveImage('paved/node', '20', { os: 'linux', architecture: 's390x' }),
    ).rejects.toThrow(/has no linux\/s390x variant \(it offers: linux\/(amd64|arm64)/);
  });
});

describe('failures: one clear error, exit 1, no manifest pushed', () => {
  async function expectFailure(
    repository: string,
    inputs: Record<string, string>,
    message: RegExp,
  ): Promise<void> {
    const result = await runContainerize(workspace, { ...pavedInputs(repository), ...inputs });
    expect(result.code).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(message);
    expect(result.stdout).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    expect(await new RegistryClient({ registry: registry.host }).listTags(repository)).toEqual([]);
  }

  it('an invalid tag template names the tags input', async () => {
    await expectFailure(
      'fail/template',
      { tags: 'type=raw,value={{brnch}}' },
      /^::error::Input 'tags' must be .*'\{\{brnch\}\}' is unknown/,
    );
  });

  it('a missing base image names the registry, the image and the input', async () => {
    await expectFailure(
      'fail/base',
      { 'base-image': `${registry.host}/paved/nodejs:99` },
      new RegExp(
        `^::error::registry ${registry.host.replace(/\./g, '\\.')}: image .*paved/nodejs:99 was not found.*check the 'base-image' input`,
      ),
    );
  });

  it('a build context outside the workspace names the context input', async () => {
    await expectFailure(
      'fail/context',
      { context: '../..' },
      /^::error::Input 'context' must be a path inside the workspace/,
    );
  });

  it('an unreachable registry is named', async () => {
    const port = await freePort();
    const result = await runContainerize(workspace, {
      ...pavedInputs('x'),
      images: `127.0.0.1:${port}/acme/sample`,
    });
    expect(result.code).toBe(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatch(
      new RegExp(
        `^::error::registry 127\\.0\\.0\\.1:${port}: GET http://127\\.0\\.0\\.1:${port}/v2/ failed: .*ECONNREFUSED`,
      ),
    );
  });
});
