import { describe, expect, test } from 'vitest';
import {
  LOOKED_FOR,
  planBuild,
  type ProjectFiles,
  type ToolchainInput,
} from '../../../actions/build/src/detect.js';

function files(map: Record<string, string>): ProjectFiles {
  return { exists: (p) => Object.hasOwn(map, p), read: (p) => map[p] };
}
const pkg = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 'x', version: '1.0.0', scripts: { build: 'tsc' }, ...extra });

describe('toolchain detection and commands', () => {
  test.each<[string, Record<string, string>, ToolchainInput, Record<string, unknown>]>([
    [
      'npm with lockfile',
      { 'package.json': pkg(), 'package-lock.json': '{}' },
      'auto',
      {
        packageManager: 'npm',
        install: [['npm', 'ci', '--no-audit', '--no-fund']],
        build: [['npm', 'run', 'build']],
        keyFiles: ['package-lock.json'],
      },
    ],
    [
      'npm without lockfile',
      { 'package.json': pkg() },
      'auto',
      {
        packageManager: 'npm',
        install: [['npm', 'install', '--no-audit', '--no-fund']],
        keyFiles: ['package.json'],
      },
    ],
    [
      'npm shrinkwrap',
      { 'package.json': pkg(), 'npm-shrinkwrap.json': '{}' },
      'auto',
      { install: [['npm', 'ci', '--no-audit', '--no-fund']], keyFiles: ['npm-shrinkwrap.json'] },
    ],
    [
      'no build script: no build',
      { 'package.json': JSON.stringify({ name: 'x' }), 'package-lock.json': '{}' },
      'auto',
      { build: [] },
    ],
    [
      'pnpm from packageManager',
      { 'package.json': pkg({ packageManager: 'pnpm@9.15.0+sha512.abc' }), 'pnpm-lock.yaml': '' },
      'auto',
      {
        packageManager: 'pnpm',
        packageManagerVersion: '9.15.0',
        install: [['corepack', 'pnpm', 'install', '--frozen-lockfile']],
        build: [['corepack', 'pnpm', 'run', 'build']],
        keyFiles: ['pnpm-lock.yaml'],
      },
    ],
    [
      'pnpm from lockfile',
      { 'package.json': pkg(), 'pnpm-lock.yaml': '' },
      'auto',
      { packageManager: 'pnpm', packageManagerVersion: undefined },
    ],
    [
      'packageManager wins over a stray lockfile',
      {
        'package.json': pkg({ packageManager: 'yarn@1.22.22' }),
        'package-lock.json': '{}',
        'yarn.lock': '# yarn lockfile v1',
      },
      'auto',
      {
        packageManager: 'yarn',
        install: [['corepack', 'yarn', 'install', '--frozen-lockfile', '--non-interactive']],
        keyFiles: ['yarn.lock'],
      },
    ],
    [
      'yarn classic from lockfile',
      { 'package.json': pkg(), 'yarn.lock': '# yarn lockfile v1\n' },
      'auto',
      { packageManager: 'yarn' },
    ],
    [
      'yarn berry from packageManager',
      { 'package.json': pkg({ packageManager: 'yarn@4.5.3' }), 'yarn.lock': '__metadata:\n' },
      'auto',
      {
        packageManager: 'yarn-berry',
        install: [['corepack', 'yarn', 'install', '--immutable']],
        build: [['corepack', 'yarn', 'run', 'build']],
      },
    ],
    [
      'yarn berry from lockfile header',
      { 'package.json': pkg(), 'yarn.lock': '# generated\n\n__metadata:\n  version: 8\n' },
      'auto',
      { packageManager: 'yarn-berry' },
    ],
    [
      'yarn berry from .yarnrc.yml',
      { 'package.json': pkg(), 'yarn.lock': '', '.yarnrc.yml': '' },
      'auto',
      { packageManager: 'yarn-berry' },
    ],
    [
      'go',
      { 'go.mod': 'module x', 'go.sum': '' },
      'auto',
      {
        toolchain: 'go',
        install: [['go', 'mod', 'download']],
        build: [['go', 'build', './...']],
        keyFiles: ['go.sum'],
      },
    ],
    ['go without go.sum', { 'go.mod': 'module x' }, 'auto', { keyFiles: ['go.mod'] }],
    [
      'cargo',
      { 'Cargo.toml': '', 'Cargo.lock': '' },
      'auto',
      {
        toolchain: 'cargo',
        install: [['cargo', 'fetch', '--locked']],
        build: [['cargo', 'build', '--release', '--locked']],
        keyFiles: ['Cargo.lock'],
      },
    ],
    [
      'uv',
      { 'pyproject.toml': '[project]\n', 'uv.lock': '' },
      'auto',
      {
        packageManager: 'uv',
        install: [['uv', 'sync', '--frozen']],
        build: [['uv', 'build']],
        keyFiles: ['uv.lock'],
      },
    ],
    [
      'poetry',
      { 'pyproject.toml': '[tool.poetry]\nname="x"\n', 'poetry.lock': '' },
      'auto',
      {
        packageManager: 'poetry',
        install: [['poetry', 'install', '--no-interaction', '--no-root']],
        build: [['poetry', 'build', '--no-interaction']],
        keyFiles: ['poetry.lock'],
      },
    ],
    [
      'pip + pyproject',
      { 'pyproject.toml': '[project]\nname="x"\n' },
      'auto',
      {
        packageManager: 'pip',
        install: [
          ['python3', '-m', 'venv', '.venv'],
          ['.venv/bin/python', '-m', 'pip', 'install', '--disable-pip-version-check', '.'],
        ],
        keyFiles: ['pyproject.toml'],
      },
    ],
    [
      'pip + requirements.txt',
      { 'requirements.txt': 'flask\n' },
      'auto',
      {
        packageManager: 'pip',
        install: [
          ['python3', '-m', 'venv', '.venv'],
          [
            '.venv/bin/python',
            '-m',
            'pip',
            'install',
            '--disable-pip-version-check',
            '-r',
            'requirements.txt',
          ],
        ],
        keyFiles: ['requirements*.txt'],
      },
    ],
    [
      'maven',
      { 'pom.xml': '<project/>' },
      'auto',
      {
        toolchain: 'maven',
        install: [['mvn', '--batch-mode', '--no-transfer-progress', 'dependency:go-offline']],
        build: [['mvn', '--batch-mode', '--no-transfer-progress', 'package', '-DskipTests']],
        keyFiles: ['**/pom.xml'],
      },
    ],
    [
      'maven wrapper',
      { 'pom.xml': '<project/>', mvnw: '' },
      'auto',
      { build: [['./mvnw', '--batch-mode', '--no-transfer-progress', 'package', '-DskipTests']] },
    ],
    [
      'gradle kotlin dsl',
      { 'build.gradle.kts': '', 'settings.gradle.kts': '' },
      'auto',
      { toolchain: 'gradle', install: [], build: [['gradle', 'assemble', '--no-daemon', '--console=plain']] },
    ],
    [
      'gradle wrapper',
      { 'build.gradle': '', gradlew: '' },
      'auto',
      { build: [['./gradlew', 'assemble', '--no-daemon', '--console=plain']] },
    ],
    [
      'a Go service with a package.json for tooling: node first',
      { 'go.mod': '', 'package.json': pkg() },
      'auto',
      { toolchain: 'node' },
    ],
    [
      'toolchain override picks go over node',
      { 'go.mod': '', 'package.json': pkg() },
      'go',
      { toolchain: 'go' },
    ],
    [
      'toolchain: pnpm forces the manager',
      { 'package.json': pkg(), 'package-lock.json': '{}' },
      'pnpm',
      { packageManager: 'pnpm' },
    ],
  ])('%s', (_name, project, choice, expected) => {
    expect(planBuild(files(project), choice, '/w')).toMatchObject(expected);
  });

  test('an unknown layout lists everything that was looked for', () => {
    expect(() => planBuild(files({ 'README.md': '' }), 'auto', '/w/app')).toThrow(
      `Could not tell how to build /w/app: none of ${LOOKED_FOR.join(', ')} is there.`,
    );
    expect(LOOKED_FOR).toEqual([
      'package.json',
      'go.mod',
      'Cargo.toml',
      'pyproject.toml',
      'requirements.txt',
      'pom.xml',
      'build.gradle',
      'build.gradle.kts',
      'settings.gradle',
      'settings.gradle.kts',
    ]);
  });

  test('a malformed packageManager field is a clear error', () => {
    expect(() =>
      planBuild(files({ 'package.json': pkg({ packageManager: 'bun@1' }) }), 'auto', '/w'),
    ).toThrow(/packageManager "bun@1" is not of the form <npm\|pnpm\|yarn>@<version>/);
  });
});
