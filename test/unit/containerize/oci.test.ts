// shared/oci and shared/tar: references, auth challenges, the Docker config file, deterministic tars.
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
  existsSync,
  symlinkSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { credentialsFromDockerConfig, parseWwwAuthenticate } from '../../../shared/oci/auth.js';
import {
  buildLayer,
  buildLayerStreaming,
  directoryEntries,
  ignorePatternToRegExp,
  unpackLayer,
} from '../../../shared/oci/layer.js';
import { formatImageReference, parseImageReference } from '../../../shared/oci/reference.js';
import { platformMatches } from '../../../shared/oci/types.js';
import { createTar, readTar } from '../../../shared/tar.js';
import { parseLdd } from '../../../sandbox/base-image.js';

describe('parseImageReference', () => {
  it.each([
    ['node', { registry: 'docker.io', repository: 'library/node', tag: undefined, digest: undefined }],
    ['node:20', { registry: 'docker.io', repository: 'library/node', tag: '20' }],
    ['acme/shop', { registry: 'docker.io', repository: 'acme/shop' }],
    ['ghcr.io/acme/shop:1.2.3', { registry: 'ghcr.io', repository: 'acme/shop', tag: '1.2.3' }],
    ['127.0.0.1:5000/shop', { registry: '127.0.0.1:5000', repository: 'shop', tag: undefined }],
    ['localhost/a/b:c', { registry: 'localhost', repository: 'a/b', tag: 'c' }],
    [
      `r.io/x@sha256:${'a'.repeat(64)}`,
      { registry: 'r.io', repository: 'x', digest: `sha256:${'a'.repeat(64)}` },
    ],
  ])('%s', (text, expected) => {
    expect(parseImageReference(text)).toMatchObject(expected);
  });

  it.each(['', 'r.io/UPPER', 'r.io/x:-bad', 'r.io/x@sha256:short', 'r.io//x'])(
    'refuses %j naming the input',
    (text) => {
      expect(() => parseImageReference(text, 'base-image')).toThrow(
        /^Input 'base-image' must be an image reference like/,
      );
    },
  );

  it('formats back without Docker Hub noise', () => {
    expect(formatImageReference(parseImageReference('node:20'))).toBe('node:20');
    expect(formatImageReference(parseImageReference('127.0.0.1:5000/a/b:1'))).toBe('127.0.0.1:5000/a/b:1');
  });
});

describe('WWW-Authenticate', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/node:pull',
          },
        },
      ],
    ],
    ['Basic realm="paved-sandbox"', [{ scheme: 'basic', params: { realm: 'paved-sandbox' } }]],
    [
      'Bearer realm="https://ghcr.io/token",scope="repository:a/b:pull,push"',
      [{ scheme: 'bearer', params: { realm: 'https://ghcr.io/token', scope: 'repository:a/b:pull,push' } }],
    ],
    [
      'Basic realm="a", Bearer realm="b"',
      [
        { scheme: 'basic', params: { realm: 'a' } },
        { scheme: 'bearer', params: { realm: 'b' } },
      ],
    ],
    ['Bearer realm=unquoted, service=x', [{ scheme: 'bearer', params: { realm: 'unquoted', service: 'x' } }]],
  ])('%s', (header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });
});

describe('credentials from the Docker config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'paved-docker-config-'));
  const env = { DOCKER_CONFIG: dir };

  it('reads auth entries by host and by URL, and nothing for unknown registries', () => {
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        auths: {
          '127.0.0.1:5000': { auth: Buffer.from('bob:s3cr:et').toString('base64') },
          'https://index.docker.io/v1/': { username: 'hub', password: 'hubpass' },
        },
      }),
    );
    expect(credentialsFromDockerConfig('127.0.0.1:5000', env)).toEqual({
      username: 'bob',
      password: 's3cr:et',
      source: join(dir, 'config.json'),
    });
    expect(credentialsFromDockerConfig('docker.io', env)).toMatchObject({
      username: 'hub',
      password: 'hubpass',
    });
    expect(credentialsFromDockerConfig('ghcr.io', env)).toBeUndefined();
  });

  it('says so when a credential helper holds the secret', () => {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ credHelpers: { 'ghcr.io': 'pass' } }));
    expect(() => credentialsFromDockerConfig('ghcr.io', env)).toThrow(
      /docker-credential-pass.*pass 'username' and 'password' instead/,
    );
  });

  it('treats a missing file as no credentials', () => {
    expect(credentialsFromDockerConfig('ghcr.io', { DOCKER_CONFIG: join(dir, 'absent') })).toBeUndefined();
  });
});

describe('platform matching', () => {
  it.each([
    [{ os: 'linux', architecture: 'arm64', variant: 'v8' }, { os: 'linux', architecture: 'arm64' }, true],
    [
      { os: 'linux', architecture: 'arm', variant: 'v6' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
      false,
    ],
    [{ os: 'windows', architecture: 'amd64' }, { os: 'linux', architecture: 'amd64' }, false],
  ])('%j serves %j: %s', (candidate, wanted, expected) => {
    expect(platformMatches(candidate, wanted)).toBe(expected);
  });
});

describe('deterministic tar', () => {
  const entries = [
    { path: 'app/src/index.js', type: 'file' as const, data: Buffer.from('console.log(1)\n') },
    { path: 'app/bin/run', type: 'file' as const, data: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
    { path: `app/${'deep/'.repeat(30)}file.txt`, type: 'file' as const, data: Buffer.from('deep') },
    { path: 'app/link', type: 'symlink' as const, linkname: 'src/index.js' },
  ];

  it('gives the same bytes whatever the input order, and GNU tar reads it with root ownership and fixed mtimes', () => {
    const a = createTar(entries);
    const b = createTar([...entries].reverse());
    expect(a.equals(b)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'paved-tar-'));
    writeFileSync(join(dir, 'x.tar'), a);
    const listing = spawnSync('tar', ['--numeric-owner', '-tvf', join(dir, 'x.tar')], { encoding: 'utf8' });
    expect(listing.status).toBe(0);
    const lines = listing.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/).at(-1)).slice(0, 3)).toEqual(['app/', 'app/bin/', 'app/bin/run']);
    for (const line of lines) expect(line).toMatch(/ 0\/0 .* 1970-01-01 /);
    expect(listing.stdout).toContain(`app/${'deep/'.repeat(30)}file.txt`);
    expect(listing.stdout).toMatch(/^-rwxr-xr-x .* app\/bin\/run$/m);
  });

  it('reads back what it writes, long names included', () => {
    const read = readTar(createTar(entries));
    expect(read.find((e) => e.path.endsWith('file.txt'))?.data.toString()).toBe('deep');
    expect(read.find((e) => e.path === 'app/link')).toMatchObject({
      type: 'symlink',
      linkname: 'src/index.js',
    });
  });

  it('builds the same layer digest from the same directory twice, and a different one after a change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paved-layer-'));
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.git', 'HEAD'), 'x');
    writeFileSync(join(dir, 'src', 'a.js'), 'a');
    writeFileSync(join(dir, 'debug.log'), 'noise');
    writeFileSync(join(dir, 'run.sh'), 'run');
    chmodSync(join(dir, 'run.sh'), 0o700);
    symlinkSync('src/a.js', join(dir, 'main.js'));
    const make = () => buildLayer(directoryEntries(dir, { destination: '/app', exclude: ['.git', '*.log'] }));
    const first = make();
    expect(make().digest).toBe(first.digest);
    const paths = readTar(first.blob).map((e) => `${e.path} ${e.mode.toString(8)}`);
    expect(paths).toEqual([
      'app 755',
      'app/main.js 777',
      'app/run.sh 755',
      'app/src 755',
      'app/src/a.js 644',
    ]);
    writeFileSync(join(dir, 'src', 'a.js'), 'b');
    expect(make().digest).not.toBe(first.digest);
  });

  it('the streaming layer builder (files read while gzip runs) gives the same bytes as the in-memory one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paved-stream-'));
    for (let i = 0; i < 60; i++) {
      mkdirSync(join(dir, `pkg${i % 7}`), { recursive: true });
      // Incompressible-ish content so that the gzip stream crosses many internal buffer boundaries.
      writeFileSync(
        join(dir, `pkg${i % 7}`, `f${i}.js`),
        Buffer.from(Array.from({ length: 9000 + i * 517 }, (_, j) => (j * 2654435761 + i) % 251)),
      );
    }
    const eager = buildLayer(directoryEntries(dir, { destination: '/app/node_modules' }));
    const streamed = await buildLayerStreaming(
      directoryEntries(dir, { destination: '/app/node_modules', lazy: true }),
    );
    expect(streamed.digest).toBe(eager.digest);
    expect(streamed.diffId).toBe(eager.diffId);
    expect(streamed.blob.equals(eager.blob)).toBe(true);
  });

  it('unpacks layers in order with whiteouts, and refuses entries that climb out', () => {
    const target = mkdtempSync(join(tmpdir(), 'paved-unpack-'));
    unpackLayer(
      buildLayer([
        { path: 'etc/a', type: 'file', data: Buffer.from('1') },
        { path: 'etc/b', type: 'file', data: Buffer.from('2') },
        { path: 'opt/x/y', type: 'file', data: Buffer.from('3') },
      ]).blob,
      target,
    );
    unpackLayer(
      buildLayer([
        { path: 'etc/.wh.a', type: 'file' },
        { path: 'opt/x/.wh..wh..opq', type: 'file' },
        { path: 'opt/x/z', type: 'file', data: Buffer.from('4') },
        { path: 'bin/sh', type: 'symlink', linkname: '/usr/bin/dash' },
      ]).blob,
      target,
    );
    expect(existsSync(join(target, 'etc/a'))).toBe(false);
    expect(readFileSync(join(target, 'etc/b'), 'utf8')).toBe('2');
    expect(existsSync(join(target, 'opt/x/y'))).toBe(false);
    expect(readFileSync(join(target, 'opt/x/z'), 'utf8')).toBe('4');
    expect(readlinkSync(join(target, 'bin/sh'))).toBe('/usr/bin/dash');
    expect(statSync(join(target, 'etc')).isDirectory()).toBe(true);
    expect(() => createTar([{ path: '../evil', type: 'file' }])).toThrow(/climbs out/);
  });

  it.each([
    ['node_modules', 'node_modules/a/b.js', true],
    ['node_modules', 'src/node_modules/x', true],
    ['/node_modules', 'src/node_modules/x', false],
    ['*.log', 'logs/a.log', true],
    ['dist/', 'dist/x.js', true],
    ['**/*.test.ts', 'src/a/b.test.ts', true],
    ['src/*.md', 'src/a/b.md', false],
  ])('ignore pattern %s on %s: %s', (pattern, path, expected) => {
    expect(ignorePatternToRegExp(pattern).test(path)).toBe(expected);
  });
});

describe('ldd parsing for the base image', () => {
  it('keeps resolved libraries and the loader, drops the vdso', () => {
    const output = `\tlinux-vdso.so.1 (0x00007ffd)\n\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f)\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)\n\t/lib64/ld-linux-x86-64.so.2 (0x00007f)\n`;
    expect(parseLdd(output)).toEqual([
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib/x86_64-linux-gnu/libdl.so.2',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });
});
