/**
 * Which toolchain a project uses, and the exact commands to install its dependencies and build it.
 * Pure: reads the project through {@link ProjectFiles}, so tests need only a table of files.
 *
 * Node's package manager comes from package.json's `packageManager` field (what corepack reads), else
 * from the lockfile. pnpm and yarn run through `corepack`, so the version the project pins is the one
 * that runs, without a global install.
 */
import { InputError, PavedError, quote } from '../../../shared/errors.js';

export const TOOLCHAINS = [
  'auto',
  'npm',
  'pnpm',
  'yarn',
  'go',
  'python',
  'maven',
  'gradle',
  'cargo',
] as const;
export type ToolchainInput = (typeof TOOLCHAINS)[number];
export type Toolchain = Exclude<ToolchainInput, 'auto' | 'npm' | 'pnpm' | 'yarn'> | 'node';

/** One command as an argument vector: never a shell string. */
export type Argv = readonly [string, ...string[]];

export interface ProjectFiles {
  exists(path: string): boolean;
  /** File text, or undefined when it does not exist. */
  read(path: string): string | undefined;
}

export interface BuildPlan {
  toolchain: Toolchain;
  /** npm, pnpm, yarn (classic), yarn-berry, go, pip, uv, poetry, maven, gradle, cargo. */
  packageManager: string;
  /** The version pinned in `packageManager`, when there is one. */
  packageManagerVersion: string | undefined;
  install: Argv[];
  build: Argv[];
  /** hashFiles patterns (relative to the project) for the cache key: lockfiles, else manifests. */
  keyFiles: string[];
  /** Files that decided the toolchain, for the log. */
  evidence: string[];
  /** Where the project's version is written, when it has one. */
  manifest: string | undefined;
}

interface Candidate {
  toolchain: Toolchain;
  markers: string[];
}

/** In this order when a repository has more than one (e.g. a Go service with a package.json for tooling). */
const CANDIDATES: Candidate[] = [
  { toolchain: 'node', markers: ['package.json'] },
  { toolchain: 'go', markers: ['go.mod'] },
  { toolchain: 'cargo', markers: ['Cargo.toml'] },
  { toolchain: 'python', markers: ['pyproject.toml', 'requirements.txt'] },
  { toolchain: 'maven', markers: ['pom.xml'] },
  {
    toolchain: 'gradle',
    markers: ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'],
  },
];

/** Every file detection looks for, for the "unknown layout" error. */
export const LOOKED_FOR = CANDIDATES.flatMap((c) => c.markers);

export function detectToolchains(files: ProjectFiles): Toolchain[] {
  return CANDIDATES.filter((c) => c.markers.some((m) => files.exists(m))).map((c) => c.toolchain);
}

/** Plan the build for `choice` (or what is detected for `auto`). Throws a PavedError saying what was looked for. */
export function planBuild(files: ProjectFiles, choice: ToolchainInput, directory: string): BuildPlan {
  if (choice === 'auto') {
    const found = detectToolchains(files);
    const first = found[0];
    if (!first) {
      throw new PavedError(
        `Could not tell how to build ${directory}: none of ${LOOKED_FOR.join(', ')} is there. Set 'working-directory' to the project's folder, or 'toolchain' (and 'install-command'/'build-command') to build it anyway.`,
      );
    }
    return planFor(first, files, undefined);
  }
  if (choice === 'npm' || choice === 'pnpm' || choice === 'yarn') return planFor('node', files, choice);
  return planFor(choice, files, undefined);
}

function planFor(
  toolchain: Toolchain,
  files: ProjectFiles,
  forcedManager: 'npm' | 'pnpm' | 'yarn' | undefined,
): BuildPlan {
  switch (toolchain) {
    case 'node':
      return planNode(files, forcedManager);
    case 'go':
      return {
        toolchain,
        packageManager: 'go',
        packageManagerVersion: undefined,
        install: [['go', 'mod', 'download']],
        build: [['go', 'build', './...']],
        keyFiles: files.exists('go.sum') ? ['go.sum'] : ['go.mod'],
        evidence: ['go.mod'],
        manifest: undefined,
      };
    case 'cargo': {
      const locked = files.exists('Cargo.lock');
      return {
        toolchain,
        packageManager: 'cargo',
        packageManagerVersion: undefined,
        install: [locked ? ['cargo', 'fetch', '--locked'] : ['cargo', 'fetch']],
        build: [locked ? ['cargo', 'build', '--release', '--locked'] : ['cargo', 'build', '--release']],
        keyFiles: locked ? ['Cargo.lock'] : ['Cargo.toml'],
        evidence: ['Cargo.toml', ...(locked ? ['Cargo.lock'] : [])],
        manifest: 'Cargo.toml',
      };
    }
    case 'python':
      return planPython(files);
    case 'maven': {
      const mvn = files.exists('mvnw') ? './mvnw' : 'mvn';
      const flags = ['--batch-mode', '--no-transfer-progress'];
      return {
        toolchain,
        packageManager: 'maven',
        packageManagerVersion: undefined,
        install: [[mvn, ...flags, 'dependency:go-offline']],
        // Tests belong to the test action; package builds the artifacts.
        build: [[mvn, ...flags, 'package', '-DskipTests']],
        keyFiles: ['**/pom.xml'],
        evidence: ['pom.xml', ...(mvn === './mvnw' ? ['mvnw'] : [])],
        manifest: 'pom.xml',
      };
    }
    case 'gradle': {
      const gradle = files.exists('gradlew') ? './gradlew' : 'gradle';
      const found = ['build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts'].filter(
        (f) => files.exists(f),
      );
      return {
        toolchain,
        packageManager: 'gradle',
        packageManagerVersion: undefined,
        install: [],
        build: [[gradle, 'assemble', '--no-daemon', '--console=plain']],
        keyFiles: [
          '**/*.gradle*',
          '**/gradle-wrapper.properties',
          'gradle/libs.versions.toml',
          '**/gradle.lockfile',
        ],
        evidence: [...found, ...(gradle === './gradlew' ? ['gradlew'] : [])],
        manifest: files.exists('gradle.properties') ? 'gradle.properties' : undefined,
      };
    }
  }
}

function planNode(files: ProjectFiles, forced: 'npm' | 'pnpm' | 'yarn' | undefined): BuildPlan {
  const text = files.read('package.json');
  let pkg: { packageManager?: unknown; scripts?: Record<string, unknown> } = {};
  if (text !== undefined) {
    try {
      pkg = JSON.parse(text) as typeof pkg;
    } catch (error) {
      throw new PavedError(`package.json is not valid JSON: ${(error as Error).message}`);
    }
  }
  let manager: 'npm' | 'pnpm' | 'yarn' | undefined = forced;
  let version: string | undefined;
  const evidence = ['package.json'];
  if (typeof pkg.packageManager === 'string') {
    const match = /^(npm|pnpm|yarn)@([^+\s]+)/.exec(pkg.packageManager);
    if (!match) {
      throw new PavedError(
        `package.json's packageManager ${quote(pkg.packageManager)} is not of the form <npm|pnpm|yarn>@<version>, e.g. "pnpm@9.15.0"`,
      );
    }
    if (!forced || forced === match[1]) {
      manager = match[1] as 'npm' | 'pnpm' | 'yarn';
      version = match[2];
      evidence.push(`packageManager: ${pkg.packageManager.split('+')[0]}`);
    }
  }
  if (!manager) {
    if (files.exists('pnpm-lock.yaml')) manager = 'pnpm';
    else if (files.exists('yarn.lock')) manager = 'yarn';
    else manager = 'npm';
  }
  const hasBuild = typeof pkg.scripts?.['build'] === 'string';
  switch (manager) {
    case 'pnpm': {
      const lock = files.exists('pnpm-lock.yaml');
      if (lock) evidence.push('pnpm-lock.yaml');
      // corepack runs the version package.json pins (and checks its hash); no global install needed.
      const pnpm = ['corepack', 'pnpm'] as const;
      return nodePlan(
        'pnpm',
        version,
        [[...pnpm, 'install', ...(lock ? ['--frozen-lockfile'] : [])]],
        hasBuild ? [[...pnpm, 'run', 'build']] : [],
        lock ? ['pnpm-lock.yaml'] : ['package.json'],
        evidence,
      );
    }
    case 'yarn': {
      const lock = files.exists('yarn.lock');
      if (lock) evidence.push('yarn.lock');
      // Berry: a 2+ version pinned, a .yarnrc.yml, or a lockfile with berry's __metadata header.
      const berry =
        (version !== undefined && !version.startsWith('1.')) ||
        files.exists('.yarnrc.yml') ||
        /^__metadata:/m.test(files.read('yarn.lock') ?? '');
      const yarn = ['corepack', 'yarn'] as const;
      const install: Argv = berry
        ? [...yarn, 'install', ...(lock ? ['--immutable'] : [])]
        : [...yarn, 'install', ...(lock ? ['--frozen-lockfile'] : []), '--non-interactive'];
      return nodePlan(
        berry ? 'yarn-berry' : 'yarn',
        version,
        [install],
        hasBuild ? [[...yarn, 'run', 'build']] : [],
        lock ? ['yarn.lock'] : ['package.json'],
        evidence,
      );
    }
    case 'npm': {
      const lock = files.exists('package-lock.json')
        ? 'package-lock.json'
        : files.exists('npm-shrinkwrap.json')
          ? 'npm-shrinkwrap.json'
          : undefined;
      if (lock) evidence.push(lock);
      // npm ci needs a lockfile; without one, install is the only way.
      const install: Argv = lock
        ? ['npm', 'ci', '--no-audit', '--no-fund']
        : ['npm', 'install', '--no-audit', '--no-fund'];
      return nodePlan(
        'npm',
        version,
        [install],
        hasBuild ? [['npm', 'run', 'build']] : [],
        lock ? [lock] : ['package.json'],
        evidence,
      );
    }
  }
}

function nodePlan(
  packageManager: string,
  version: string | undefined,
  install: Argv[],
  build: Argv[],
  keyFiles: string[],
  evidence: string[],
): BuildPlan {
  return {
    toolchain: 'node',
    packageManager,
    packageManagerVersion: version,
    install,
    build,
    keyFiles,
    evidence,
    manifest: 'package.json',
  };
}

function planPython(files: ProjectFiles): BuildPlan {
  const pyproject = files.read('pyproject.toml');
  const venvPython = '.venv/bin/python';
  if (pyproject !== undefined && files.exists('uv.lock')) {
    return {
      toolchain: 'python',
      packageManager: 'uv',
      packageManagerVersion: undefined,
      install: [['uv', 'sync', '--frozen']],
      build: [['uv', 'build']],
      keyFiles: ['uv.lock'],
      evidence: ['pyproject.toml', 'uv.lock'],
      manifest: 'pyproject.toml',
    };
  }
  if (pyproject !== undefined && (files.exists('poetry.lock') || /^\[tool\.poetry\]/m.test(pyproject))) {
    const lock = files.exists('poetry.lock');
    return {
      toolchain: 'python',
      packageManager: 'poetry',
      packageManagerVersion: undefined,
      install: [['poetry', 'install', '--no-interaction', '--no-root']],
      build: [['poetry', 'build', '--no-interaction']],
      keyFiles: lock ? ['poetry.lock'] : ['pyproject.toml'],
      evidence: ['pyproject.toml', ...(lock ? ['poetry.lock'] : ['[tool.poetry]'])],
      manifest: 'pyproject.toml',
    };
  }
  // pip: into a project virtualenv, which works on runners and on distributions that refuse system-wide
  // installs (PEP 668), and keeps the build's packages out of the runner's Python.
  const install: Argv[] = [['python3', '-m', 'venv', '.venv']];
  const keyFiles: string[] = [];
  const evidence: string[] = [];
  if (files.exists('requirements.txt')) {
    install.push([
      venvPython,
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '-r',
      'requirements.txt',
    ]);
    keyFiles.push('requirements*.txt');
    evidence.push('requirements.txt');
  }
  if (pyproject !== undefined) {
    install.push([venvPython, '-m', 'pip', 'install', '--disable-pip-version-check', '.']);
    keyFiles.push('pyproject.toml');
    evidence.push('pyproject.toml');
  }
  return {
    toolchain: 'python',
    packageManager: 'pip',
    packageManagerVersion: undefined,
    install,
    // Byte-compiling every module is the build: it fails on a syntax error anywhere in the project.
    build: [[venvPython, '-m', 'compileall', '-q', '-x', '(^|/)\\.venv/', '.']],
    keyFiles,
    evidence,
    manifest: pyproject !== undefined ? 'pyproject.toml' : undefined,
  };
}

/** For the error when an override names a toolchain whose files are missing. */
export function assertToolchainFits(plan: BuildPlan, files: ProjectFiles, choice: ToolchainInput): void {
  if (choice === 'auto') return;
  const candidate = CANDIDATES.find((c) => c.toolchain === plan.toolchain);
  if (candidate && !candidate.markers.some((m) => files.exists(m))) {
    throw new InputError(
      'toolchain',
      `Input 'toolchain' is ${quote(choice)} but none of ${candidate.markers.join(', ')} is in the working directory; found: ${
        detectToolchains(files).join(', ') || 'nothing buildable'
      }`,
    );
  }
}
