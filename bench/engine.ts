/**
 * bench/engine: what `paved run` costs on top of the processes a workflow spawns anyway.
 * Workflows: 10 jobs × (20 trivial `run:` steps + 20 local JavaScript action steps), the same with
 * `run:` steps only, and one job of 50 `run: true` steps. Baseline: the same bash scripts and node
 * scripts spawned directly, with the same job parallelism, in the same run.
 * Prints wall times, the ratio engine/raw (target ≤ 1.5×) and the engine's overhead per step.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runWorkflow } from '../engine/index.js';

const ROUNDS = 3;

interface Scenario {
  name: string;
  jobs: number;
  runSteps: number;
  actionSteps: number;
  /** The `run:` script of every step. */
  script: (step: number) => string;
}

/** The workload, and `run:` steps alone, where spawn cost is smallest and overhead shows most. */
const SCENARIOS: Scenario[] = [
  {
    name: '10 jobs × (20 run: + 20 JS action steps)',
    jobs: 10,
    runSteps: 20,
    actionSteps: 20,
    script: (i) => `echo step ${i}`,
  },
  {
    name: '10 jobs × 20 run: steps',
    jobs: 10,
    runSteps: 20,
    actionSteps: 0,
    script: (i) => `echo step ${i}`,
  },
  // One job of steps that do nothing: the engine's cost per step with nothing to hide it.
  { name: '1 job × 50 `run: true` steps', jobs: 1, runSteps: 50, actionSteps: 0, script: () => 'true' },
];
const concurrency = Math.max(1, cpus().length);

function makeRepo({ jobs: JOBS, runSteps: RUN_STEPS, actionSteps: ACTION_STEPS, script }: Scenario): string {
  const repo = mkdtempSync(join(tmpdir(), 'paved-bench-engine-'));
  mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
  mkdirSync(join(repo, 'actions', 'noop'), { recursive: true });
  writeFileSync(
    join(repo, 'actions', 'noop', 'action.yml'),
    'name: noop\ndescription: prints its input\ninputs:\n  n:\n    description: step number\nruns:\n  using: node20\n  main: index.js\n',
  );
  writeFileSync(join(repo, 'actions', 'noop', 'index.js'), "console.log('action ' + process.env.INPUT_N);\n");
  const steps: string[] = [];
  for (let i = 0; i < RUN_STEPS; i++) steps.push(`      - run: ${JSON.stringify(script(i))}`);
  for (let i = 0; i < ACTION_STEPS; i++)
    steps.push(`      - uses: ./actions/noop\n        with:\n          n: '${i}'`);
  const jobs: string[] = [];
  for (let j = 0; j < JOBS; j++)
    jobs.push(`  job${j}:\n    runs-on: ubuntu-latest\n    steps:\n${steps.join('\n')}`);
  writeFileSync(
    join(repo, '.github', 'workflows', 'bench.yml'),
    `name: bench\non: push\njobs:\n${jobs.join('\n')}\n`,
  );
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '-A'],
    ['-c', 'user.name=b', '-c', 'user.email=b@b', 'commit', '-qm', 'bench'],
  ]) {
    spawnSync('git', args, { cwd: repo });
  }
  return repo;
}

function spawnQuiet(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    // Detached like the engine's step processes (own process group and session), so both get the
    // same scheduling treatment on a busy machine.
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => resolve());
  });
}

/** The same processes, spawned directly: per job, a script file per step run with `bash -e`, then node. */
async function raw(
  repo: string,
  { jobs: JOBS, runSteps: RUN_STEPS, actionSteps: ACTION_STEPS, script: stepScript }: Scenario,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'paved-bench-raw-'));
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const job = next++;
      if (job >= JOBS) return;
      for (let i = 0; i < RUN_STEPS; i++) {
        const script = join(dir, `${job}-${i}.sh`);
        writeFileSync(script, stepScript(i));
        await spawnQuiet('bash', ['-e', script], process.env);
      }
      for (let i = 0; i < ACTION_STEPS; i++)
        await spawnQuiet(process.execPath, [join(repo, 'actions', 'noop', 'index.js')], {
          ...process.env,
          INPUT_N: String(i),
        });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - started;
  rmSync(dir, { recursive: true, force: true });
  return elapsed;
}

async function engine(
  repo: string,
  { jobs: JOBS, runSteps: RUN_STEPS, actionSteps: ACTION_STEPS, script }: Scenario,
): Promise<number> {
  const printing = script(0) !== 'true';
  let lines = 0;
  const started = performance.now();
  const result = await runWorkflow({
    workflow: join(repo, '.github', 'workflows', 'bench.yml'),
    concurrency,
    onLog: (e) => void (e.kind === 'line' && lines++),
  });
  const elapsed = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`bench workflow failed: ${JSON.stringify(result.annotations)}`);
  const expected = JOBS * ((printing ? RUN_STEPS : 0) + ACTION_STEPS);
  if (lines !== expected) throw new Error(`expected ${expected} output lines, got ${lines}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

console.log(`${concurrency} job(s) at once, median of ${ROUNDS} rounds (raw and engine interleaved)`);
console.log('');
console.log('| workload | steps | raw spawn | paved run | engine / raw | overhead per step |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const scenario of SCENARIOS) {
  const repo = makeRepo(scenario);
  try {
    await engine(repo, scenario); // warm-up: module loading, parser schema, file system caches
    await raw(repo, scenario);
    const engineTimes: number[] = [];
    const rawTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rawTimes.push(await raw(repo, scenario));
      engineTimes.push(await engine(repo, scenario));
    }
    const steps = scenario.jobs * (scenario.runSteps + scenario.actionSteps);
    const e = median(engineTimes);
    const r = median(rawTimes);
    console.log(
      `| ${scenario.name} | ${steps} | ${(r / 1000).toFixed(2)}s | ${(e / 1000).toFixed(2)}s | ${(e / r).toFixed(2)}× | ${((e - r) / steps).toFixed(2)}ms |`,
    );
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}
console.log('');
console.log('Target: engine / raw ≤ 1.5×. Overhead per step is wall time with jobs in parallel.');
