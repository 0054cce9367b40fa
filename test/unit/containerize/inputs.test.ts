import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputReader } from '../../../shared/inputs.js';
import { dockerfileBaseImage, getInputs, parseCommand } from '../../../actions/containerize/src/inputs.js';

const workspace = mkdtempSync(join(tmpdir(), 'paved-ws-'));
mkdirSync(join(workspace, 'app'));
writeFileSync(join(workspace, 'app', 'Dockerfile'), 'FROM 127.0.0.1:5000/paved/node:20\n');
const outside = mkdtempSync(join(tmpdir(), 'paved-outside-'));
symlinkSync(outside, join(workspace, 'escape'));

function inputs(values: Record<string, string>) {
  const reader = new InputReader({ get: (name) => values[name] });
  return getInputs(reader, { GITHUB_WORKSPACE: workspace }, (path) =>
    path.endsWith('Dockerfile') ? 'FROM 127.0.0.1:5000/paved/node:20\n' : '',
  );
}

describe('containerize inputs', () => {
  it('reads a paved build with defaults', () => {
    const result = inputs({ images: '127.0.0.1:5000/Shop', context: 'app', builder: 'paved' });
    expect(result.images).toEqual(['127.0.0.1:5000/shop']);
    expect(result.baseImage).toMatchObject({
      registry: '127.0.0.1:5000',
      repository: 'paved/node',
      tag: '20',
    });
    expect(result.shaLength).toBe(7);
    expect(result.workdir).toBe('/app');
    expect(result.dependencyPaths).toEqual(['node_modules']);
    expect(result.registry).toBe('127.0.0.1:5000');
    expect(result.push).toBe(true);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'a context outside the workspace',
      { images: 'r.io/a', context: '../' },
      /^Input 'context' must be a path inside the workspace/,
    ],
    [
      'a context that escapes through a symlink',
      { images: 'r.io/a', context: 'escape' },
      /^Input 'context' must be a path inside the workspace .* \(it resolves to /,
    ],
    [
      'a missing context',
      { images: 'r.io/a', context: 'nope' },
      /^Input 'context' must be an existing path inside the workspace/,
    ],
    [
      'an image with a tag',
      { images: 'r.io/a:1.0', context: 'app' },
      /^Input 'images' must be image names without a tag/,
    ],
    [
      'a malformed image',
      { images: 'r.io/UPPER CASE', context: 'app' },
      /^Input 'images' must be an image reference/,
    ],
    [
      'an invalid tag template',
      { images: 'r.io/a', context: 'app', tags: 'type=raw,value={{branch}' },
      /^Input 'tags' must be/,
    ],
    [
      'an unknown builder',
      { images: 'r.io/a', context: 'app', builder: 'kaniko' },
      /^Input 'builder' must be one of 'auto', 'docker', 'buildah', 'paved'; got "kaniko"/,
    ],
    [
      'a username without a password',
      { images: 'r.io/a', context: 'app', username: 'bob' },
      /^Inputs 'username' and 'password' cannot be used together/,
    ],
    [
      'two platforms for the paved builder',
      { images: 'r.io/a', context: 'app', builder: 'paved', platforms: 'linux/amd64,linux/arm64' },
      /^Input 'platforms' must be one platform for the paved builder/,
    ],
    [
      'a bad platform',
      { images: 'r.io/a', context: 'app', platforms: 'amd64' },
      /^Input 'platforms' must be platforms like linux\/amd64/,
    ],
    [
      'a bad port',
      { images: 'r.io/a', context: 'app', expose: '80800' },
      /^Input 'expose' must be ports like 8080/,
    ],
    [
      'a relative workdir',
      { images: 'r.io/a', context: 'app', workdir: 'app' },
      /^Input 'workdir' must be an absolute path like \/app/,
    ],
    [
      'sha-length out of range',
      { images: 'r.io/a', context: 'app', 'sha-length': '3' },
      /^Input 'sha-length' must be a whole number from 4 to 40; got "3"/,
    ],
    [
      'a dependency path that climbs out',
      { images: 'r.io/a', context: 'app', 'dependency-paths': '../x' },
      /^Input 'dependency-paths' must be paths relative to the context/,
    ],
    [
      'a malformed entrypoint',
      { images: 'r.io/a', context: 'app', entrypoint: '["node", 1]' },
      /^Input 'entrypoint' must be a JSON array of strings/,
    ],
    ['no images', { context: 'app' }, /^Input 'images' is required/],
  ])('refuses %s', (_name, values, message) => {
    expect(() => inputs(values)).toThrow(message);
  });

  it('requires a base image for the paved builder when the Dockerfile does not name one plainly', () => {
    const reader = new InputReader({
      get: (name) => ({ images: 'r.io/a', context: 'app', builder: 'paved' })[name],
    });
    expect(() => getInputs(reader, { GITHUB_WORKSPACE: workspace }, () => 'ARG B\nFROM ${B}\n')).toThrow(
      /^Input 'base-image' is required for the paved builder/,
    );
  });

  it.each<[string | undefined, string[] | undefined]>([
    [undefined, undefined],
    ['node server.js', ['node', 'server.js']],
    ['["node", "a b.js"]', ['node', 'a b.js']],
  ])('parses command %j', (text, expected) => {
    expect(parseCommand('cmd', text)).toEqual(expected);
  });

  it.each([
    ['FROM node:20\n', 'node:20'],
    ['# c\nFROM --platform=$BUILDPLATFORM golang AS build\n', 'golang'],
    ['ARG B\nFROM ${B}\n', undefined],
    ['ARG B=r.io/base:1\nFROM ${B}\n', 'r.io/base:1'],
    ['ARG REG=r.io\nARG TAG\nFROM $REG/base:${TAG}\n', 'r.io/base:7'],
  ])('finds the base image in %j', (text, expected) => {
    expect(dockerfileBaseImage(text, { TAG: '7' })).toBe(expected);
  });
});
