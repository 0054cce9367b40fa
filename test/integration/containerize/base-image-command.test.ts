// `paved sandbox base-image`: refuses malformed options before doing anything, and publishes a Node
// base image that skopeo reads back as a multi-platform index whose node runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../cli/command.js';
import { runCli } from '../../../cli/main.js';
import { hostPlatform } from '../../../shared/oci/types.js';
import { sharedLibraries } from '../../../sandbox/base-image.js';
import { requireCommand } from '../../../sandbox/process.js';
import { startRegistry, type LocalRegistry } from '../../../sandbox/registry.js';
import { run } from './harness.js';

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    cwd: process.cwd(),
    env,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    usageError: (message) => {
      err.push(`paved: ${message}`);
      return 2;
    },
    interactive: false,
  };
  return { value, out, err };
}

let registry: LocalRegistry;

beforeAll(async () => {
  requireCommand('skopeo', 'skopeo');
  registry = await startRegistry();
});

afterAll(async () => {
  await registry?.stop();
});

describe('paved sandbox base-image', () => {
  it.each<[string[], RegExp]>([
    [[], /--registry must be a registry host like 127\.0\.0\.1:5000; got ""/],
    [['--registry', 'http://127.0.0.1:5000'], /--registry must be a registry host/],
    [['--registry', '127.0.0.1:5000', '--tag', '-bad'], /--tag must be a tag like 20/],
    [
      ['--registry', '127.0.0.1:5000', '--repository', 'Paved/Node'],
      /--repository must be a repository path/,
    ],
    [['--registry', '127.0.0.1:5000', '--colour', 'red'], /unknown option "--colour"/],
    [['--registry', '127.0.0.1:5000', '--username', 'bob'], /PAVED_REGISTRY_PASSWORD/],
  ])('refuses %j with exit code 2', async (args, message) => {
    const c = io();
    expect(await runCli(['sandbox', 'base-image', ...args], c.value)).toBe(2);
    expect(c.err.join('\n')).toMatch(message);
  });

  it('publishes node from this host as an index with this platform, and its node runs', async () => {
    const c = io();
    expect(
      await runCli(['sandbox', 'base-image', '--registry', registry.host, '--tag', 'host'], c.value),
    ).toBe(0);
    expect(c.out[0]).toBe(`published ${registry.host}/paved/node:host (host)`);
    const index = JSON.parse(
      run('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${registry.host}/paved/node:host`]),
    ) as {
      mediaType: string;
      manifests: { platform: { os: string; architecture: string } }[];
    };
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(index.manifests.map((m) => m.platform)).toEqual([hostPlatform()]);
    const dir = mkdtempSync(join(tmpdir(), 'paved-base-'));
    run('skopeo', [
      'copy',
      '--src-tls-verify=false',
      `docker://${registry.host}/paved/node:host`,
      `oci:${dir}/layout:x`,
    ]);
    run('umoci', ['unpack', '--image', `${dir}/layout:x`, `${dir}/bundle`]);
    // The packaged node and the libraries ldd listed are enough to run it from the image's own loader.
    const rootfs = join(dir, 'bundle', 'rootfs');
    const libraries = sharedLibraries(process.execPath);
    const loader = libraries.find((path) => /\/ld-linux[^/]*$/.test(path));
    expect(loader).toBeDefined();
    const libraryPath = [...new Set(libraries.map((path) => join(rootfs, dirname(path))))].join(':');
    const ran = spawnSync(
      join(rootfs, loader as string),
      [
        '--library-path',
        libraryPath,
        join(rootfs, 'usr/local/bin/node'),
        '-e',
        'console.log(process.version)',
      ],
      { encoding: 'utf8' },
    );
    expect(ran.stdout.trim()).toBe(process.version);
  });
});

describe('registry as a sandbox stack service', () => {
  it('starts docker-registry with the base image published, and stops it', async () => {
    const { registryService } = await import('../../../sandbox/registry-service.js');
    const { startStack, stopStack } = await import('../../../sandbox/stack.js');
    const dir = mkdtempSync(join(tmpdir(), 'paved-stack-'));
    const lines: string[] = [];
    const [service] = await startStack([registryService], {
      dir,
      started: new Map(),
      log: (line) => lines.push(line),
    });
    try {
      expect(service?.env?.['PAVED_BASE_IMAGE']).toMatch(/^127\.0\.0\.1:\d+\/paved\/node:\d+$/);
      const host = service?.env?.['PAVED_REGISTRY'] as string;
      const tags = JSON.parse(
        run('skopeo', ['list-tags', '--tls-verify=false', `docker://${host}/paved/node`]),
      ) as { Tags: string[] };
      expect(tags.Tags).toContain(process.versions.node.split('.')[0]);
      expect(lines.join('\n')).toMatch(/published .*paved\/node/);
    } finally {
      await stopStack(service ? [service] : []);
    }
    expect(
      await fetch(`${service?.url}/v2/`).then(
        () => 'answered',
        () => 'stopped',
      ),
    ).toBe('stopped');
  });
});
