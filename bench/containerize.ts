/**
 * bench/containerize: the sample service with a realistic node_modules (thousands of files), built and
 * pushed to a local docker-registry twice in the same run — by the paved builder and by `buildah bud`
 * of the equivalent Dockerfile (the baseline) — then rebuilt by each after one source file changes.
 * Both run through the containerize action's ncc bundle exactly as a workflow step would (a fresh node
 * process each; the bundle is rebuilt first so the numbers are for the current source).
 * Buildah's first build starts from empty storage, as on a fresh runner; its rebuild reuses it.
 *
 *   npm run bench containerize
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
  existsSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runnerInputEnv } from '../test/support/runner-io.js';
import { publishNodeBaseImage } from '../sandbox/base-image.js';
import { requireCommand } from '../sandbox/process.js';
import { startRegistry } from '../sandbox/registry.js';
import { dropRunnerCommands } from './_quiet.js';

dropRunnerCommands(); // publishing the base image in this process logs its registry calls (bench/_quiet.ts)

const root = join(import.meta.dirname, '..');
const sample = join(root, 'examples', 'sample-service');
/** Real packages from this repository's own node_modules, to give the service a realistic dependency tree. */
const EXTRA_PACKAGES = [
  '@actions',
  'undici',
  'yaml',
  'ajv',
  'fast-xml-parser',
  '@typescript-eslint',
  'eslint',
  '@babel',
];

function countFiles(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = countFiles(path);
      files += sub.files;
      bytes += sub.bytes;
    } else if (entry.isFile()) {
      files++;
      bytes += statSync(path).size;
    }
  }
  return { files, bytes };
}

function git(cwd: string, ...args: string[]): void {
  const result = spawnSync('git', args, {
    cwd,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'bench',
      GIT_AUTHOR_EMAIL: 'b@x',
      GIT_COMMITTER_NAME: 'bench',
      GIT_COMMITTER_EMAIL: 'b@x',
    },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
}

async function runAction(
  workspace: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'dist/containerize/index.js')], {
    cwd: workspace,
    env: {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: 'refs/heads/main',
      ...runnerInputEnv(join(root, 'actions/containerize'), inputs),
      ...env,
    },
  });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = performance.now() - started;
  if (code !== 0)
    throw new Error(
      `containerize (${inputs['builder']}) failed:\n${stdout.split('\n').slice(-20).join('\n')}`,
    );
  return { ms, stdout };
}

requireCommand('docker-registry', 'docker-registry');
requireCommand('buildah', 'buildah');
if (!existsSync(join(sample, 'node_modules', 'prom-client'))) {
  spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: sample, stdio: 'inherit' });
}

const built = spawnSync(process.execPath, [join(root, 'scripts/build.js'), 'containerize'], {
  cwd: root,
  stdio: 'inherit',
});
if (built.status !== 0) throw new Error('building dist/containerize failed');

const registry = await startRegistry();
const work = mkdtempSync(join(tmpdir(), 'paved-bench-containerize-'));
try {
  await publishNodeBaseImage({ registry: registry.host });
  const workspace = join(work, 'ws');
  const service = join(workspace, 'service');
  cpSync(sample, service, { recursive: true, filter: (src) => !src.startsWith(join(sample, 'test')) });
  for (const name of EXTRA_PACKAGES) {
    if (existsSync(join(root, 'node_modules', name)))
      cpSync(join(root, 'node_modules', name), join(service, 'node_modules', name), { recursive: true });
  }
  writeFileSync(join(workspace, '.gitignore'), 'service/node_modules\n');
  git(workspace, 'init', '-q', '-b', 'main');
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-q', '-m', 'bench');
  const deps = countFiles(join(service, 'node_modules'));
  console.log(
    `context: sample-service with node_modules of ${deps.files} files, ${(deps.bytes / 1024 / 1024).toFixed(1)} MiB`,
  );

  const common = { context: 'service', tags: 'type=sha\ntype=ref,event=branch' };
  const storageConf = (name: string): string => {
    const storage = join(work, name);
    writeFileSync(
      `${storage}.conf`,
      `[storage]\ndriver = "vfs"\ngraphroot = "${storage}/root"\nrunroot = "${storage}/run"\n`,
    );
    return `${storage}.conf`;
  };
  const paved = (repo: string, cache: string) =>
    runAction(
      workspace,
      {
        ...common,
        images: `${registry.host}/${repo}`,
        builder: 'paved',
        'base-image': `${registry.host}/paved/node:20`,
      },
      { PAVED_LAYER_CACHE: join(work, cache) },
    );
  const buildah = (repo: string, conf: string) =>
    runAction(
      workspace,
      {
        ...common,
        images: `${registry.host}/${repo}`,
        builder: 'buildah',
        'build-args': `BASE=${registry.host}/paved/node:20`,
      },
      { CONTAINERS_STORAGE_CONF: conf },
    );
  const median = (values: number[]): number =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

  // The machine is shared, so each case runs ROUNDS times, the two builders interleaved, and the
  // median is reported. "Fresh": a new repository, empty buildah storage, no paved layer cache.
  const ROUNDS = 3;
  const fresh = { buildah: [] as number[], paved: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    fresh.buildah.push((await buildah(`bench/buildah-${round}`, storageConf(`buildah-fresh-${round}`))).ms);
    fresh.paved.push((await paved(`bench/paved-${round}`, `cache-fresh-${round}`)).ms);
  }
  // Rebuilds: one source file changes each round; buildah keeps its storage, paved its layer cache.
  const warm = storageConf('buildah-warm');
  await buildah('bench/buildah-warm', warm);
  await paved('bench/paved-warm', 'cache-warm');
  const rebuild = { buildah: [] as number[], paved: [] as number[] };
  let sent: RegExpExecArray | null = null;
  for (let round = 0; round < ROUNDS; round++) {
    appendFileSync(join(service, 'src', 'app.js'), `\n// bench change ${round}\n`);
    git(workspace, 'commit', '-q', '-am', `change ${round}`);
    rebuild.buildah.push((await buildah('bench/buildah-warm', warm)).ms);
    const run = await paved('bench/paved-warm', 'cache-warm');
    rebuild.paved.push(run.ms);
    sent = /: (\d+) bytes sent in (\d+) blob/.exec(run.stdout);
  }
  const rows: [string, number, number][] = [
    ['build + push (fresh)', median(fresh.buildah), median(fresh.paved)],
    ['rebuild after one source change', median(rebuild.buildah), median(rebuild.paved)],
  ];

  console.log('');
  console.log(`medians of ${ROUNDS} runs each`);
  console.log(`| ${'case'.padEnd(34)} | buildah bud (baseline) | paved builder | speed-up |`);
  console.log(`| ${'-'.repeat(34)} | ---------------------- | ------------- | -------- |`);
  for (const [name, baseline, ours] of rows) {
    console.log(
      `| ${name.padEnd(34)} | ${`${(baseline / 1000).toFixed(2)} s`.padStart(22)} | ${`${(ours / 1000).toFixed(2)} s`.padStart(13)} | ${`${(baseline / ours).toFixed(1)}×`.padStart(8)} |`,
    );
  }
  console.log('');
  console.log(
    `paved rebuild sent ${sent?.[1] ?? '?'} bytes in ${sent?.[2] ?? '?'} blob(s); target: paved ≥ 5× faster than buildah`,
  );
} finally {
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
}
