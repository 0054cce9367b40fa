// No Docker engine runs here, so the docker builder is tested by the exact argv it hands to docker.
import { describe, expect, it } from 'vitest';
import { buildahBudArgs, buildahPushArgs } from '../../../actions/containerize/src/builders/buildah.js';
import { dockerBuildxArgs, type DockerfileBuild } from '../../../actions/containerize/src/builders/docker.js';
import { chooseBuilder } from '../../../actions/containerize/src/main.js';
import type { CommandRunner } from '../../../actions/containerize/src/command.js';

const build: DockerfileBuild = {
  context: '/ws/app',
  file: '/ws/app/Dockerfile',
  tags: ['ghcr.io/acme/shop:1.2.3', 'ghcr.io/acme/shop:latest'],
  labels: { 'org.opencontainers.image.version': '1.2.3' },
  annotations: { 'org.opencontainers.image.revision': 'abc' },
  platforms: [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64', variant: 'v8' },
  ],
  buildArgs: { NODE_ENV: 'production', GREETING: 'a b=c' },
  secretFiles: { npm_token: '/tmp/s/npm_token' },
  cacheFrom: ['type=gha'],
  cacheTo: ['type=gha,mode=max'],
  push: true,
};

describe('docker buildx argv', () => {
  it('passes every setting as its own argument, secrets as files, and pushes', () => {
    expect(dockerBuildxArgs(build, '/tmp/s/metadata.json')).toEqual([
      'buildx',
      'build',
      '--file',
      '/ws/app/Dockerfile',
      '--tag',
      'ghcr.io/acme/shop:1.2.3',
      '--tag',
      'ghcr.io/acme/shop:latest',
      '--label',
      'org.opencontainers.image.version=1.2.3',
      '--annotation',
      'org.opencontainers.image.revision=abc',
      '--platform',
      'linux/amd64,linux/arm64/v8',
      '--build-arg',
      'NODE_ENV=production',
      '--build-arg',
      'GREETING=a b=c',
      '--secret',
      'id=npm_token,src=/tmp/s/npm_token',
      '--cache-from',
      'type=gha',
      '--cache-to',
      'type=gha,mode=max',
      '--metadata-file',
      '/tmp/s/metadata.json',
      '--push',
      '/ws/app',
    ]);
  });

  it('leaves out --push and empty settings when building only', () => {
    const args = dockerBuildxArgs(
      {
        ...build,
        push: false,
        platforms: [],
        buildArgs: {},
        secretFiles: {},
        cacheFrom: [],
        cacheTo: [],
        annotations: {},
      },
      '/m.json',
    );
    expect(args).not.toContain('--push');
    expect(args).not.toContain('--platform');
    expect(args).not.toContain('--cache-from');
    expect(args.at(-1)).toBe('/ws/app');
  });
});

describe('buildah argv', () => {
  it('bud uses chroot isolation and vfs unless the environment chooses, and skips TLS only for loopback', () => {
    const one = { ...build, platforms: [], secretFiles: {} };
    expect(
      buildahBudArgs(one, { env: {}, insecure: false }, '127.0.0.1:5000/paved/node', '/tmp/auth.json'),
    ).toEqual([
      '--storage-driver',
      'vfs',
      'bud',
      '--isolation',
      'chroot',
      '--format',
      'oci',
      '--authfile',
      '/tmp/auth.json',
      '--tls-verify=false',
      '--file',
      '/ws/app/Dockerfile',
      '--tag',
      'ghcr.io/acme/shop:1.2.3',
      '--tag',
      'ghcr.io/acme/shop:latest',
      '--label',
      'org.opencontainers.image.version=1.2.3',
      '--annotation',
      'org.opencontainers.image.revision=abc',
      '--build-arg',
      'NODE_ENV=production',
      '--build-arg',
      'GREETING=a b=c',
      '/ws/app',
    ]);
    const chosen = buildahBudArgs(
      one,
      { env: { STORAGE_DRIVER: 'overlay', BUILDAH_ISOLATION: 'rootless' }, insecure: false },
      'ghcr.io/acme/base',
      undefined,
    );
    expect(chosen.slice(0, 4)).toEqual(['bud', '--format', 'oci', '--file']);
  });

  it('push writes the digest file and verifies TLS for remote registries', () => {
    expect(
      buildahPushArgs('ghcr.io/acme/shop:1.2.3', '/tmp/d', { env: {}, insecure: false }, undefined),
    ).toEqual([
      '--storage-driver',
      'vfs',
      'push',
      '--digestfile',
      '/tmp/d',
      'ghcr.io/acme/shop:1.2.3',
      'docker://ghcr.io/acme/shop:1.2.3',
    ]);
    expect(
      buildahPushArgs('127.0.0.1:5000/shop:1', '/tmp/d', { env: {}, insecure: false }, '/a.json'),
    ).toContain('--tls-verify=false');
  });
});

describe('builder: auto', () => {
  const runner =
    (answers: Record<string, number>): CommandRunner =>
    async (command, args) => ({
      code: answers[`${command} ${args[0]}`] ?? 127,
      stdout: answers[`${command} ${args[0]}`] === 0 ? '27.0.1\n' : '',
      stderr: '',
    });

  it.each<[string, Record<string, number>, string]>([
    [
      'docker when an engine answers and buildx is there',
      { 'docker info': 0, 'docker buildx': 0, 'buildah --version': 0 },
      'docker',
    ],
    ['buildah when the docker CLI has no engine', { 'docker info': 1, 'buildah --version': 0 }, 'buildah'],
    [
      'buildah when buildx is missing',
      { 'docker info': 0, 'docker buildx': 1, 'buildah --version': 0 },
      'buildah',
    ],
    ['paved when neither is there', {}, 'paved'],
  ])('%s', async (_name, answers, expected) => {
    expect(await chooseBuilder('auto', runner(answers))).toBe(expected);
  });

  it('an explicit builder is used as given', async () => {
    expect(await chooseBuilder('buildah', runner({}))).toBe('buildah');
  });
});
